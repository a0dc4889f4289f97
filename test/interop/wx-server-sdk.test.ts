/**
 * wx-server-sdk 4.0.2 (→ @cloudbase/node-sdk 3.17.2 → @cloudbase/database 1.4.3, the admin dialect)
 * pointed at the emulator's `/admin` over real HTTP. It runs the seed's database operations and the
 * account transfer; expected values are computed from the fixture with plain JavaScript.
 */
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { accounts, todos } from '../fixtures/todos'

const require = createRequire(import.meta.url)
// wx-server-sdk is CommonJS and keeps one configured instance: one per test file.
const cloud = require('wx-server-sdk') as any

let emulator: RunningEmulator
let db: any
let _: any

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos', 'accounts'] })
  cloud.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
  db = cloud.database()
  _ = db.command
  for (const todo of todos) await db.collection('todos').add({ data: todo })
  for (const account of accounts) await db.collection('accounts').add({ data: account })
})
afterAll(async () => {
  await emulator.stop()
})

const byId = (a: { _id: string }, b: { _id: string }) => a._id.localeCompare(b._id)

describe('wx-server-sdk against /admin', () => {
  it('where with commands, orderBy, limit', async () => {
    const result = await db.collection('todos').where({ done: false, priority: _.gte(2) }).orderBy('priority', 'desc').orderBy('_id', 'asc').limit(2).get()
    const expected = todos
      .filter((x) => !x.done && x.priority >= 2)
      .sort((a, b) => b.priority - a.priority || a._id.localeCompare(b._id))
      .slice(0, 2)
    expect(result.errMsg).toBe('collection.get:ok')
    expect(result.data.map((d: { _id: string }) => d._id)).toEqual(expected.map((x) => x._id))
    expect(result.data[0].createdAt).toEqual(expected[0]!.createdAt)
  })

  it('doc().get(), a missing doc, and a missing collection, as wx-server-sdk reports them', async () => {
    const { data } = await db.collection('todos').doc('t4').get()
    expect(data).toEqual(todos[3])
    await expect(db.collection('todos').doc('nope').get()).rejects.toMatchObject({ errCode: -1 })
    await expect(db.collection('nocoll').get()).rejects.toMatchObject({ errCode: -502005 })
  })

  it('nested update, batch update, count, batch remove', async () => {
    const t5 = todos[4]!
    expect(await db.collection('todos').doc('t5').update({ data: { owner: { level: _.inc(5) }, tags: _.push('late') } })).toMatchObject({ stats: { updated: 1 } })
    const { data } = await db.collection('todos').doc('t5').get()
    expect(data.owner).toEqual({ name: t5.owner.name, level: t5.owner.level + 5 })
    expect(data.tags).toEqual([...t5.tags, 'late'])

    const low = todos.filter((x) => x.priority === 1)
    expect((await db.collection('todos').where({ priority: 1 }).update({ data: { archived: true } })).stats.updated).toBe(low.length)
    expect((await db.collection('todos').where({ archived: true }).count()).total).toBe(low.length)
    expect((await db.collection('todos').where({ archived: true }).remove()).stats.removed).toBe(low.length)
    expect((await db.collection('todos').count()).total).toBe(todos.length - low.length)
  })

  it('aggregate match / group / sort / limit', async () => {
    const { list } = await db
      .collection('todos')
      .aggregate()
      .match({ done: false })
      .group({ _id: '$owner.name', n: _.aggregate.sum(1) })
      .sort({ n: -1, _id: 1 })
      .limit(5)
      .end()
    const counts = new Map<string, number>()
    // The previous test removed the priority-1 todos.
    for (const x of todos.filter((t) => !t.done && t.priority !== 1)) counts.set(x.owner.name, (counts.get(x.owner.name) || 0) + 1)
    const expected = [...counts].map(([id, n]) => ({ _id: id, n })).sort((a, b) => b.n - a.n || a._id.localeCompare(b._id))
    expect(list).toEqual(expected)
  })

  it('runTransaction: the transfer commits, the overdraft rolls back', async () => {
    const transfer = (from: string, to: string, amount: number) =>
      db.runTransaction(async (tx: any) => {
        const source = (await tx.collection('accounts').doc(from).get()).data
        const target = (await tx.collection('accounts').doc(to).get()).data
        if (source.balance < amount) return tx.rollback('insufficient balance')
        await tx.collection('accounts').doc(from).update({ data: { balance: _.inc(-amount) } })
        await tx.collection('accounts').doc(to).update({ data: { balance: target.balance + amount } })
        return 'moved'
      })
    const [alice, bob] = accounts
    expect(await transfer('alice', 'bob', 20)).toBe('moved')
    await expect(transfer('bob', 'alice', 1000)).rejects.toBe('insufficient balance')
    const { data } = await db.collection('accounts').get()
    expect(data.sort(byId).map((a: { balance: number }) => a.balance)).toEqual([alice!.balance - 20, bob!.balance + 20])
  })
})
