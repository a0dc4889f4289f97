/**
 * The SDK end to end: mpcloud's Node adapter over real HTTP on 127.0.0.1 to a real emulator on a real
 * (in-memory) SQLite store. Expected values are computed from the fixture with plain JavaScript, never
 * read back from the emulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { todos, type Todo } from '../fixtures/todos'
import { emulatorWithDb, type TestCloud } from '../helpers/emulator'
import { todoWrites } from '../helpers/todo-writes'

let t: TestCloud

beforeEach(async () => {
  t = await emulatorWithDb({ collections: ['todos', 'accounts'] })
  const { _ids } = await t.db.collection('todos').add({ data: todos })
  expect(_ids).toEqual(todos.map((todo) => todo._id))
})

afterEach(async () => {
  await t.emulator.stop()
})

const ids = (docs: { _id: string | number }[]) => docs.map((d) => d._id)

describe('reads', () => {
  it('where with commands, orderBy, skip and limit', async () => {
    const _ = t.db.command
    const { data } = await t.db
      .collection('todos')
      .where({ done: false, priority: _.gte(2) })
      .orderBy('priority', 'desc')
      .orderBy('createdAt', 'asc')
      .limit(2)
      .get()
    const expected = todos
      .filter((x) => !x.done && x.priority >= 2)
      .sort((a, b) => b.priority - a.priority || +a.createdAt - +b.createdAt)
      .slice(0, 2)
    expect(ids(data)).toEqual(ids(expected))
    expect(data[0]!.createdAt).toBeInstanceOf(Date)
    expect(data[0]!.createdAt).toEqual(expected[0]!.createdAt)
  })

  it('nested fields, arrays, or/in, dates and regexps', async () => {
    const _ = t.db.command
    const q = (query: object) => t.db.collection('todos').where(query).orderBy('_id', 'asc').get().then((r) => ids(r.data))
    const byId = (keep: (x: Todo) => boolean) => ids(todos.filter(keep).sort((a, b) => a._id.localeCompare(b._id)))
    expect(await q({ owner: { name: 'ann' } })).toEqual(byId((x) => x.owner.name === 'ann'))
    expect(await q({ tags: 'sdk' })).toEqual(byId((x) => x.tags.includes('sdk')))
    expect(await q({ tags: _.size(0) })).toEqual(byId((x) => x.tags.length === 0))
    expect(await q({ 'owner.level': _.in([1, 3]).and(_.neq(3)) })).toEqual(byId((x) => x.owner.level === 1))
    expect(await q(_.or([{ priority: 1 }, { title: /^write/i }]))).toEqual(byId((x) => x.priority === 1 || /^write/i.test(x.title)))
    const cut = todos[2]!.createdAt
    expect(await q({ createdAt: _.gt(cut) })).toEqual(byId((x) => x.createdAt > cut))
  })

  it('count, projection and doc().get()', async () => {
    expect((await t.db.collection('todos').where({ done: true }).count()).total).toBe(todos.filter((x) => x.done).length)
    const { data } = await t.db.collection('todos').doc('t3').field({ title: true }).get()
    expect(data).toEqual({ _id: 't3', title: todos[2]!.title })
    await expect(t.db.collection('todos').doc('nope').get()).rejects.toMatchObject({
      errCode: -1,
      errMsg: 'document.get:fail document with _id nope does not exist',
    })
  })

  it('a missing collection fails with -502005, as CloudBase (wire example W11, test/fixtures/cloudbase-wire-examples.txt)', async () => {
    await expect(t.db.collection('nocoll').get()).rejects.toMatchObject({
      errCode: -502005,
      code: 'DATABASE_COLLECTION_NOT_EXIST',
      errMsg: 'collection.get:fail -502005 database collection not exists. collection nocoll not exists',
    })
  })
})

describe('writes', () => {
  it('add stamps an _id and resolves serverDate on the server', async () => {
    const before = Date.now()
    const { _id } = await t.db.collection('todos').add({ data: { title: 'new', at: t.db.serverDate({ offset: 60_000 }) } })
    expect(_id).toMatch(/^[0-9a-f]{32}$/)
    const { data } = await t.db.collection('todos').doc(_id).get()
    expect(data.title).toBe('new')
    const at = (data.at as Date).getTime()
    expect(at).toBeGreaterThanOrEqual(before + 60_000)
    expect(at).toBeLessThanOrEqual(Date.now() + 60_000)
  })

  for (const write of todoWrites()) it(write.name, () => write.run(t))

  it('a duplicate _id is refused and nothing of the batch is written', async () => {
    await expect(t.db.collection('todos').add({ data: [{ _id: 'x1' }, { _id: 't1' }] })).rejects.toMatchObject({ code: 'DATABASE_REQUEST_FAILED' })
    expect((await t.db.collection('todos').count()).total).toBe(todos.length)
  })
})

describe('aggregation', () => {
  it('match, group, sort, limit', async () => {
    const _ = t.db.command
    const $ = _.aggregate
    const { list } = await t.db
      .collection('todos')
      .aggregate()
      .match({ priority: _.gte(1) })
      .group({ _id: '$owner.name', total: $.sum('$priority'), count: $.sum(1) })
      .sort({ total: -1, _id: 1 })
      .limit(2)
      .end()
    const totals = new Map<string, { total: number; count: number }>()
    for (const x of todos) {
      const entry = totals.get(x.owner.name) || { total: 0, count: 0 }
      totals.set(x.owner.name, { total: entry.total + x.priority, count: entry.count + 1 })
    }
    const expected = [...totals.entries()]
      .map(([_id, v]) => ({ _id, ...v }))
      .sort((a, b) => b.total - a.total || a._id.localeCompare(b._id))
      .slice(0, 2)
    expect(list).toEqual(expected)
  })
})

describe('aggregation never changes stored documents', () => {
  it('a pipeline that sets nested fields and joins leaves the collection as it was', async () => {
    const before = (await t.db.collection('todos').orderBy('_id', 'asc').get()).data
    await t.db
      .collection('todos')
      .aggregate()
      .addFields({ 'owner.level': 99, extra: true })
      .lookup({ from: 'todos', localField: '_id', foreignField: '_id', as: 'self' })
      .end()
    expect((await t.db.collection('todos').orderBy('_id', 'asc').get()).data).toEqual(before)
  })
})
