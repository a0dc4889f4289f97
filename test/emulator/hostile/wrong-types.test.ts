/**
 * Every field of every action, on `/web`, `/admin`, the v3 auth paths and the gateway's REST paths (their
 * body fields, query parameters, path segments and whole bodies), replaced in turn by values of the wrong
 * type (objects whose `toString` or `valueOf` is not a function among them): not one answer is an HTTP 500
 * or an internal error, every answer is a CloudBase-shaped refusal or a success, and the emulator answers an
 * unrelated request promptly afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../../emulator/index'
import { signedAdminRequest } from '../../helpers/admin'
import { anonymousToken } from '../../helpers/web'
import { expectResponsive } from './responsive'

let emulator: RunningEmulator
let token: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
  token = await anonymousToken(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

const trap = { toString: 1, valueOf: 1 }
const deep = (depth: number): unknown => (depth ? { a: deep(depth - 1) } : 1)
/** Values of the wrong type for any field. */
const WRONG: unknown[] = [
  trap,
  { toString: { toString: 1 } },
  [trap],
  [],
  [[]],
  {},
  null,
  true,
  0,
  -1,
  1.5,
  '',
  'x',
  '\u0000',
  'x'.repeat(100_000),
  { $where: '1' },
  { $date: trap },
  { $regex: trap },
  deep(150),
]

const FILE_ID = 'cloud://demo-env.6465-demo-env/a.txt'
const order = [{ field: 'a', direction: 'asc' }]

/** A valid body per `/web` action (transaction ones get a live transactionId). */
const WEB: Record<string, Record<string, unknown>> = {
  'database.queryDocument': { collectionName: 'todos', query: { a: 1 }, order, offset: 0, limit: 10, projection: { a: 1 }, queryType: 'WHERE' },
  'database.countDocument': { collectionName: 'todos', query: { a: 1 } },
  'database.addDocument': { collectionName: 'todos', data: { a: 1 } },
  'database.updateDocument': { collectionName: 'todos', query: { a: 1 }, data: { $set: { a: 2 } }, multi: true, merge: true, upsert: false, queryType: 'WHERE' },
  'database.deleteDocument': { collectionName: 'todos', query: { a: 3 }, multi: true, queryType: 'WHERE' },
  'database.aggregate': { collectionName: 'todos', stages: [{ stageKey: '$match', stageValue: '{}' }] },
  'database.addCollection': { collectionName: 'fresh' },
  'database.startTransaction': {},
  'database.getInTransaction': { transactionId: 'live', collectionName: 'todos', query: { a: 1 } },
  'database.insertDocInTransaction': { transactionId: 'live', collectionName: 'todos', _id: 'tx1', data: '{"a":1}' },
  'database.updateDocInTransaction': { transactionId: 'live', collectionName: 'todos', query: { a: 1 }, data: '{"$set":{"b":1}}', upsert: false },
  'database.deleteDocInTransaction': { transactionId: 'live', collectionName: 'todos', query: { a: 9 } },
  'database.commitTransaction': { transactionId: 'live' },
  'database.abortTransaction': { transactionId: 'live' },
  'storage.getUploadMetadata': { path: 'a.txt', method: 'put' },
  'storage.batchGetDownloadUrl': { file_list: [{ fileid: FILE_ID, max_age: 60 }] },
  'storage.batchDeleteFile': { fileid_list: [FILE_ID] },
  'functions.invokeFunction': { function_name: 'f', request_data: '{}', parse: true },
  'auth.wsWebSign': {},
  'auth.signInAnonymously': { refresh_token: 'r' },
  'auth.signInWithTicket': { ticket: 't' },
  'auth.fetchAccessTokenWithRefreshToken': { refresh_token: 'r' },
  'auth.logout': { refresh_token: 'r' },
}

/** A valid body per `/admin` action. */
const ADMIN: Record<string, Record<string, unknown>> = {
  'database.getDocument': { collectionName: 'todos', query: '{"a":1}', order: '{"a":1}', offset: 0, limit: 10, projection: '{"a":1}' },
  'database.calculateDocument': { collectionName: 'todos', query: '{}' },
  'database.insertDocument': { collectionName: 'todos', data: ['{"a":1}'] },
  'database.modifyDocument': { collectionName: 'todos', query: '{"a":1}', data: '{"$set":{"a":2}}', multi: true, merge: true, upsert: false },
  'database.modifyAndReturnDoc': { collectionName: 'todos', query: '{"a":2}', data: '{"$set":{"a":1}}', upsert: false },
  'database.removeDocument': { collectionName: 'todos', query: '{"a":3}', multi: true },
  'database.aggregateDocuments': { collectionName: 'todos', stages: [{ stageKey: '$match', stageValue: '{}' }] },
  'database.addCollection': { collectionName: 'fresh2' },
  'database.createIndex': { collectionName: 'todos', keys: { a: 1 }, name: 'a', unique: false },
  'database.dropIndex': { collectionName: 'todos', name: 'nope' },
  'database.startTransaction': {},
  'database.commitTransaction': { transactionId: 'live' },
  'database.abortTransaction': { transactionId: 'live' },
  'storage.getUploadMetadata': { path: 'b.txt' },
  'storage.batchGetDownloadUrl': { file_list: [{ fileid: FILE_ID }] },
  'storage.batchDeleteFile': { fileid_list: [FILE_ID] },
  'functions.invokeFunction': { function_name: 'f', request_data: '' },
}

/** The v3 auth paths and their bodies. */
const OAUTH: Record<string, Record<string, unknown>> = {
  '/auth/v1/signin/anonymously': {},
  '/auth/v1/signin/custom': { provider_id: 'custom', ticket: 't' },
  '/auth/v1/token': { client_id: 'demo-env', grant_type: 'refresh_token', refresh_token: 'r' },
  '/auth/v1/revoke': { token: 't' },
}

/** One gateway request: `:name` segments of `path` are filled from `params`. */
interface GatewayCase {
  method: string
  path: string
  params?: Record<string, string>
  search?: Record<string, string>
  body?: unknown
}

const DB = '/v1/database/instances/(default)/databases/(default)'

/** A valid request per gateway route (docs/protocol.md §2.4, §7.3, §8); `live` becomes an open transaction. */
const GATEWAY: Record<string, GatewayCase> = {
  query: { method: 'GET', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, search: { query: '{"a":{"$numberInt":"1"}}', order: JSON.stringify(order), projection: '{"a":1}', offset: '0', limit: '10' } },
  count: { method: 'GET', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, search: { count: 'true', query: '{}' } },
  'query in a transaction': { method: 'GET', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, search: { transactionId: 'live', query: '{}', limit: '10' } },
  'one document': { method: 'GET', path: `${DB}/collections/:collection/documents/:id`, params: { collection: 'todos', id: 'd1' }, search: { projection: '{"a":1}' } },
  'one document in a transaction': { method: 'GET', path: `${DB}/collections/:collection/documents/:id`, params: { collection: 'todos', id: 'd1' }, search: { transactionId: 'live' } },
  add: { method: 'POST', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, body: { data: [{ a: 1 }] } },
  'add in a transaction': { method: 'POST', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, body: { data: [{ _id: 'gw1', a: 1 }], transactionId: 'live' } },
  update: { method: 'PATCH', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, body: { query: { a: 1 }, data: { $set: { a: 2 } }, multi: true, upsert: false, replaceMode: false } },
  'update in a transaction': { method: 'PATCH', path: `${DB}/collections/:collection/documents`, params: { collection: 'todos' }, body: { query: { a: 1 }, data: { $set: { b: 1 } }, upsert: false, transactionId: 'live' } },
  remove: { method: 'POST', path: `${DB}/collections/:collection/documents/remove`, params: { collection: 'todos' }, body: { query: { a: 3 }, multi: true } },
  'remove in a transaction': { method: 'POST', path: `${DB}/collections/:collection/documents/remove`, params: { collection: 'todos' }, body: { query: { a: 9 }, transactionId: 'live' } },
  aggregate: { method: 'POST', path: `${DB}/collections/:collection/documents/aggregations`, params: { collection: 'todos' }, body: { pipeline: [{ $match: {} }] } },
  'add a collection': { method: 'POST', path: `${DB}/collections`, body: { collectionName: 'fresh3' } },
  'start a transaction': { method: 'POST', path: `${DB}/transactions` },
  commit: { method: 'POST', path: `${DB}/transactions/:transaction/commit`, params: { transaction: 'live' } },
  rollback: { method: 'POST', path: `${DB}/transactions/:transaction/rollback`, params: { transaction: 'live' } },
  'call a function': { method: 'POST', path: '/v1/functions/:name', params: { name: 'f' }, body: { a: 1 } },
  'upload info': { method: 'POST', path: '/v1/storages/get-objects-upload-info', body: [{ objectId: 'a.txt', signedHeader: { 'content-type': ['text/plain'] } }] },
  'download info': { method: 'POST', path: '/v1/storages/get-objects-download-info', body: [{ cloudObjectId: FILE_ID, maxAge: 60 }] },
  'delete objects': { method: 'POST', path: '/v1/storages/delete-objects', body: [{ cloudObjectId: FILE_ID }] },
}

/** Query parameters and path segments are text: text that is not what the route reads. */
const WRONG_TEXT = ['', 'x', '-1', '1.5', '1e400', '99999999999999999999', 'null', 'true', '[]', '{}', '{', '{"$where":"1"}', '{"$date":{"$numberLong":"x"}}', '{"$regex":"("}', '{"a":{"$oid":"x"}}', JSON.stringify(deep(150)), '\u0000', 'é', '%', 'x'.repeat(4000)]
/** Path segments that are not names (sent as they are, unencoded where that is the point). */
const WRONG_SEGMENTS = ['%', '%E0%A4%A', '__proto__', 'constructor', '%2F', '..', '%00', 'x'.repeat(2000), '(default)']

/** Every variant of `body`: each field (and one extra, `env`-like field) replaced by each wrong value. */
function* variants(body: Record<string, unknown>, extra: string[]): Generator<Record<string, unknown>> {
  for (const field of [...Object.keys(body), ...extra]) {
    for (const value of WRONG) yield { ...body, [field]: value }
  }
}

async function liveTransaction(): Promise<string> {
  const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify({ action: 'database.startTransaction', env: emulator.env, access_token: token }) })
  return ((await response.json()) as { transactionId: string }).transactionId
}

interface Outcome {
  status: number
  body: Record<string, unknown>
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const response = await fetch(emulator.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** An answer that is not the emulator failing: a success, or a refusal with a code and a message. */
function expectHandled(what: string, outcome: Outcome): void {
  const failed = outcome.status >= 500 || outcome.body.code === 'SYS_ERR'
  expect(failed, `${what} → ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`).toBe(false)
}

const label = (action: string, body: Record<string, unknown>) => `${action} ${JSON.stringify(body).slice(0, 160)}`

describe('wrong types on every field', () => {
  it('/web: every action, every field, every wrong value', async () => {
    let sent = 0
    for (const [action, valid] of Object.entries(WEB)) {
      for (const variant of variants(valid, ['env', 'access_token'])) {
        const body: Record<string, unknown> = { action, env: emulator.env, access_token: token, ...variant }
        if (body.transactionId === 'live') body.transactionId = await liveTransaction()
        expectHandled(label(action, variant), await post('/web', JSON.stringify(body)))
        sent++
      }
    }
    expect(sent).toBeGreaterThan(1000)
    await expectResponsive(emulator)
  })

  it('/admin: every action, every field, every wrong value, signed', async () => {
    let sent = 0
    for (const [action, valid] of Object.entries(ADMIN)) {
      for (const variant of variants(valid, ['envName', 'transactionId'])) {
        if (variant.transactionId === 'live') variant.transactionId = await liveTransaction()
        const signed = signedAdminRequest(emulator, action, variant)
        // Signed as sent, then posted with node:http's Host (fetch sets its own, which is the same here).
        expectHandled(label(action, variant), await post(new URL(signed.url).pathname + new URL(signed.url).search, signed.body, signed.headers))
        sent++
      }
    }
    expect(sent).toBeGreaterThan(600)
    await expectResponsive(emulator)
  })

  it('the v3 auth paths: every field, every wrong value, with and without a bearer', async () => {
    for (const [path, valid] of Object.entries(OAUTH)) {
      for (const variant of variants(valid, [])) {
        expectHandled(`${path} ${JSON.stringify(variant).slice(0, 120)}`, await post(path, JSON.stringify(variant)))
      }
    }
    for (const bearer of ['', 'x', 'é'.repeat(43), `${'a'.repeat(10)}.${'é'.repeat(43)}`]) {
      const response = await fetch(`${emulator.url}/auth/v1/user/me`, { headers: { authorization: `Bearer ${bearer}` } })
      expect(response.status).toBe(401)
    }
    await expectResponsive(emulator)
  })

  it('the gateway paths: every body field, query parameter, path segment and whole body, every wrong value', async () => {
    let sent = 0
    const send = async (what: string, { method, path, params = {}, search = {}, body }: GatewayCase, raw?: string) => {
      const live = async (value: string) => (value === 'live' ? liveTransaction() : value)
      let url = path
      for (const [name, value] of Object.entries(params)) url = url.replace(`:${name}`, value === 'live' ? await live(value) : value)
      const query = new URLSearchParams()
      for (const [key, value] of Object.entries(search)) query.set(key, await live(value))
      if (body && typeof body === 'object' && !Array.isArray(body) && (body as { transactionId?: unknown }).transactionId === 'live') body = { ...body, transactionId: await live('live') }
      const text = raw ?? (body === undefined ? undefined : JSON.stringify(body))
      const response = await fetch(`${emulator.url}${url}${query.size ? `?${query}` : ''}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(text === undefined ? {} : { body: text }) })
      const answer = await response.text()
      let parsed: unknown
      expect(() => (parsed = JSON.parse(answer)), `${what}: not JSON: ${answer.slice(0, 200)}`).not.toThrow()
      const failed = response.status >= 500 || (!!parsed && typeof parsed === 'object' && (parsed as { code?: unknown }).code === 'SYS_ERR')
      expect(failed, `${what} → ${response.status} ${answer.slice(0, 300)}`).toBe(false)
      sent++
    }
    for (const [route, valid] of Object.entries(GATEWAY)) {
      const { method, body, search = {}, params = {} } = valid
      if (method !== 'GET') {
        // Each field of an object body, or of an array body's first item; then the whole body.
        const fields = Array.isArray(body) ? (body[0] as Record<string, unknown>) : (body as Record<string, unknown> | undefined)
        for (const variant of variants(fields || {}, ['transactionId'])) {
          await send(`${route} ${JSON.stringify(variant).slice(0, 120)}`, { ...valid, body: Array.isArray(body) ? [variant] : variant })
        }
        for (const value of WRONG) {
          await send(`${route} body ${JSON.stringify(value).slice(0, 80)}`, { ...valid, body: value })
          if (Array.isArray(body)) await send(`${route} item ${JSON.stringify(value).slice(0, 80)}`, { ...valid, body: [value] })
        }
        for (const raw of ['', '{', '[', 'nul', '"x"']) await send(`${route} raw body ${raw}`, valid, raw)
      }
      for (const key of [...Object.keys(search), 'transactionId', 'count', 'query']) {
        for (const value of WRONG_TEXT) await send(`${route} ?${key}=${value.slice(0, 40)}`, { ...valid, search: { ...search, [key]: value } })
      }
      for (const name of Object.keys(params)) {
        for (const value of WRONG_SEGMENTS) await send(`${route} :${name}=${value.slice(0, 40)}`, { ...valid, params: { ...params, [name]: value } })
      }
    }
    expect(sent).toBeGreaterThan(2000)
    await expectResponsive(emulator)
    // Some 3000 requests, one after another: seconds on a machine shared with other test files.
  }, 60_000)

  it('bodies that are not objects, on every JSON endpoint', async () => {
    for (const path of ['/web', '/admin', '/auth/v1/token']) {
      for (const text of ['null', '[]', '1', '"x"', 'true', '{"action":{"toString":1}}', '{"action":["database.queryDocument"]}']) {
        expectHandled(`${path} ${text}`, await post(path, text))
      }
    }
    await expectResponsive(emulator)
  })
})
