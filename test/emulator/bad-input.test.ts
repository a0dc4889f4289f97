/**
 * A corpus of bad requests thrown at a live emulator over HTTP: each gets a clear CloudBase error, nothing
 * is written, and the emulator keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { MAX_BODY_BYTES } from '../../emulator/http/server'
import { adminCall } from '../helpers/admin'
import { anonymousToken } from '../helpers/web'

let emulator: RunningEmulator
/** A real anonymous sign-in's access token: bad input must be refused for what it is, not for lacking one. */
let token: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
  token = await anonymousToken(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

async function post(body: string, path = '/web'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(emulator.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const call = (action: string, params: Record<string, unknown>) => post(JSON.stringify({ action, env: 'demo-env', access_token: token, ...params }))
/** An admin-dialect request, signed with the emulator's admin key as the server SDKs sign. */
const admin = async (action: string, params: Record<string, unknown>) => ({ status: 200, body: await adminCall(emulator, action, params) })
/** A hand-written body (for keys JSON.stringify cannot produce), signed in. */
const raw = (json: string) => post(json.replace(/^\{/, `{"access_token":"${token}",`))
const add = (data: unknown) => call('database.addDocument', { collectionName: 'todos', data })

async function count(): Promise<number> {
  const { body } = await call('database.countDocument', { collectionName: 'todos', queryType: 'WHERE' })
  return (body.data as { total: number }).total
}

/** Nesting `depth` objects deep: `{ a: { a: ... } }`, built as text so JSON.parse is what meets it. */
const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)

const corpus: Array<[string, () => Promise<{ status: number; body: Record<string, unknown> }>, string, RegExp]> = [
  ['malformed JSON', () => post('{"action": "database.addDocument",'), 'INVALID_PARAM', /not valid JSON/],
  ['a JSON array body', () => post('[1,2]'), 'INVALID_PARAM', /must be a JSON object/],
  ['no action', () => post('{"collectionName":"todos"}'), 'INVALID_PARAM', /action is required/],
  ['unknown action', () => call('database.dropEverything', {}), 'INVALID_ACTION', /unknown action database.dropEverything/],
  ['prototype action name', () => call('__proto__', {}), 'INVALID_ACTION', /unknown action/],
  ['another env', () => call('database.countDocument', { env: 'prod', collectionName: 'todos' }), 'INVALID_ENV', /not "prod"/],
  ['no access token', () => post(JSON.stringify({ action: 'database.countDocument', collectionName: 'todos' })), 'CHECK_LOGIN_FAILED', /access_token is required/],
  ['a forged access token', () => call('database.countDocument', { collectionName: 'todos', access_token: 'eyJzdWIiOiJhZG1pbiJ9.forged' }), 'CHECK_LOGIN_FAILED', /not one this emulator issued/],
  ['a refresh token used as an access token', () => post(JSON.stringify({ action: 'auth.signInAnonymously' })).then(({ body }) => call('database.countDocument', { collectionName: 'todos', access_token: (body.data as { refresh_token: string }).refresh_token })), 'CHECK_LOGIN_FAILED', /a refresh token was given where a access token is needed/],
  ['missing collectionName', () => call('database.queryDocument', { queryType: 'WHERE' }), 'INVALID_PARAM', /collectionName is required/],
  ['missing collection', () => call('database.queryDocument', { collectionName: 'nope' }), 'DATABASE_COLLECTION_NOT_EXIST', /collection nope not exists/],
  ['query of the wrong type', () => call('database.queryDocument', { collectionName: 'todos', query: 'done=1' }), 'INVALID_PARAM', /query must be an object/],
  ['negative limit', () => call('database.queryDocument', { collectionName: 'todos', limit: -5 }), 'INVALID_PARAM', /limit must be a non-negative integer/],
  ['bad order', () => call('database.queryDocument', { collectionName: 'todos', order: [{ field: 'a', direction: 'up' }] }), 'INVALID_PARAM', /order must be/],
  ['$where in a query', () => call('database.queryDocument', { collectionName: 'todos', query: { $where: 'this.a == 1' } }), 'DATABASE_INVALID_OPERRATOR', /\$where runs code/],
  ['$function in $expr', () => call('database.countDocument', { collectionName: 'todos', query: { $expr: { $function: { body: 'return 1', args: [], lang: 'js' } } } }), 'DATABASE_INVALID_OPERRATOR', /\$function runs code/],
  ['$accumulator in a group', () => call('database.aggregate', { collectionName: 'todos', stages: [{ stageKey: '$group', stageValue: JSON.stringify({ _id: null, x: { $accumulator: { init: 'function(){}' } } }) }] }), 'DATABASE_INVALID_OPERRATOR', /\$accumulator runs code/],
  ['unknown query operator', () => call('database.queryDocument', { collectionName: 'todos', query: { a: { $frobnicate: 1 } } }), 'DATABASE_INVALID_OPERRATOR', /frobnicate/],
  ['stage value not JSON', () => call('database.aggregate', { collectionName: 'todos', stages: [{ stageKey: '$match', stageValue: '{' }] }), 'INVALID_PARAM', /not JSON/],
  ['__proto__ key in a document', () => raw(`{"action":"database.addDocument","collectionName":"todos","data":{"__proto__":{"admin":true}}}`), 'INVALID_PARAM', /"__proto__" is not allowed/],
  ['constructor key in a document', () => add({ constructor: { prototype: { x: 1 } } }), 'INVALID_PARAM', /"constructor" is not allowed/],
  ['prototype key in a query', () => call('database.queryDocument', { collectionName: 'todos', query: { prototype: 1 } }), 'INVALID_PARAM', /"prototype" is not allowed/],
  ['__proto__ key in an update', () => raw(`{"action":"database.updateDocument","collectionName":"todos","query":{},"multi":true,"data":{"$set":{"__proto__":{"x":1}}}}`), 'INVALID_PARAM', /"__proto__" is not allowed/],
  ['deeply nested document', () => raw(`{"action":"database.addDocument","collectionName":"todos","data":${deep(5000)}}`), 'INVALID_PARAM', /nested deeper than 100/],
  ['update with a non-operator', () => call('database.updateDocument', { collectionName: 'todos', query: {}, multi: true, data: { a: 1 } }), 'DATABASE_INVALID_OPERRATOR', /unknown update operator a/],
  ['update of _id', () => call('database.updateDocument', { collectionName: 'todos', query: {}, multi: true, data: { $set: { _id: 'x' } } }), 'INVALID_PARAM', /_id cannot be updated/],
  ['multi of the wrong type', () => call('database.deleteDocument', { collectionName: 'todos', query: {}, multi: 'yes' }), 'INVALID_PARAM', /multi must be true or false/],
  ['a number as a document', () => add(5), 'INVALID_PARAM', /each document must be an object/],
  ['_id of the wrong type', () => add({ _id: 7 }), 'INVALID_PARAM', /_id must be a non-empty string/],
  ['an invalid regex', () => call('database.queryDocument', { collectionName: 'todos', query: { a: { $regex: '(', $options: '' } } }), 'INVALID_PARAM', /invalid regular expression/],
  ['a bad $date', () => add({ at: { $date: 'yesterday' } }), 'INVALID_PARAM', /\$date must be/],
  ['batch with one bad document', () => add([{ a: 1 }, 'x']), 'INVALID_PARAM', /each document must be an object/],
  ['transaction that does not exist', () => call('database.commitTransaction', { transactionId: 'nope' }), 'DATABASE_TRANSACTION_FAIL', /does not exist or has ended/],
  ['/admin: malformed EJSON', () => admin('database.getDocument', { collectionName: 'todos', query: '{"a":' }), 'INVALID_PARAM', /query is not valid EJSON/],
  ['/admin: stage value not JSON', () => admin('database.aggregateDocuments', { collectionName: 'todos', stages: [{ stageKey: '$match', stageValue: '{' }] }), 'INVALID_PARAM', /stageValue of \$match is not JSON/],
  ['/admin: stage value JSON but not EJSON', () => admin('database.aggregateDocuments', { collectionName: 'todos', stages: [{ stageKey: '$match', stageValue: '{"_id":{"$oid":"x"}}' }] }), 'INVALID_PARAM', /stageValue is not valid EJSON/],
  ['/admin: $where', () => admin('database.getDocument', { collectionName: 'todos', query: '{"$where":"1"}' }), 'DATABASE_INVALID_OPERRATOR', /\$where runs code/],
  ['/admin: __proto__ in a document', () => admin('database.insertDocument', { collectionName: 'todos', data: ['{"__proto__":{"x":1}}'] }), 'INVALID_PARAM', /"__proto__" is not allowed/],
  ['/admin: insert of a non-array', () => admin('database.insertDocument', { collectionName: 'todos', data: '{}' }), 'INVALID_PARAM', /non-empty array of EJSON strings/],
  ['/admin: another env', () => admin('database.calculateDocument', { collectionName: 'todos', envName: 'prod' }), 'INVALID_ENV', /not "prod"/],
  ['/admin: unknown action', () => admin('database.dropDatabase', {}), 'INVALID_ACTION', /unknown action/],
]

describe('bad input gets a clear error, nothing is written, the emulator keeps serving', () => {
  for (const [name, send, code, message] of corpus) {
    it(name, async () => {
      const before = await count()
      const { status, body } = await send()
      expect(status).toBe(200)
      expect(body.code).toBe(code)
      expect(body.message).toMatch(message)
      expect(body.requestId).toEqual(expect.any(String))
      expect(await count()).toBe(before)
    })
  }

  it(`an oversized body gets HTTP 413 (limit ${MAX_BODY_BYTES} bytes) and the emulator keeps serving`, async () => {
    const big = JSON.stringify({ action: 'database.addDocument', collectionName: 'todos', data: { blob: 'x'.repeat(MAX_BODY_BYTES) } })
    const { status, body } = await post(big)
    expect(status).toBe(413)
    expect(body.code).toBe('INVALID_PARAM')
    expect(await count()).toBe(0)
  })

  it('an unknown path gets 404 in CloudBase form', async () => {
    const { status, body } = await post('{}', '/nope')
    expect(status).toBe(404)
    expect(body.code).toBe('INVALID_REQUEST_SOURCE')
  })

  it('after the whole corpus, a good request still works', async () => {
    const { body } = await add({ ok: true })
    expect((body.data as { _id: string })._id).toMatch(/^[0-9a-f]{32}$/)
    expect(await count()).toBe(1)
  })
})

/** One request on the gateway's REST paths (dialect B), signed in with a bearer. */
async function gateway(method: string, path: string, { search = '', body = undefined as string | undefined, bearer = token } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) }
  const response = await fetch(`${emulator.url}${path}${search}`, { method, headers, ...(body === undefined ? {} : { body }) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const DOCUMENTS = '/v1/database/instances/(default)/databases/(default)/collections/todos/documents'

const gatewayCorpus: Array<[string, () => Promise<{ status: number; body: Record<string, unknown> }>, number, string, RegExp]> = [
  ['no bearer', () => gateway('GET', DOCUMENTS, { bearer: '' }), 401, 'CHECK_LOGIN_FAILED', /access_token is required/],
  ['a forged bearer', () => gateway('POST', DOCUMENTS, { bearer: 'eyJzdWIiOiJhZG1pbiJ9.forged', body: '{"data":[{"a":1}]}' }), 401, 'CHECK_LOGIN_FAILED', /not one this emulator issued/],
  ['an unknown route', () => gateway('POST', '/v1/storages/copy-objects', { body: '[]' }), 404, 'INVALID_ACTION', /no route POST \/v1\/storages\/copy-objects/],
  ['a known path with another method', () => gateway('DELETE', DOCUMENTS), 404, 'INVALID_ACTION', /no route DELETE/],
  ['another database', () => gateway('GET', DOCUMENTS.replace('databases/(default)', 'databases/prod')), 400, 'INVALID_PARAM', /database "prod" is not served/],
  ['a missing collection', () => gateway('GET', DOCUMENTS.replace('todos', 'nope')), 404, 'DATABASE_COLLECTION_NOT_EXIST', /collection nope not exists/],
  ['malformed JSON', () => gateway('POST', DOCUMENTS, { body: '{"data":' }), 400, 'INVALID_PARAM', /not valid JSON/],
  ['a body that is not an object', () => gateway('POST', DOCUMENTS, { body: '[{"a":1}]' }), 400, 'INVALID_PARAM', /must be a JSON object/],
  ['add without a list', () => gateway('POST', DOCUMENTS, { body: '{"data":{"a":1}}' }), 400, 'INVALID_PARAM', /data must be a non-empty array/],
  ['a __proto__ key in a document', () => gateway('POST', DOCUMENTS, { body: '{"data":[{"__proto__":{"admin":true}}]}' }), 400, 'INVALID_PARAM', /"__proto__" is not allowed/],
  ['a query that is not EJSON', () => gateway('GET', DOCUMENTS, { search: '?query=%7B' }), 400, 'INVALID_PARAM', /query is not valid EJSON/],
  ['$where in the URL query', () => gateway('GET', DOCUMENTS, { search: `?query=${encodeURIComponent('{"$where":"1"}')}` }), 400, 'DATABASE_INVALID_OPERRATOR', /\$where runs code/],
  ['a negative limit', () => gateway('GET', DOCUMENTS, { search: '?limit=-1' }), 400, 'INVALID_PARAM', /limit must be a non-negative integer/],
  ['order that is not JSON', () => gateway('GET', DOCUMENTS, { search: '?order=up' }), 400, 'INVALID_PARAM', /order is not valid JSON/],
  ['a parameter given twice', () => gateway('GET', DOCUMENTS, { search: '?limit=1&limit=2' }), 400, 'INVALID_PARAM', /given twice/],
  ['count that is not a flag', () => gateway('GET', DOCUMENTS, { search: '?count=yes' }), 400, 'INVALID_PARAM', /count must be true or false/],
  ['count inside a transaction', () => gateway('GET', DOCUMENTS, { search: '?count=true&transactionId=x' }), 400, 'INVALID_PARAM', /count is not available inside a transaction/],
  ['a path segment that is not percent-encoding', () => gateway('GET', `${DOCUMENTS}/%E0%A4%A`), 400, 'INVALID_PARAM', /not valid percent-encoding/],
  ['replaceMode of the wrong type', () => gateway('PATCH', DOCUMENTS, { body: '{"query":{},"data":{"a":1},"replaceMode":"yes"}' }), 400, 'INVALID_PARAM', /replaceMode must be true or false/],
  ['a replacement with operators', () => gateway('PATCH', DOCUMENTS, { body: '{"query":{},"data":{"$set":{"a":1}},"replaceMode":true}' }), 400, 'INVALID_PARAM', /cannot contain update operators/],
  ['a stage of two operators', () => gateway('POST', `${DOCUMENTS}/aggregations`, { body: '{"pipeline":[{"$match":{},"$limit":1}]}' }), 400, 'INVALID_PARAM', /each stage is an object of one stage operator/],
  ['a transaction that does not exist', () => gateway('POST', DOCUMENTS, { body: '{"data":[{"a":1}],"transactionId":"nope"}' }), 400, 'DATABASE_TRANSACTION_FAIL', /does not exist or has ended/],
  ['a storage body that is not a list', () => gateway('POST', '/v1/storages/get-objects-download-info', { body: '{"cloudObjectId":"x"}' }), 400, 'INVALID_PARAM', /non-empty JSON array/],
  ['a function name that is not one', () => gateway('POST', '/v1/functions/..%2Fetc', { body: '{}' }), 400, 'INVALID_PARAM', /is not a function name/],
]

describe('the gateway: bad input gets { code, message, requestId } with a 4xx, nothing is written', () => {
  for (const [name, send, status, code, message] of gatewayCorpus) {
    it(name, async () => {
      const before = await count()
      const answer = await send()
      expect(answer.status).toBe(status)
      expect(answer.body).toEqual({ code, message: expect.stringMatching(message), requestId: expect.any(String) })
      expect(await count()).toBe(before)
    })
  }

  it(`an oversized body gets HTTP 413 (limit ${MAX_BODY_BYTES} bytes)`, async () => {
    const big = JSON.stringify({ data: [{ blob: 'x'.repeat(MAX_BODY_BYTES) }] })
    expect(await gateway('POST', DOCUMENTS, { body: big })).toMatchObject({ status: 413, body: { code: 'INVALID_PARAM' } })
  })
})
