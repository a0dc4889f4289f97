/**
 * @cloudbase/js-sdk 3.7.0 in classic mode (`endPointMode: 'CLOUD_API'`, dialect A) against the emulator
 * through a Node adapter built to @cloudbase/adapter-interface: anonymous sign-in (v3 paths), then the
 * seed's database operations and the account transfer over `/web`. Expected values come from the fixture.
 * (js-sdk's database calls resolve `{ code, message }` on server errors instead of rejecting: §2.1.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { accounts, todos } from '../fixtures/todos'
import { emulatorAdapter, loadJsSdk } from '../helpers/js-sdk-adapter'

let emulator: RunningEmulator
let db: any
let _: any
let uid: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos', 'accounts'] })
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapter(emulator.url))
  const app = cloudbase.init({ env: emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  const login = await app.auth({ persistence: 'local' }).signInAnonymously()
  uid = login.user.uid
  db = app.database()
  _ = db.command
  expect(await db.collection('todos').add(todos)).toMatchObject({ ids: todos.map((t) => t._id) })
  expect(await db.collection('accounts').add(accounts)).toMatchObject({ ids: accounts.map((a) => a._id) })
})
afterAll(async () => {
  await emulator.stop()
})

describe('@cloudbase/js-sdk (CLOUD_API) against /web', () => {
  it('signs in anonymously; what it adds carries its openid', async () => {
    const { id } = await db.collection('todos').add({ title: 'mine' })
    const { data } = await db.collection('todos').doc(id).get()
    expect(data[0]._openid).toMatch(/^o[\w-]{27}$/)
    expect(data[0]._openid).toBe(uid)
    await db.collection('todos').doc(id).remove()
  })

  it('where with commands, orderBy, limit; dates come back as Dates', async () => {
    const { data } = await db.collection('todos').where({ priority: _.gte(2), tags: 'sdk' }).orderBy('createdAt', 'desc').limit(5).get()
    const expected = todos
      .filter((x) => x.priority >= 2 && x.tags.includes('sdk'))
      .sort((a, b) => +b.createdAt - +a.createdAt)
      .slice(0, 5)
    expect(data.map((d: { _id: string }) => d._id)).toEqual(expected.map((x) => x._id))
    expect(data[0].createdAt).toEqual(expected[0]!.createdAt)
  })

  it('nested update, batch update and delete, count', async () => {
    const t3 = todos[2]!
    expect(await db.collection('todos').doc('t3').update({ owner: { level: _.inc(1) }, done: true })).toMatchObject({ updated: 1 })
    const { data } = await db.collection('todos').doc('t3').get()
    expect(data[0]).toMatchObject({ done: true, owner: { name: t3.owner.name, level: t3.owner.level + 1 } })
    const open = todos.filter((x) => !x.done && x._id !== 't3')
    expect(await db.collection('todos').where({ done: false }).update({ flagged: true })).toMatchObject({ updated: open.length })
    expect(await db.collection('todos').where({ flagged: true }).count()).toMatchObject({ total: open.length })
    expect(await db.collection('todos').where({ flagged: true }).remove()).toMatchObject({ deleted: open.length })
  })

  it('aggregate match / group / sort / limit', async () => {
    const { data } = await db.collection('todos').aggregate().match({ done: true }).group({ _id: '$owner.name', n: _.aggregate.sum(1) }).sort({ n: -1, _id: 1 }).limit(10).end()
    const done = todos.filter((x) => x.done || x._id === 't3')
    const counts = new Map<string, number>()
    for (const x of done) counts.set(x.owner.name, (counts.get(x.owner.name) || 0) + 1)
    expect(data).toEqual([...counts].map(([id, n]) => ({ _id: id, n })).sort((a, b) => b.n - a.n || a._id.localeCompare(b._id)))
  })

  it('a server error resolves { code, message }, as js-sdk does', async () => {
    expect(await db.collection('nocoll').get()).toMatchObject({ code: 'DATABASE_COLLECTION_NOT_EXIST' })
  })

  it('runTransaction: the transfer commits, the overdraft rolls back', async () => {
    const transfer = (from: string, to: string, amount: number) =>
      db.runTransaction(async (tx: any) => {
        const source = (await tx.collection('accounts').doc(from).get()).data
        const target = (await tx.collection('accounts').doc(to).get()).data
        if (source.balance < amount) return tx.rollback('insufficient balance')
        await tx.collection('accounts').doc(from).update({ balance: source.balance - amount })
        await tx.collection('accounts').doc(to).update({ balance: target.balance + amount })
        return 'moved'
      })
    expect(await transfer('alice', 'bob', 40)).toBe('moved')
    await expect(transfer('bob', 'alice', 10_000)).rejects.toBe('insufficient balance')
    const { data } = await db.collection('accounts').orderBy('_id', 'asc').get()
    expect(data.map((a: { balance: number }) => a.balance)).toEqual([accounts[0]!.balance - 40, accounts[1]!.balance + 40])
  })
})
