/**
 * @cloudbase/js-sdk 3.7.0 against the emulator through a Node adapter built to @cloudbase/adapter-interface,
 * in both of its wire modes: `CLOUD_API` (dialect A, `/web`) and its default, `GATEWAY` (dialect B, the REST
 * paths under `/v1`). Anonymous sign-in (v3 paths), then the seed's database operations and the account
 * transfer. Expected values come from the fixture; where the two modes differ, the difference is js-sdk's
 * and the test names it (docs/protocol.md §2.1, §14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { accounts, todos } from '../fixtures/todos'
import { DIALECT_OF, emulatorAdapter, JS_SDK_MODES, loadJsSdk, modeConfig } from '../helpers/js-sdk-adapter'

describe.each(JS_SDK_MODES)('@cloudbase/js-sdk (%s)', (mode) => {
  let emulator: RunningEmulator
  let db: any
  let _: any
  let uid: string

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, env: `js-sdk-${mode.toLowerCase().replace('_', '-')}`, collections: ['todos', 'accounts'] })
    const cloudbase = loadJsSdk()
    cloudbase.useAdapters(emulatorAdapter(emulator.url))
    const app = cloudbase.init({ env: emulator.env, region: 'ap-shanghai', ...modeConfig(mode) })
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

  /** An account read in a transaction. GATEWAY: js-sdk wraps a transaction's doc(id).get() in { list: [doc] } (docs/protocol.md §14 item 7). */
  const read = async (tx: any, id: string) => {
    const { data } = await tx.collection('accounts').doc(id).get()
    if (mode === 'CLOUD_API') return data
    expect(Object.keys(data)).toEqual(['list'])
    return data.list[0]
  }

  it(`its database requests arrive in the ${DIALECT_OF[mode]} dialect`, async () => {
    await db.collection('todos').where({ done: true }).count()
    const requests = emulator.events.recent().filter((event) => event.kind === 'request' && event.target === 'todos')
    expect(requests.length).toBeGreaterThan(1)
    expect(new Set(requests.map((event) => event.dialect))).toEqual(new Set([DIALECT_OF[mode]]))
  })

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

  it('a Date in a query and skip / field', async () => {
    const since = todos[2]!.createdAt
    const { data } = await db.collection('todos').where({ createdAt: _.gte(since) }).orderBy('createdAt', 'asc').skip(1).field({ title: true }).get()
    const expected = todos.filter((x) => +x.createdAt >= +since).slice(1)
    expect(data).toEqual(expected.map((x) => ({ _id: x._id, title: x.title })))
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

  it('doc(id).set(): CLOUD_API replaces the document; GATEWAY sends replaceMode: false, which merges', async () => {
    await db.collection('todos').add({ _id: 's1', title: 'before', kept: 1 })
    expect(await db.collection('todos').doc('s1').set({ title: 'after' })).toMatchObject({ updated: 1 })
    const { data } = await db.collection('todos').doc('s1').get()
    // js-sdk's gateway call sends set()'s data with replaceMode: false, "merge rather than replace" by its own
    // description of the field (docs/protocol.md §14): the field set() left out stays.
    expect(data[0]).toEqual(mode === 'CLOUD_API' ? { _id: 's1', _openid: uid, title: 'after' } : { _id: 's1', _openid: uid, title: 'after', kept: 1 })
    await db.collection('todos').doc('s1').remove()
  })

  it('aggregate match / group / sort / limit', async () => {
    const { data } = await db.collection('todos').aggregate().match({ done: true }).group({ _id: '$owner.name', n: _.aggregate.sum(1) }).sort({ n: -1, _id: 1 }).limit(10).end()
    const done = todos.filter((x) => x.done || x._id === 't3')
    const counts = new Map<string, number>()
    for (const x of done) counts.set(x.owner.name, (counts.get(x.owner.name) || 0) + 1)
    expect(data).toEqual([...counts].map(([id, n]) => ({ _id: id, n })).sort((a, b) => b.n - a.n || a._id.localeCompare(b._id)))
  })

  it('a server error: CLOUD_API resolves { code, message }; GATEWAY, answered with a 4xx, rejects with them', async () => {
    const outcome = await db.collection('nocoll').get().then(
      (resolved: unknown) => ({ resolved }),
      (rejected: unknown) => ({ rejected }),
    )
    const failure = { code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'collection nocoll not exists' }
    expect(outcome).toMatchObject(mode === 'CLOUD_API' ? { resolved: failure } : { rejected: { ...failure, requestId: expect.any(String) } })
  })

  it('runTransaction: the transfer commits, the overdraft rolls back', async () => {
    const transfer = (from: string, to: string, amount: number) =>
      db.runTransaction(async (tx: any) => {
        const source = await read(tx, from)
        const target = await read(tx, to)
        if (source.balance < amount) return tx.rollback('insufficient balance')
        await tx.collection('accounts').doc(from).update({ balance: source.balance - amount })
        await tx.collection('accounts').doc(to).update({ balance: target.balance + amount })
        await tx.collection('accounts').add({ _id: `log-${from}-${to}`, owner: 'ledger', balance: amount })
        return 'moved'
      })
    expect(await transfer('alice', 'bob', 40)).toBe('moved')
    await expect(transfer('bob', 'alice', 10_000)).rejects.toBe('insufficient balance')
    const { data } = await db.collection('accounts').orderBy('_id', 'asc').get()
    expect(data.map((a: { _id: string; balance: number }) => [a._id, a.balance])).toEqual([
      ['alice', accounts[0]!.balance - 40],
      ['bob', accounts[1]!.balance + 40],
      ['log-alice-bob', 40],
    ])
  })

  it('in a transaction, doc(id).create() and where().get(): GATEWAY’s js-sdk loses the id and wraps the list (docs/protocol.md §14)', async () => {
    const seen = await db.runTransaction(async (tx: any) => {
      await tx.collection('accounts').doc('carol').create({ owner: 'Carol', balance: 7 })
      return (await tx.collection('accounts').where({ owner: 'Carol' }).get()).data
    })
    const { data } = await db.collection('accounts').where({ owner: 'Carol' }).get()
    expect(data).toEqual([{ _id: mode === 'CLOUD_API' ? 'carol' : expect.stringMatching(/^[0-9a-f]{32}$/), _openid: uid, owner: 'Carol', balance: 7 }])
    // GATEWAY: js-sdk's gateway call for an insert sends the data, not the create()'s `_id` beside it, and hands
    // the query's { list } to a decoder that expects the list itself.
    expect(seen).toEqual(mode === 'CLOUD_API' ? data : [{ list: data }])
    await db.collection('accounts').doc(data[0]._id).remove()
  })

  it('concurrent transactions conflict and runTransaction retries them: every unit of money is accounted for', async () => {
    const before = Object.fromEntries(((await db.collection('accounts').get()).data as { _id: string; balance: number }[]).map((a) => [a._id, a.balance]))
    const conflicts = () => emulator.events.recent().filter((event) => event.code === 'DATABASE_TRANSACTION_CONFLICT').length
    const seen = conflicts()
    const move = (from: string, to: string, amount: number) =>
      db.runTransaction(async (tx: any) => {
        const source = await read(tx, from)
        const target = await read(tx, to)
        await tx.collection('accounts').doc(from).update({ balance: source.balance - amount })
        await tx.collection('accounts').doc(to).update({ balance: target.balance + amount })
        return amount
      }, 10)
    const results = await Promise.allSettled([move('alice', 'bob', 10), move('alice', 'bob', 10), move('bob', 'alice', 5)])
    const moved = results.map((r, i) => (r.status === 'fulfilled' ? [10, 10, -5][i]! : 0)).reduce((a, b) => a + b, 0)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    const after = Object.fromEntries(((await db.collection('accounts').get()).data as { _id: string; balance: number }[]).map((a) => [a._id, a.balance]))
    expect(after).toEqual({ ...before, alice: before.alice! - moved, bob: before.bob! + moved })
    // They did overlap: the emulator refused at least one conflicting write, and runTransaction retried.
    expect(conflicts()).toBeGreaterThan(seen)
  })

  it('the default rules (PRIVATE) hold: another user reads none of these documents', async () => {
    const cloudbase = loadJsSdk()
    cloudbase.useAdapters(emulatorAdapter(emulator.url))
    const other = cloudbase.init({ env: emulator.env, region: 'ap-shanghai', ...modeConfig(mode) })
    await other.auth({ persistence: 'local' }).signInAnonymously()
    const { data } = await other.database().collection('todos').get()
    expect(data).toEqual([])
  })
})
