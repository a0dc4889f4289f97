/**
 * CloudBase semantics the emulator adds around mingo, over HTTP: upsert with `$setOnInsert`, server
 * dates resolved on the server, the page-size limits of the client dialect, CloudBase-style ids.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['c'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

const get = async (id: string) =>
  ((await call('database.queryDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id } })).data as { list: Record<string, unknown>[] }).list[0]

describe('upsert', () => {
  it('$setOnInsert applies on insert only; the equality fields of the query seed the new document', async () => {
    const upsert = (n: number) =>
      call('database.updateDocument', {
        collectionName: 'c',
        queryType: 'WHERE',
        query: { sku: 'x-1', kind: 'widget', stock: { $gte: 0 } },
        multi: false,
        merge: true,
        upsert: true,
        data: { $inc: { stock: n }, $setOnInsert: { createdBy: 'seed' } },
      })
    const first = await upsert(5)
    const id = (first.data as { upserted_id: string }).upserted_id
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(await get(id)).toMatchObject({ _id: id, sku: 'x-1', kind: 'widget', stock: 5, createdBy: 'seed' })
    expect(await upsert(2)).toMatchObject({ data: { updated: 1, upserted_id: null } })
    const second = await get(id)
    expect(second).toMatchObject({ stock: 7, createdBy: 'seed' })
  })
})

describe('server dates', () => {
  it('{$date: {offset}} in add and update becomes the server clock plus offset', async () => {
    const before = Date.now()
    const added = await call('database.addDocument', { collectionName: 'c', data: { at: { $date: { offset: 1000 } } } })
    const id = (added.data as { _id: string })._id
    await call('database.updateDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id }, data: { $set: { later: { $date: { offset: -1000 } } } } })
    const doc = (await get(id)) as { at: { $date: number }; later: { $date: number } }
    expect(doc.at.$date).toBeGreaterThanOrEqual(before + 1000)
    expect(doc.at.$date).toBeLessThanOrEqual(Date.now() + 1000)
    expect(doc.later.$date).toBeLessThan(doc.at.$date)
  })
})

describe('page sizes (docs/protocol.md §2.5)', () => {
  it('default 100, at most 1000', async () => {
    await call('database.addCollection', { collectionName: 'many' })
    await call('database.addDocument', { collectionName: 'many', data: Array.from({ length: 1200 }, (_, i) => ({ i })) })
    const size = async (params: Record<string, unknown>) =>
      ((await call('database.queryDocument', { collectionName: 'many', ...params })).data as { list: unknown[] }).list.length
    expect(await size({})).toBe(100)
    expect(await size({ limit: 5000 })).toBe(1000)
    expect(await size({ limit: 7, offset: 1195 })).toBe(5)
  })
})
