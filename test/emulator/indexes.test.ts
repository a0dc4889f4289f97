/**
 * Indexes: created and dropped over HTTP, unique ones enforced with CloudBase's error, kept across a
 * restart, and never changing a result: every query below runs on an indexed and an unindexed copy of
 * the same data and must return the same documents.
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['indexed', 'plain', 'users'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

const docs = Array.from({ length: 400 }, (_, i) => ({
  _id: `d${i}`,
  n: (i * 7919) % 50,
  s: ['red', 'green', 'blue', 'Red', '5'][i % 5],
  tags: [['a'], ['a', 'b'], [], ['c', 'a'], 'b'][i % 5],
  at: { $date: Date.UTC(2024, 0, 1) + ((i * 31) % 20) * 86_400_000 },
  nested: i % 3 ? { k: i % 4 } : null,
  ...(i % 11 ? {} : { maybe: i }),
}))

const ids = (response: Record<string, unknown>) =>
  ((response.data as { list: { _id: string }[] }).list).map((d) => d._id).sort()

describe('indexes never change a result', () => {
  beforeAll(async () => {
    for (const collectionName of ['indexed', 'plain']) {
      expect(await call('database.addDocument', { collectionName, data: docs })).toHaveProperty('data.insertedIds')
    }
    for (const keys of [{ n: 1 }, { s: 1 }, { tags: 1 }, { at: -1 }, { 'nested.k': 1 }, { s: 1, n: -1 }, { maybe: 1 }]) {
      expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'indexed', keys })).toHaveProperty('data.name')
    }
  })

  const value = fc.oneof(
    fc.integer({ min: -2, max: 52 }),
    fc.constantFrom('red', 'green', 'Red', '5', 'a', 'b', 'x'),
    fc.integer({ min: 0, max: 21 }).map((d) => ({ $date: Date.UTC(2024, 0, 1) + d * 86_400_000 })),
    fc.constant(null),
  )
  const condition = fc.oneof(
    value,
    value.map((v) => ({ $eq: v })),
    fc.record({ $gt: value }, { requiredKeys: [] }),
    fc.tuple(fc.constantFrom('$gt', '$gte'), value, fc.constantFrom('$lt', '$lte'), value).map(([a, x, b, y]) => ({ [a]: x, [b]: y })),
    fc.array(value, { maxLength: 3 }).map((v) => ({ $in: v })),
  )
  const filter = fc.dictionary(fc.constantFrom('n', 's', 'tags', 'at', 'nested.k', 'maybe'), condition, { maxKeys: 3 })

  it('random equality and range queries: indexed = unindexed', async () => {
    await fc.assert(
      fc.asyncProperty(filter, async (query) => {
        const params = { queryType: 'WHERE', query, limit: 1000 }
        const indexed = await call('database.queryDocument', { collectionName: 'indexed', ...params })
        const plain = await call('database.queryDocument', { collectionName: 'plain', ...params })
        expect(indexed.code).toBe(plain.code)
        if (!plain.code) expect(ids(indexed)).toEqual(ids(plain))
      }),
      { numRuns: 150 },
    )
  })

  it('and after updates and deletes', async () => {
    for (const collectionName of ['indexed', 'plain']) {
      await call('database.updateDocument', { collectionName, queryType: 'WHERE', query: { s: 'red' }, multi: true, merge: true, data: { $inc: { n: 100 }, $set: { s: 'crimson' } } })
      await call('database.deleteDocument', { collectionName, queryType: 'WHERE', query: { n: { $lt: 10 } }, multi: true })
    }
    for (const query of [{ n: { $gte: 100 } }, { s: 'crimson' }, { s: 'red' }, { n: 3 }, { s: 'blue', n: 11 }, { tags: 'a' }]) {
      const indexed = await call('database.queryDocument', { collectionName: 'indexed', query, limit: 1000 })
      const plain = await call('database.queryDocument', { collectionName: 'plain', query, limit: 1000 })
      expect(ids(indexed), JSON.stringify(query)).toEqual(ids(plain))
    }
  })
})

describe('unique indexes', () => {
  it('refuse duplicates with DATABASE_DUPLICATE_WRITE, writing nothing', async () => {
    await call('database.addDocument', { collectionName: 'users', data: [{ _id: 'u1', email: 'a@x' }, { _id: 'u2', email: 'b@x' }] })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'users', keys: { email: 1 }, unique: true, name: 'email' })).toMatchObject({ data: { name: 'email' } })
    const count = async () => ((await call('database.countDocument', { collectionName: 'users' })).data as { total: number }).total
    expect(await call('database.addDocument', { collectionName: 'users', data: { email: 'a@x' } })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect(await call('database.addDocument', { collectionName: 'users', data: [{ email: 'c@x' }, { email: 'c@x' }] })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect(await call('database.updateDocument', { collectionName: 'users', queryType: 'DOC', query: { _id: 'u2' }, data: { $set: { email: 'a@x' } } })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect(await count()).toBe(2)
    // Changing one's own value, or freeing a value, is fine.
    expect(await call('database.updateDocument', { collectionName: 'users', queryType: 'DOC', query: { _id: 'u1' }, data: { $set: { email: 'a@x', name: 'A' } } })).toMatchObject({ data: { updated: 1 } })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'users', keys: { name: 1 }, unique: true })).toMatchObject({ data: { name: 'name_1' } })
    // Two documents without `name` collide on a unique index, as in MongoDB (missing = null).
    expect(await call('database.addDocument', { collectionName: 'users', data: { email: 'd@x' } })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect(await adminCall(emulator, 'database.dropIndex', { collectionName: 'users', name: 'name_1' })).toMatchObject({ data: {} })
    expect(await call('database.addDocument', { collectionName: 'users', data: { email: 'd@x' } })).toHaveProperty('data._id')
  })

  it('check every write of several documents: each against the others, each keeping its own key', async () => {
    await call('database.addCollection', { collectionName: 'keys' })
    await call('database.addDocument', { collectionName: 'keys', data: [{ _id: 'k1', k: 1 }, { _id: 'k2', k: 2 }, { _id: 'k3', k: 3 }] })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'keys', keys: { k: 1 }, unique: true })).toHaveProperty('data.name')
    const all = async () => (((await call('database.queryDocument', { collectionName: 'keys', query: {}, order: [{ field: '_id', direction: 'asc' }] })).data as { list: { _id: string; k?: number; tag?: string }[] }).list).map(({ _id, k, tag }) => ({ _id, k, tag }))
    // One write of three documents, each keeping its own key: allowed.
    expect(await call('database.updateDocument', { collectionName: 'keys', query: {}, multi: true, data: { $set: { tag: 't' } } })).toMatchObject({ data: { updated: 3 } })
    // One write giving two documents the same (new) key: refused, nothing written.
    expect(await call('database.updateDocument', { collectionName: 'keys', query: { k: { $gte: 2 } }, multi: true, data: { $set: { k: 9 } } })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE', message: expect.stringContaining('already has 9') })
    // A transaction whose documents are each unique against the stored ones, but not against each other: its commit is refused.
    const { transactionId } = (await call('database.startTransaction')) as { transactionId: string }
    expect(await call('database.insertDocInTransaction', { transactionId, collectionName: 'keys', _id: 'k4', data: JSON.stringify({ k: 4 }) })).toMatchObject({ inserted: 1 })
    expect(await call('database.insertDocInTransaction', { transactionId, collectionName: 'keys', _id: 'k5', data: JSON.stringify({ k: 4 }) })).toMatchObject({ inserted: 1 })
    expect(await call('database.updateDocInTransaction', { transactionId, collectionName: 'keys', query: { _id: { $eq: 'k1' } }, data: JSON.stringify({ $set: { tag: 'tx' } }) })).toMatchObject({ updated: 1 })
    expect(await call('database.commitTransaction', { transactionId })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    const before = [
      { _id: 'k1', k: 1, tag: 't' },
      { _id: 'k2', k: 2, tag: 't' },
      { _id: 'k3', k: 3, tag: 't' },
    ]
    expect(await all()).toEqual(before)
    // The same transaction with distinct keys commits.
    const second = ((await call('database.startTransaction')) as { transactionId: string }).transactionId
    await call('database.insertDocInTransaction', { transactionId: second, collectionName: 'keys', _id: 'k4', data: JSON.stringify({ k: 4 }) })
    await call('database.insertDocInTransaction', { transactionId: second, collectionName: 'keys', _id: 'k5', data: JSON.stringify({ k: 5 }) })
    await call('database.updateDocInTransaction', { transactionId: second, collectionName: 'keys', query: { _id: { $eq: 'k1' } }, data: JSON.stringify({ $set: { tag: 'tx' } }) })
    expect(await call('database.commitTransaction', { transactionId: second })).not.toHaveProperty('code')
    expect(await all()).toEqual([{ _id: 'k1', k: 1, tag: 'tx' }, ...before.slice(1), { _id: 'k4', k: 4, tag: undefined }, { _id: 'k5', k: 5, tag: undefined }])
  })

  it('cannot be created over duplicate data; bad specs are refused', async () => {
    await call('database.addCollection', { collectionName: 'dupes' })
    await call('database.addDocument', { collectionName: 'dupes', data: [{ k: 1 }, { k: 1 }] })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'dupes', keys: { k: 1 }, unique: true })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'dupes', keys: { k: 'up' } })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'database.dropIndex', { collectionName: 'dupes', name: 'nope' })).toMatchObject({ code: 'DATABASE_INDEX_NOT_EXIST' })
  })
})

describe('persistence', () => {
  it('indexes survive a restart and still enforce uniqueness', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-indexes-'))
    try {
      const first = await startEmulator({ port: 0, dataDir, collections: ['c'] })
      const c1 = await webCaller(first, 'o-ann')
      await adminCall(first, 'database.createIndex', { collectionName: 'c', keys: { k: 1 }, unique: true })
      await c1('database.addDocument', { collectionName: 'c', data: { k: 'x' } })
      await first.stop()
      const second = await startEmulator({ port: 0, dataDir })
      const c2 = await webCaller(second, 'o-ann')
      expect(await c2('database.addDocument', { collectionName: 'c', data: { k: 'x' } })).toMatchObject({ code: 'DATABASE_DUPLICATE_WRITE' })
      expect(await c2('database.queryDocument', { collectionName: 'c', query: { k: 'x' } })).toMatchObject({ data: { list: [{ k: 'x' }] } })
      await second.stop()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('the planner uses them', () => {
  it('equality, compound equality and ranges narrow the candidates; other queries scan', async () => {
    const { IMPORT_ORIGIN, Store } = await import('../../emulator/store/store')
    const store = new Store(':memory:')
    store.createCollection('c')
    store.write(Array.from({ length: 100 }, (_, i) => ({ collection: 'c', id: `d${i}`, doc: { _id: `d${i}`, n: i, s: i % 2 ? 'odd' : 'even', tags: [`t${i % 10}`] } })), IMPORT_ORIGIN)
    store.createIndex('c', { name: 'n', keys: { n: 1 }, unique: false })
    store.createIndex('c', { name: 's_n', keys: { s: 1, n: 1 }, unique: false })
    store.createIndex('c', { name: 'tags', keys: { tags: 1 }, unique: false })
    const size = (filter: Record<string, unknown>) => [...store.select('c', filter)].length
    expect(size({ n: 5 })).toBe(1)
    expect(size({ n: { $gte: 90 } })).toBe(10)
    expect(size({ n: { $gt: 10, $lte: 20 } })).toBe(10)
    expect(size({ s: 'odd', n: 7 })).toBe(1)
    expect(size({ tags: 't3' })).toBe(10)
    expect(size({ s: 'odd' })).toBe(100) // no index starts with s alone: scan
    expect(size({ n: { $ne: 5 } })).toBe(100)
    store.close()
  })
})
