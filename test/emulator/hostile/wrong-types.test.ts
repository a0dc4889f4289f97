/**
 * Every field of every action, on `/web`, `/admin` and the v3 auth paths, replaced in turn by values of
 * the wrong type (objects whose `toString` or `valueOf` is not a function among them): not one answer is
 * an HTTP 500 or an internal error, every answer is a CloudBase-shaped refusal or a success, and the
 * emulator answers an unrelated request promptly afterwards.
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

  it('bodies that are not objects, on every JSON endpoint', async () => {
    for (const path of ['/web', '/admin', '/auth/v1/token']) {
      for (const text of ['null', '[]', '1', '"x"', 'true', '{"action":{"toString":1}}', '{"action":["database.queryDocument"]}']) {
        expectHandled(`${path} ${text}`, await post(path, text))
      }
    }
    await expectResponsive(emulator)
  })
})
