/**
 * Database security rules, enforced (`startEmulator({ rules })`): custom rules validate a client's query
 * and evaluate a `doc(id)` request or a create against the one document; presets filter, as CloudBase's
 * simple permissions do; the administrator bypasses both; without `rules` nothing is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { signedIn } from '../helpers/emulator'
import { webCaller } from '../helpers/web'
import { connectHttp, createCloud, nodePlatform, type Database } from '../helpers/sdk'

const OWNER = 'doc._openid == auth.openid'
const DENIED = -502003

let emulator: RunningEmulator
let alice: Database
let bob: Database

/** The CloudError a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<{ errCode: number; errMsg: string }> {
  const outcome = await call.then(
    () => undefined,
    (error: { errCode: number; errMsg: string }) => error,
  )
  if (!outcome) throw new Error('expected the call to fail')
  return outcome
}

const seed = (collection: string, docs: Record<string, unknown>[]) =>
  adminCall(emulator, 'database.insertDocument', { collectionName: collection, data: docs.map((doc) => JSON.stringify(doc)) })

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    collections: ['todos', 'ages', 'roles', 'secrets', 'private', 'readonly', 'adminwrite', 'adminonly', 'orders', 'defaulted', 'places', 'profiles', 'posts'],
    rules: {
      database: {
        todos: { read: OWNER, write: OWNER, create: "doc.title != ''" },
        ages: { read: 'doc.age > 10', write: false },
        roles: 'ADMINONLY',
        secrets: { read: "get('database.roles.' + auth.openid).role == 'admin'", write: false },
        private: 'PRIVATE',
        readonly: 'READONLY',
        adminwrite: 'ADMINWRITE',
        adminonly: 'ADMINONLY',
        orders: { read: true, write: OWNER },
        places: 'PRIVATE',
        posts: { read: 'doc.public == true', write: false },
        profiles: { read: true, create: true, update: "request.data.status == 'ok' && request.data.about.city != 'nowhere'" },
      },
    },
  })
  alice = signedIn(emulator, 'o-alice')
  bob = signedIn(emulator, 'o-bob')
  await seed('todos', [
    { _id: 'a1', _openid: 'o-alice', title: 'hers' },
    { _id: 'b1', _openid: 'o-bob', title: 'his' },
  ])
  await seed('ages', [
    { _id: 'young', age: 9 },
    { _id: 'old', age: 20 },
  ])
  await seed('roles', [{ _id: 'o-alice', role: 'admin' }])
  await seed('secrets', [{ _id: 's1', text: 'launch codes' }])
  for (const collection of ['private', 'readonly', 'adminwrite', 'adminonly', 'defaulted']) {
    await seed(collection, [
      { _id: `${collection}-a`, _openid: 'o-alice', n: 1 },
      { _id: `${collection}-b`, _openid: 'o-bob', n: 2 },
    ])
  }
})
afterAll(async () => {
  await emulator.stop()
})

describe('a custom rule validates queries', () => {
  it("reads: a query on the caller's `_openid` is allowed and a query without it is denied, naming the rule and what is missing", async () => {
    const { data } = await alice.collection('todos').where({ _openid: '{openid}' }).get()
    expect(data.map((doc) => doc._id)).toEqual(['a1'])
    const denied = await failure(alice.collection('todos').where({}).get())
    expect(denied.errCode).toBe(DENIED)
    expect(denied.errMsg).toContain('the rule of todos.read, "doc._openid == auth.openid", denies the query')
    expect(denied.errMsg).toContain('`_openid`')
  })

  it('a doc(id) read is evaluated against the stored document', async () => {
    expect((await alice.collection('todos').doc('a1').get()).data).toMatchObject({ title: 'hers' })
    expect(await failure(alice.collection('todos').doc('b1').get())).toMatchObject({ errCode: DENIED, errMsg: expect.stringContaining('denies the document b1') })
  })

  it('count and watch are reads', async () => {
    expect((await alice.collection('todos').where({ _openid: '{openid}' }).count()).total).toBe(1)
    expect((await alice.collection('todos').where(alice.command.or([{ _openid: '{uid}' }, { _openid: '{openid}', title: 'x' }])).count()).total).toBe(1)
    expect((await failure(alice.collection('todos').count())).errCode).toBe(DENIED)
    const errors: unknown[] = []
    const snapshots: unknown[] = []
    const denied = alice.collection('todos').where({}).watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
    const allowed = alice.collection('todos').where({ _openid: '{openid}' }).watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
    await expect.poll(() => errors.length + snapshots.length, { timeout: 5000 }).toBe(2)
    expect(errors).toHaveLength(1)
    expect(String((errors[0] as { errMsg?: string }).errMsg ?? errors[0])).toContain('todos.read')
    expect(snapshots).toHaveLength(1)
    await Promise.all([denied.close(), allowed.close()])
  })

  it('a watch of one document ends, with the denial, when a change makes the rule refuse it', async () => {
    await seed('posts', [{ _id: 'p1', public: true, text: 'hello' }])
    const seen: unknown[] = []
    const errors: { errMsg?: string }[] = []
    const listener = bob.collection('posts').doc('p1').watch({ onChange: (s) => seen.push(...s.docs), onError: (e) => errors.push(e as { errMsg?: string }) })
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(1)
    await adminCall(emulator, 'database.modifyDocument', { collectionName: 'posts', query: JSON.stringify({ _id: 'p1' }), data: JSON.stringify({ $set: { public: false, text: 'now private' } }), multi: false })
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1)
    expect(errors[0]!.errMsg).toMatch(/posts\.read.*denies the document p1/)
    expect(JSON.stringify(seen)).not.toContain('now private')
    await listener.close()
  })

  it("an aggregation is allowed when its first $match is on the caller's `_openid`", async () => {
    const { list } = await alice.collection('todos').aggregate().match({ _openid: '{openid}' }).project({ title: 1 }).end()
    expect(list).toEqual([{ _id: 'a1', title: 'hers' }])
    expect((await failure(alice.collection('todos').aggregate().project({ title: 1 }).end())).errCode).toBe(DENIED)
  })

  it('update and remove by where need `_openid`; add is allowed, stamped, and checked against `create`', async () => {
    expect((await failure(alice.collection('todos').where({ title: 'his' }).update({ data: { title: 'mine' } }))).errCode).toBe(DENIED)
    expect((await failure(alice.collection('todos').where({ title: 'his' }).remove())).errCode).toBe(DENIED)
    const { _id } = await alice.collection('todos').add({ data: { title: 'new', _openid: 'o-bob' } })
    expect((await alice.collection('todos').doc(_id as string).get()).data).toMatchObject({ _openid: 'o-alice' })
    expect((await alice.collection('todos').where({ _openid: '{openid}', title: 'new' }).update({ data: { done: true } })).stats.updated).toBe(1)
    expect((await alice.collection('todos').where({ _openid: '{openid}', title: 'new' }).remove()).stats.removed).toBe(1)
    const denied = await failure(alice.collection('todos').add({ data: { title: '' } }))
    expect(denied).toMatchObject({ errCode: DENIED, errMsg: expect.stringContaining(`the rule of todos.create, "doc.title != ''", denies the new document`) })
  })

  it('a rule on a field: the query must stay inside it; `write: false` denies every write', async () => {
    const _ = alice.command
    expect((await alice.collection('ages').where({ age: _.gt(15) }).get()).data.map((doc) => doc._id)).toEqual(['old'])
    expect(await failure(alice.collection('ages').where({ age: _.gt(8) }).get())).toMatchObject({ errCode: DENIED, errMsg: expect.stringContaining('`age` > 10') })
    expect(await failure(alice.collection('ages').add({ data: { age: 30 } }))).toMatchObject({ errMsg: expect.stringContaining('the rule of ages.write is false') })
    expect((await failure(alice.collection('ages').doc('old').update({ data: { age: 21 } }))).errCode).toBe(DENIED)
    expect((await failure(alice.collection('ages').doc('old').remove())).errCode).toBe(DENIED)
  })

  it('request.data of an update is the data as written in update({ data }): fields at their paths, commands as commands', async () => {
    const profiles = alice.collection('profiles')
    const { _id } = await profiles.add({ data: { status: 'new', about: { city: 'x' }, visits: 0 } })
    const id = String(_id)
    const _ = alice.command
    await expect(profiles.doc(id).update({ data: { status: 'ok', 'about.city': 'Shanghai', visits: _.inc(1) } })).resolves.toMatchObject({ stats: { updated: 1 } })
    await expect(profiles.where({ _id: id }).update({ data: { status: 'ok', about: { city: 'Hangzhou' } } })).resolves.toMatchObject({ stats: { updated: 1 } })
    expect(await failure(profiles.doc(id).update({ data: { status: 'ok', 'about.city': 'nowhere' } }))).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })
    expect(await failure(profiles.doc(id).update({ data: { status: 'pending' } }))).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })
  })

  it('a rule may read another document with get()', async () => {
    expect((await alice.collection('secrets').doc('s1').get()).data).toMatchObject({ text: 'launch codes' })
    expect((await failure(bob.collection('secrets').doc('s1').get())).errCode).toBe(DENIED)
  })
})

describe('presets keep their legacy behaviour: they filter', () => {
  it("PRIVATE: a client reads only its own documents and cannot change another's", async () => {
    expect((await alice.collection('private').get()).data.map((doc) => doc._id)).toEqual(['private-a'])
    expect((await bob.collection('private').doc('private-a').update({ data: { n: 99 } })).stats.updated).toBe(0)
    expect((await bob.collection('private').doc('private-a').remove()).stats.removed).toBe(0)
    expect((await alice.collection('private').doc('private-a').get()).data).toMatchObject({ n: 1 })
    expect(await failure(bob.collection('private').doc('private-a').set({ data: { n: 7 } }))).toMatchObject({ errMsg: expect.stringContaining('duplicate _id') })
  })

  it("PRIVATE: an aggregation starting with $geoNear sees only the caller's documents", async () => {
    await alice.collection('places').add({ data: { _id: 'home', loc: alice.Geo.Point(121.47, 31.23) } })
    await bob.collection('places').add({ data: { _id: 'work', loc: bob.Geo.Point(121.48, 31.24) } })
    const { list } = await bob
      .collection('places')
      .aggregate()
      .geoNear({ near: bob.Geo.Point(121.47, 31.23), distanceField: 'metres', spherical: true })
      .end()
    expect(list.map((doc) => doc._id)).toEqual(['work'])
  })

  it('a collection without a rule is PRIVATE', async () => {
    expect((await bob.collection('defaulted').get()).data.map((doc) => doc._id)).toEqual(['defaulted-b'])
  })

  it("READONLY: everyone reads; another's document is not updated", async () => {
    expect((await bob.collection('readonly').doc('readonly-a').get()).data).toMatchObject({ n: 1 })
    expect((await bob.collection('readonly').doc('readonly-a').update({ data: { n: 99 } })).stats.updated).toBe(0)
    expect((await bob.collection('readonly').doc('readonly-b').update({ data: { n: 3 } })).stats.updated).toBe(1)
  })

  it('ADMINWRITE: reads are open, client writes denied; ADMINONLY: client reads denied', async () => {
    expect((await bob.collection('adminwrite').get()).data).toHaveLength(2)
    expect(await failure(bob.collection('adminwrite').add({ data: { n: 3 } }))).toMatchObject({ errCode: DENIED, errMsg: expect.stringContaining('ADMINWRITE') })
    expect((await failure(bob.collection('adminonly').get())).errCode).toBe(DENIED)
  })

  it('a $lookup into a PRIVATE collection joins only own documents; into a custom-rule collection it is denied', async () => {
    await alice.collection('orders').add({ data: { _id: 'order-1', item: 'private-b' } })
    await alice.collection('orders').add({ data: { _id: 'order-2', item: 'private-a' } })
    const { list } = await alice
      .collection('orders')
      .aggregate()
      .lookup({ from: 'private', localField: 'item', foreignField: '_id', as: 'joined' })
      .sort({ _id: 1 })
      .end()
    expect(list.map((order) => [order._id, (order.joined as { _id: string }[]).map((doc) => doc._id)])).toEqual([
      ['order-1', []],
      ['order-2', ['private-a']],
    ])
    const denied = await failure(alice.collection('orders').aggregate().lookup({ from: 'todos', localField: 'item', foreignField: '_id', as: 'joined' }).end())
    expect(denied).toMatchObject({ errCode: DENIED, errMsg: expect.stringContaining('a $lookup of todos is denied') })
  })
})

describe('transactions', () => {
  it('reads, inserts, updates and deletes in a transaction are checked the same way', async () => {
    const call = await webCaller(emulator)
    const { transactionId } = (await call('database.startTransaction')) as { transactionId: string }
    const inTx = (action: string, params: Record<string, unknown>) => call(action, { transactionId, ...params })
    const permissionDenied = { code: 'DATABASE_PERMISSION_DENIED' }
    expect(await inTx('database.getInTransaction', { collectionName: 'todos', query: { _id: 'a1' } })).toMatchObject(permissionDenied)
    expect(await inTx('database.getInTransaction', { collectionName: 'todos', query: {} })).toMatchObject(permissionDenied)
    expect(await inTx('database.getInTransaction', { collectionName: 'todos', query: { _openid: '{openid}' } })).toMatchObject({ data: '[]' })
    expect(await inTx('database.getInTransaction', { collectionName: 'private', query: { _id: 'private-a' } })).toMatchObject({ data: 'null' })
    expect(await inTx('database.insertDocInTransaction', { collectionName: 'todos', data: JSON.stringify({ title: '' }) })).toMatchObject(permissionDenied)
    expect(await inTx('database.insertDocInTransaction', { collectionName: 'todos', _id: 'tx1', data: JSON.stringify({ title: 'in tx' }) })).toMatchObject({ inserted: 1 })
    expect(await inTx('database.updateDocInTransaction', { collectionName: 'todos', query: { _id: 'b1' }, data: JSON.stringify({ $set: { title: 'x' } }) })).toMatchObject(permissionDenied)
    expect(await inTx('database.updateDocInTransaction', { collectionName: 'todos', query: { _id: 'tx1' }, data: JSON.stringify({ $set: { done: true } }) })).toMatchObject({ updated: 1 })
    expect(await inTx('database.deleteDocInTransaction', { collectionName: 'todos', query: {} })).toMatchObject(permissionDenied)
    expect(await inTx('database.deleteDocInTransaction', { collectionName: 'private', query: { _id: 'private-a' } })).toMatchObject({ deleted: 0 })
    await call('database.abortTransaction', { transactionId })
  })
})

describe('who is checked', () => {
  it('the administrator bypasses every rule', async () => {
    const answer = await adminCall(emulator, 'database.getDocument', { collectionName: 'adminonly', query: '{}', limit: 10 })
    expect((answer.data as { list: unknown[] }).list).toHaveLength(2)
    expect(await adminCall(emulator, 'database.calculateDocument', { collectionName: 'todos', query: '{}' })).toMatchObject({ data: { total: 2 } })
  })

  it('a guest reads nothing of a PRIVATE collection', async () => {
    const open = await startEmulator({ port: 0, collections: ['private'], allowUnauthenticated: true, rules: { database: {} } })
    try {
      await adminCall(open, 'database.insertDocument', { collectionName: 'private', data: [JSON.stringify({ _id: 'x', _openid: 'o-alice' }), JSON.stringify({ _id: 'y' })] })
      expect((await signedIn(open, undefined).collection('private').get()).data).toEqual([])
    } finally {
      await open.stop()
    }
  })
})

describe('decisions in the log', () => {
  /** The rule decisions of the last event of `action` on `collection`. */
  const lastRules = (action: string, collection: string) =>
    emulator.events
      .recent()
      .filter((event) => event.kind === 'request' && event.action === action && event.target === collection)
      .pop()!.rules

  it('each request’s event lists the rules it met: allowed, filtered by a preset, or denied and why', async () => {
    await alice.collection('todos').where({ _openid: '{openid}' }).get()
    expect(lastRules('database.queryDocument', 'todos')).toEqual([{ rule: 'todos.read', decision: 'allow' }])
    await alice.collection('private').get()
    expect(lastRules('database.queryDocument', 'private')).toEqual([{ rule: 'private.read', decision: 'filter' }])
    await failure(bob.collection('todos').where({}).get())
    expect(lastRules('database.queryDocument', 'todos')).toEqual([{ rule: 'todos.read', decision: 'deny', reason: expect.stringMatching(/^the rule of todos\.read, "doc\._openid == auth\.openid", denies the query/) }])
    await alice.collection('todos').add({ data: { title: 'logged' } })
    expect(lastRules('database.addDocument', 'todos')).toEqual([{ rule: 'todos.create', decision: 'allow' }])
    // The administrator meets no rule at all, and the event says so.
    await adminCall(emulator, 'database.calculateDocument', { collectionName: 'todos', query: '{}' })
    expect(lastRules('database.calculateDocument', 'todos')).toEqual([{ rule: 'database', decision: 'admin' }])
    // What get() read is beside the decision it made.
    await alice.collection('secrets').where({ text: 'launch codes' }).get()
    expect(lastRules('database.queryDocument', 'secrets')).toEqual([{ rule: 'secrets.read', decision: 'allow', reads: ['database.roles.o-alice'] }])
  })

  it('a rule past a get() limit is an error decision, and the request is refused', async () => {
    const limits = await startEmulator({
      port: 0,
      collections: ['many', 'flags'],
      rules: { database: { many: { read: "get('database.flags.' + doc.a).on == true", write: false } } },
    })
    try {
      const db = signedIn(limits, 'o-alice')
      // Eleven branches, each pinning `a`: eleven documents of `flags`, past the ten a request may read.
      const values = Array.from({ length: 11 }, (_, i) => `f${i}`)
      await adminCall(limits, 'database.insertDocument', { collectionName: 'flags', data: values.map((_id) => JSON.stringify({ _id, on: true })) })
      // Ten are within the limit.
      await expect(db.collection('many').where(db.command.or(values.slice(1).map((a) => ({ a })))).get()).resolves.toMatchObject({ data: [] })
      const refused = await failure(db.collection('many').where(db.command.or(values.map((a) => ({ a })))).get())
      expect(refused.errMsg).toMatch(/11th document with get\(\)/)
      const event = limits.events.recent().filter((e) => e.kind === 'request' && e.action === 'database.queryDocument').pop()!
      expect(event.rules).toEqual([expect.objectContaining({ rule: 'many.read', decision: 'error', reason: expect.stringMatching(/at most 10/), reads: expect.arrayContaining(['database.flags.f0']) })])
    } finally {
      await limits.stop()
    }
  })
})

describe('starting', () => {
  it('an invalid rule fails the start, naming the collection and the position', async () => {
    await expect(startEmulator({ port: 0, rules: { database: { todos: { read: 'doc.a = 1' } } } })).rejects.toThrow(/collection todos: in `read`: .*line 1, column 7/)
    await expect(startEmulator({ port: 0, rules: { database: { todos: 'PUBLIC' as 'READONLY' } } })).rejects.toThrow(/collection todos: unknown rule preset/)
  })

  it("without rules, CloudBase's default: every collection is PRIVATE", async () => {
    const defaults = await startEmulator({ port: 0, collections: ['todos'] })
    try {
      await adminCall(defaults, 'database.insertDocument', { collectionName: 'todos', data: [JSON.stringify({ _id: 'b1', _openid: 'o-bob' }), JSON.stringify({ _id: 'a1', _openid: 'o-alice' })] })
      const alice = signedIn(defaults, 'o-alice')
      expect((await alice.collection('todos').get()).data.map((doc) => doc._id)).toEqual(['a1'])
      expect((await alice.collection('todos').doc('b1').update({ data: { n: 1 } })).stats.updated).toBe(0)
      expect((await signedIn(defaults, 'o-bob').collection('todos').doc('b1').get()).data).toEqual({ _id: 'b1', _openid: 'o-bob' })
    } finally {
      await defaults.stop()
    }
  })

  it("with rules 'open', nothing is checked", async () => {
    const open = await startEmulator({ port: 0, collections: ['todos'], rules: 'open' })
    try {
      await adminCall(open, 'database.insertDocument', { collectionName: 'todos', data: [JSON.stringify({ _id: 'b1', _openid: 'o-bob' })] })
      const db = signedIn(open, 'o-alice')
      expect((await db.collection('todos').get()).data.map((doc) => doc._id)).toEqual(['b1'])
      expect((await db.collection('todos').doc('b1').update({ data: { n: 1 } })).stats.updated).toBe(1)
      // The placeholders are the server's with or without rules: '{openid}' is the caller's openid, '{uid}' its uid.
      await db.collection('todos').add({ data: { _id: 'a1', owner: 'u-alice' } })
      expect((await db.collection('todos').where({ _openid: '{openid}' }).get()).data.map((doc) => doc._id)).toEqual(['a1'])
      const cloud = createCloud({ platform: nodePlatform, connect: connectHttp })
      cloud.init({ env: open.env, endpoint: open.url, ticket: open.createTicket('o-alice', { uid: 'u-alice' }) })
      expect((await cloud.database().collection('todos').where({ owner: '{uid}' }).get()).data.map((doc) => doc._id)).toEqual(['a1'])
    } finally {
      await open.stop()
    }
  })
})
