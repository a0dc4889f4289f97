/**
 * The gateway dialect B over raw HTTP (docs/protocol.md §1.3, §2.4, §7.3, §8): the REST paths under `/v1`
 * with a bearer token, answered with the gateway's bodies, its `{ code, message, requestId }` failures and
 * their statuses; the caller the bearer names is the principal, the rules apply as on `/web`, and every
 * request is one event of the `gateway` dialect. Expected values come from the requests made here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EJSON } from 'bson'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { writeFunction } from '../helpers/functions'
import { customToken } from '../helpers/web'

const DB = '/v1/database/instances/(default)/databases/(default)'

let dir: string
let emulator: RunningEmulator
let ann: string
let bob: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-gateway-'))
  writeFunction(dir, 'echo', `exports.main = async (event) => event`)
  writeFunction(dir, 'locked', `exports.main = async () => 'never'`)
  writeFunction(dir, 'boom', `exports.main = async () => { throw new Error('boom') }`)
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, collections: ['todos'], rules: { functions: { '*': { invoke: 'auth != null' }, locked: { invoke: false } } } })
  ann = await customToken(emulator, 'o-ann')
  bob = await customToken(emulator, 'o-bob')
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface Reply {
  status: number
  headers: Headers
  body: any
}

/** One gateway request as `token`'s user ('': no Authorization header). */
async function gw(method: string, path: string, { token = ann, search = {} as Record<string, string>, body = undefined as unknown } = {}): Promise<Reply> {
  const query = new URLSearchParams(search).toString()
  const response = await fetch(`${emulator.url}${path}${query ? `?${query}` : ''}`, {
    method,
    headers: { 'content-type': 'application/json; charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) }
}

const documents = `${DB}/collections/todos/documents`
const lastEvent = () => emulator.events.recent().filter((event) => event.kind === 'request').pop()!

describe('the database paths', () => {
  it('add, query (EJSON query, order, projection, offset, limit), count, one document: the gateway’s bodies', async () => {
    const added = await gw('POST', documents, { body: { data: [{ _id: 'a1', n: 1, at: { $date: 1_700_000_000_000 } }, { _id: 'a2', n: 2 }, { n: 3 }] } })
    expect(added).toMatchObject({ status: 200, body: { insertedIds: ['a1', 'a2', expect.stringMatching(/^[0-9a-f]{32}$/)] } })
    expect(lastEvent()).toMatchObject({ dialect: 'gateway', action: `POST ${DB.replace('(default)', ':instance').replace('(default)', ':database')}/collections/:collection/documents`, principal: { kind: 'user', openid: 'o-ann' }, target: 'todos', outcome: 'ok' })

    const query = EJSON.stringify({ n: { $gte: 1 }, at: { $lt: new Date(1_800_000_000_000) } }, { relaxed: false })
    const page = await gw('GET', documents, { search: { query, order: JSON.stringify([{ field: 'n', direction: 'desc' }]), projection: JSON.stringify({ n: 1, at: 1 }), offset: '0', limit: '5' } })
    expect(page.body).toEqual({ list: [{ _id: 'a1', n: 1, at: { $date: 1_700_000_000_000 } }] })
    const all = await gw('GET', documents, { search: { order: JSON.stringify([{ field: 'n', direction: 'desc' }]), offset: '1', limit: '1' } })
    expect(all.body.list.map((doc: { n: number }) => doc.n)).toEqual([2])
    expect((await gw('GET', documents, { search: { count: 'true', query: EJSON.stringify({ n: { $gt: 1 } }, { relaxed: false }) } })).body).toEqual({ total: 2 })
    expect((await gw('GET', `${documents}/a2`)).body).toEqual({ _id: 'a2', n: 2, _openid: 'o-ann' })
    expect((await gw('GET', `${documents}/nope`)).body).toBeNull()
  })

  it('update (operators, and fields merged without replaceMode, replaced with it), remove, aggregate', async () => {
    expect((await gw('PATCH', documents, { body: { query: { _id: 'a1' }, data: { $inc: { n: 10 } }, multi: false, upsert: false } })).body).toEqual({ matched: 1, updated: 1, upsert_id: null })
    expect((await gw('PATCH', documents, { body: { query: { _id: 'a1' }, data: { title: 'merged' }, multi: false, upsert: false, replaceMode: false } })).body).toMatchObject({ updated: 1 })
    expect((await gw('GET', `${documents}/a1`)).body).toMatchObject({ n: 11, title: 'merged' })
    await gw('PATCH', documents, { body: { query: { _id: 'a1' }, data: { only: true }, replaceMode: true } })
    expect((await gw('GET', `${documents}/a1`)).body).toEqual({ _id: 'a1', _openid: 'o-ann', only: true })
    expect((await gw('PATCH', documents, { body: { query: { _id: 'u1' }, data: { made: true }, upsert: true } })).body).toEqual({ matched: 0, updated: 0, upsert_id: 'u1' })

    const aggregated = await gw('POST', `${documents}/aggregations`, { body: { pipeline: [{ $match: { n: { $gte: 2 } } }, { $group: { _id: null, total: { $sum: '$n' } } }] } })
    expect(aggregated.body).toEqual({ list: [{ _id: null, total: { $numberInt: '5' } }] })
    expect((await gw('POST', `${documents}/remove`, { body: { query: { made: true }, multi: true } })).body).toEqual({ deleted: 1 })
    expect((await gw('POST', `${DB}/collections`, { body: { collectionName: 'fresh' } })).body).toEqual({})
  })

  it('a transaction: start, read (a list, one document), write, commit; rollback leaves nothing', async () => {
    const { transactionId } = (await gw('POST', `${DB}/transactions`)).body
    expect(transactionId).toEqual(expect.any(String))
    expect((await gw('POST', documents, { body: { data: [{ _id: 't1', n: 100 }], transactionId } })).body).toEqual({ insertedIds: ['t1'] })
    expect((await gw('PATCH', documents, { body: { query: { _id: 't1' }, data: { $inc: { n: 1 } }, transactionId } })).body).toEqual({ matched: 1, updated: 1, upsert_id: null })
    // replaceMode means what it means outside: fields merged without it, the document replaced with it.
    await gw('PATCH', documents, { body: { query: { _id: 't1' }, data: { title: 'kept' }, transactionId } })
    expect((await gw('GET', `${documents}/t1`, { search: { transactionId } })).body).toEqual({ _id: 't1', n: { $numberInt: '101' }, title: 'kept', _openid: 'o-ann' })
    await gw('PATCH', documents, { body: { query: { _id: 't1' }, data: { n: 101 }, replaceMode: true, transactionId } })
    expect((await gw('GET', `${documents}/t1`, { search: { transactionId } })).body).toEqual({ _id: 't1', n: { $numberInt: '101' }, _openid: 'o-ann' })
    expect((await gw('GET', documents, { search: { transactionId, query: EJSON.stringify({ _id: 't1' }, { relaxed: false }) } })).body).toEqual({ list: [{ _id: 't1', n: { $numberInt: '101' }, _openid: 'o-ann' }] })
    // Not there before the commit, outside the transaction.
    expect((await gw('GET', `${documents}/t1`)).body).toBeNull()
    expect((await gw('POST', `${DB}/transactions/${transactionId}/commit`)).body).toEqual({})
    expect((await gw('GET', `${documents}/t1`)).body).toMatchObject({ n: 101 })

    const other = (await gw('POST', `${DB}/transactions`)).body.transactionId
    expect((await gw('POST', `${documents}/remove`, { body: { query: { _id: 't1' }, transactionId: other } })).body).toEqual({ deleted: 1 })
    expect((await gw('POST', `${DB}/transactions/${other}/rollback`)).body).toEqual({})
    expect((await gw('GET', `${documents}/t1`)).body).toMatchObject({ n: 101 })
  })

  it('the rules apply as on /web: another user reads none of these documents and updates none', async () => {
    expect((await gw('GET', documents, { token: bob })).body).toEqual({ list: [] })
    expect((await gw('PATCH', documents, { token: bob, body: { query: { _id: 'a2' }, data: { $set: { n: 0 } } } })).body).toMatchObject({ updated: 0 })
    expect(lastEvent()).toMatchObject({ principal: { openid: 'o-bob' }, rules: [expect.objectContaining({ rule: 'todos.update' })] })
    expect((await gw('GET', `${documents}/a2`)).body).toMatchObject({ n: 2 })
    await gw('GET', documents, { token: bob })
    expect(lastEvent()).toMatchObject({ principal: { openid: 'o-bob' }, rules: [expect.objectContaining({ decision: 'filter' })] })
  })
})

describe('failures: { code, message, requestId } with a status that says so', () => {
  it('no bearer: 401 CHECK_LOGIN_FAILED; a forged one too', async () => {
    expect(await gw('GET', documents, { token: '' })).toMatchObject({ status: 401, body: { code: 'CHECK_LOGIN_FAILED', message: expect.stringMatching(/sign in first/), requestId: expect.any(String) } })
    expect(await gw('GET', documents, { token: 'eyJzdWIiOiJhZG1pbiJ9.forged' })).toMatchObject({ status: 401, body: { code: 'CHECK_LOGIN_FAILED' } })
  })

  it('a missing collection 404, an unknown route 404, a refused function 403, a failing one 502', async () => {
    expect(await gw('GET', `${DB}/collections/nocoll/documents`)).toMatchObject({ status: 404, body: { code: 'DATABASE_COLLECTION_NOT_EXIST' } })
    expect(await gw('POST', `${DB}/commands`, { body: { commands: [] } })).toMatchObject({ status: 404, body: { code: 'INVALID_ACTION', message: expect.stringContaining(`POST ${DB}/commands`) } })
    expect(lastEvent()).toMatchObject({ dialect: 'gateway', action: `POST ${DB}/commands`, code: 'INVALID_ACTION' })
    expect(await gw('POST', '/v1/functions/locked', { body: {} })).toMatchObject({ status: 403, body: { code: 'PERMISSION_DENIED' } })
    expect(lastEvent()).toMatchObject({ target: 'locked', rules: [{ rule: 'functions.locked.invoke', decision: 'deny' }] })
    expect(await gw('POST', '/v1/functions/boom', { body: {} })).toMatchObject({ status: 502, body: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom' } })
  })

  it('a guest is served where the env allows unauthenticated access', async () => {
    const open = await startEmulator({ port: 0, collections: ['todos'], allowUnauthenticated: true, rules: 'open' })
    try {
      const response = await fetch(`${open.url}${documents}?count=true`)
      expect(await response.json()).toEqual({ total: 0 })
      expect(open.events.recent().pop()).toMatchObject({ dialect: 'gateway', principal: { kind: 'guest' }, outcome: 'ok' })
    } finally {
      await open.stop()
    }
  })
})

describe('functions and storage', () => {
  it('a function’s reply is its return value itself; the caller is in event.userInfo', async () => {
    expect(await gw('POST', '/v1/functions/echo', { body: { a: 1 } })).toMatchObject({ status: 200, body: { a: 1, userInfo: { openId: 'o-ann' } } })
    expect((await gw('POST', '/v1/functions/echo', { body: [1, 2] })).body).toEqual([1, 2])
    expect(lastEvent()).toMatchObject({ dialect: 'gateway', action: 'POST /v1/functions/:name', target: 'echo', principal: { openid: 'o-ann' } })
  })

  it('upload info, the upload, download info, delete; each item fails on its own', async () => {
    const [info, bad] = (await gw('POST', '/v1/storages/get-objects-upload-info', { body: [{ objectId: 'gw/a.txt', signedHeader: { 'content-type': ['text/plain'] } }, { objectId: '../up.txt' }] })).body
    expect(info).toEqual({ objectId: 'gw/a.txt', uploadUrl: expect.stringContaining('/storage/upload/gw/a.txt'), authorization: expect.any(String), token: expect.any(String), cloudObjectId: expect.stringMatching(/^cloud:\/\/.+\/gw\/a\.txt$/), cloudObjectMeta: expect.any(String), downloadUrl: expect.any(String) })
    expect(bad).toEqual({ objectId: '../up.txt', code: 'INVALID_PARAM', message: expect.stringContaining('".." segment') })
    const put = await fetch(info.uploadUrl, { method: 'PUT', headers: { authorization: info.authorization, 'x-cos-security-token': info.token, 'x-cos-meta-fileid': info.cloudObjectMeta, 'content-type': 'text/plain' }, body: 'hello' })
    expect(put.status).toBe(200)

    const missing = info.cloudObjectId.replace('a.txt', 'none.txt')
    const [found, absent] = (await gw('POST', '/v1/storages/get-objects-download-info', { body: [{ cloudObjectId: info.cloudObjectId }, { cloudObjectId: missing }] })).body
    expect(found).toEqual({ cloudObjectId: info.cloudObjectId, downloadUrl: expect.stringContaining('/storage/download/gw/a.txt?sign=') })
    expect(absent).toEqual({ cloudObjectId: missing, downloadUrl: '', code: 'STORAGE_FILE_NONEXIST', message: 'file not exist' })
    expect(await (await fetch(found.downloadUrl)).text()).toBe('hello')

    // The default storage rule: only the uploader deletes.
    expect((await gw('POST', '/v1/storages/delete-objects', { token: bob, body: [{ cloudObjectId: info.cloudObjectId }] })).body).toEqual([{ cloudObjectId: info.cloudObjectId, code: 'STORAGE_EXCEED_AUTHORITY', message: expect.any(String) }])
    expect((await gw('POST', '/v1/storages/delete-objects', { body: [{ cloudObjectId: info.cloudObjectId }] })).body).toEqual([{ cloudObjectId: info.cloudObjectId }])
    expect((await gw('POST', '/v1/storages/get-objects-download-info', { body: [{ cloudObjectId: info.cloudObjectId }] })).body).toMatchObject([{ code: 'STORAGE_FILE_NONEXIST' }])
  })
})

describe('browsers', () => {
  it('a preflight grants PATCH and the Authorization header; answers carry CORS', async () => {
    const preflight = await fetch(`${emulator.url}${documents}`, { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, content-type, x-request-id' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH')
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/(^|, )authorization(,|$)/)
    expect((await gw('GET', documents)).headers.get('access-control-allow-origin')).toBe('*')
    expect((await gw('GET', documents, { token: '' })).headers.get('access-control-allow-origin')).toBe('*')
  })
})
