/**
 * A filter that names one document by id, `{ _id: id }` or `{ _id: { $eq: id } }` (what the official
 * SDKs send for `where({ _id: _.eq(id) })` and for `doc(id)` in a transaction), is answered by one
 * lookup: both forms give the same results over `/web`, `/admin` and in a transaction, and neither scans.
 */
import { EJSON } from 'bson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import * as op from '../../emulator/database/operations'
import { storeWorkspace, type Workspace } from '../../emulator/store/workspace'
import { ADMIN } from '../../emulator/pipeline/principal'
import { IMPORT_ORIGIN, Store } from '../../emulator/store/store'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['plain', 'eq'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

const admin = (action: string, params: Record<string, unknown>) => adminCall(emulator, action, params)

const seed = [
  { _id: 'a', n: 1, tag: 'x' },
  { _id: 'b', n: 2, tag: 'x' },
  { _id: 'c', n: 3, tag: 'y' },
]
const list = (response: Record<string, unknown>) => (response.data as { list: Record<string, unknown>[] }).list
/** Every document of a collection by id, without the `_openid` the signed-in caller stamps. */
const all = async (collectionName: string) =>
  list(await call('database.queryDocument', { collectionName, query: {}, order: [{ field: '_id', direction: 'asc' }] })).map(({ _openid, ...doc }) => doc)

describe('{ _id: { $eq: id } } behaves as { _id: id }', () => {
  it('over /web: query, count, update, upsert, replace and delete', async () => {
    // The same requests on two copies of the data, one with each form of the filter.
    const byId = { plain: (id: string) => ({ _id: id }), eq: (id: string) => ({ _id: { $eq: id } }) }
    const results: Record<string, unknown[]> = { plain: [], eq: [] }
    for (const collectionName of ['plain', 'eq'] as const) {
      const q = byId[collectionName]
      const out = results[collectionName]!
      await call('database.addDocument', { collectionName, data: seed })
      out.push(list(await call('database.queryDocument', { collectionName, queryType: 'WHERE', query: q('b') })))
      out.push(list(await call('database.queryDocument', { collectionName, queryType: 'WHERE', query: q('b'), projection: { n: true } })))
      out.push(list(await call('database.queryDocument', { collectionName, queryType: 'WHERE', query: q('missing') })))
      out.push((await call('database.countDocument', { collectionName, queryType: 'WHERE', query: q('c') })).data)
      out.push((await call('database.updateDocument', { collectionName, queryType: 'WHERE', query: q('a'), multi: true, data: { $inc: { n: 10 } } })).data)
      out.push((await call('database.updateDocument', { collectionName, queryType: 'WHERE', query: q('nope'), multi: true, data: { $set: { n: 0 } } })).data)
      out.push((await call('database.updateDocument', { collectionName, queryType: 'WHERE', query: q('new'), upsert: true, data: { $set: { n: 7 } } })).data)
      out.push((await call('database.updateDocument', { collectionName, queryType: 'WHERE', query: q('c'), merge: false, data: { replaced: true } })).data)
      out.push((await call('database.deleteDocument', { collectionName, queryType: 'WHERE', query: q('b'), multi: true })).data)
      out.push((await call('database.deleteDocument', { collectionName, queryType: 'WHERE', query: q('b'), multi: true })).data)
      out.push(await all(collectionName))
    }
    expect(results.eq).toEqual(results.plain)
    // And the results are the expected ones (the upsert took the filter's id).
    expect(results.plain!.at(-1)).toEqual([
      { _id: 'a', n: 11, tag: 'x' },
      { _id: 'c', replaced: true },
      { _id: 'new', n: 7 },
    ])
  })

  it('over /admin (EJSON query strings, as the server SDKs send them)', async () => {
    await call('database.addCollection', { collectionName: 'adm' })
    await call('database.addDocument', { collectionName: 'adm', data: seed })
    const query = JSON.stringify({ _id: { $eq: 'a' } })
    expect(await admin('database.getDocument', { collectionName: 'adm', query })).toMatchObject({ data: { list: [expect.stringContaining('"_id":"a"')] } })
    expect(await admin('database.calculateDocument', { collectionName: 'adm', query })).toMatchObject({ data: { total: 1 } })
    expect(await admin('database.modifyDocument', { collectionName: 'adm', query, data: JSON.stringify({ $set: { n: 5 } }), multi: true })).toMatchObject({ data: { updated: 1 } })
    expect(await admin('database.modifyDocument', { collectionName: 'adm', query: JSON.stringify({ _id: { $eq: 'up' } }), data: JSON.stringify({ $set: { n: 9 } }), upsert: true })).toMatchObject({
      data: { updated: 0, upsert_id: 'up' },
    })
    expect(await admin('database.removeDocument', { collectionName: 'adm', query: JSON.stringify({ _id: { $eq: 'b' } }), multi: true })).toMatchObject({ data: { deleted: 1 } })
    // As the administrator: the upserted document has no owner, so no client's (PRIVATE) view holds it.
    const stored = list(await admin('database.getDocument', { collectionName: 'adm', query: '{}' })) as unknown as string[]
    const byIdOrder = stored.map((text) => EJSON.parse(text, { relaxed: true }) as Record<string, unknown>).sort((x, y) => String(x._id).localeCompare(String(y._id)))
    expect(byIdOrder.map(({ _openid, ...doc }) => doc)).toEqual([
      { _id: 'a', n: 5, tag: 'x' },
      { _id: 'c', n: 3, tag: 'y' },
      { _id: 'up', n: 9 },
    ])
  })

  it('in a transaction: a document request is answered with the document, upserts keep the id', async () => {
    await call('database.addCollection', { collectionName: 'tx' })
    await call('database.addDocument', { collectionName: 'tx', data: seed })
    const { transactionId } = (await call('database.startTransaction')) as { transactionId: string }
    const query = { _id: { $eq: 'a' } }
    expect(await call('database.getInTransaction', { transactionId, collectionName: 'tx', query })).toMatchObject({ data: expect.stringContaining('"_id":"a"') })
    expect(await call('database.updateDocInTransaction', { transactionId, collectionName: 'tx', query, data: JSON.stringify({ $set: { n: 100 } }) })).toMatchObject({ updated: 1 })
    expect(await call('database.updateDocInTransaction', { transactionId, collectionName: 'tx', query: { _id: { $eq: 'z' } }, data: JSON.stringify({ $set: { n: 26 } }), upsert: true })).toMatchObject({
      updated: 0,
      upserted: JSON.stringify([{ _id: 'z' }]),
    })
    expect(await call('database.deleteDocInTransaction', { transactionId, collectionName: 'tx', query: { _id: { $eq: 'b' } } })).toMatchObject({ deleted: 1 })
    await call('database.commitTransaction', { transactionId })
    expect(await all('tx')).toEqual([
      { _id: 'a', n: 100, tag: 'x' },
      { _id: 'c', n: 3, tag: 'y' },
      { _id: 'z', n: 26 },
    ])
  })
})

describe('an id filter is one lookup, not a scan', () => {
  it('operations never ask the workspace for candidates when the filter names an id', () => {
    const store = new Store(':memory:')
    store.createCollection('c')
    store.write(seed.map((doc) => ({ collection: 'c', id: doc._id, doc: { ...doc } })), IMPORT_ORIGIN)
    const scans: Record<string, unknown>[] = []
    const inner = storeWorkspace(store, ADMIN)
    const ws: Workspace = { ...inner, candidates: (collection, filter) => (scans.push(filter), inner.candidates(collection, filter)) }
    for (const filter of [{ _id: 'a' }, { _id: { $eq: 'a' } }]) {
      expect(op.query(ws, 'c', filter, {})).toEqual([{ _id: 'a', n: store.documents('c')!.get('a')!.n, tag: 'x' }])
      expect(op.count(ws, 'c', filter)).toBe(1)
      expect(op.update(ws, 'c', filter, { $inc: { n: 1 } }, { multi: true, merge: true, upsert: false }).updated).toBe(1)
    }
    expect(op.remove(ws, 'c', { _id: { $eq: 'b' } }, true)).toBe(1)
    expect(op.query(ws, 'c', { _id: { $eq: 'b' } }, {})).toEqual([])
    expect(scans).toEqual([])
    // Other filters still scan (or use a secondary index) through the workspace.
    expect(op.count(ws, 'c', { _id: { $in: ['a'] } })).toBe(1)
    expect(op.count(ws, 'c', { _id: { $eq: 'a' }, n: 3 })).toBe(1)
    expect(scans).toHaveLength(2)
    store.close()
  })
})
