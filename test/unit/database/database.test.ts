/**
 * The database builders through a recording transport: what goes on the wire, what comes back (wx's
 * result shapes), and which inputs are refused. Wire conformance with the official client is in
 * test/conformance.
 */
import { describe, expect, it, vi } from 'vitest'
import { Aggregate, createCloud, createCommand, GeoPoint, isCloudError } from '../../../src/index'
import { defaultResponse, recordingTransport } from '../../helpers/recording-transport'
import type { ProtocolRequest, ProtocolResponse } from '../../../src/index'

function setup(respond?: (r: ProtocolRequest) => ProtocolResponse) {
  const transport = recordingTransport(respond)
  const cloud = createCloud({ transport, commands: createCommand, aggregate: Aggregate })
  cloud.init({ env: 'demo' })
  const db = cloud.database()
  return { transport, db, _: db.command }
}

describe('result shapes are wx.cloud shapes', () => {
  const docs = [{ _id: 'a', at: { $date: 1700000000000 }, loc: { type: 'Point', coordinates: [1, 2] } }]
  const respond = (r: ProtocolRequest): ProtocolResponse =>
    r.action === 'database.queryDocument' ? { requestId: 'r', data: { list: docs } } : defaultResponse(r)

  it('collection.get → { data, errMsg } with dates and Geo decoded', async () => {
    const { db } = setup(respond)
    const result = await db.collection('todos').get()
    expect(result.errMsg).toBe('collection.get:ok')
    expect(result.data[0]!.at).toEqual(new Date(1700000000000))
    expect(result.data[0]!.loc).toBeInstanceOf(GeoPoint)
  })

  it('document.get → { data: doc }', async () => {
    const { db } = setup(respond)
    expect(await db.collection('todos').doc('a').get()).toMatchObject({ data: { _id: 'a' }, errMsg: 'document.get:ok' })
  })

  it('document.get of a missing document fails as wx does (wire example W3, test/fixtures/cloudbase-wire-examples.txt)', async () => {
    const { db } = setup()
    await expect(db.collection('todos').doc('nope').get()).rejects.toMatchObject({
      errCode: -1,
      errMsg: 'document.get:fail document with _id nope does not exist',
    })
  })

  it('count, add, batch add, set, update, remove', async () => {
    const { db, _ } = setup((r) =>
      r.action === 'database.countDocument'
        ? { requestId: 'r', data: { total: 42 } }
        : r.action === 'database.updateDocument' && r.upsert
          ? { requestId: 'r', data: { updated: 0, upserted_id: 'x' } }
          : defaultResponse(r),
    )
    const todos = db.collection('todos')
    expect(await todos.where({ done: true }).count()).toEqual({ total: 42, errMsg: 'collection.count:ok' })
    expect(await todos.add({ data: { a: 1 } })).toEqual({ _id: 'id-1', errMsg: 'collection.add:ok' })
    expect(await todos.add({ data: [{ a: 1 }, { a: 2 }] })).toEqual({ _ids: ['id-1', 'id-2'], errMsg: 'collection.add:ok' })
    expect(await todos.doc('x').set({ data: { a: 1 } })).toEqual({ _id: 'x', stats: { updated: 0, created: 1 }, errMsg: 'document.set:ok' })
    expect(await todos.doc('x').update({ data: { a: _.inc(1) } })).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
    expect(await todos.where({ a: 1 }).update({ data: { b: 2 } })).toEqual({ stats: { updated: 1 }, errMsg: 'collection.update:ok' })
    expect(await todos.doc('x').remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' })
    expect(await todos.where({ a: 1 }).remove()).toEqual({ stats: { removed: 1 }, errMsg: 'collection.remove:ok' })
  })

  it('aggregate().end() → { list } decoded from the EJSON list', async () => {
    const { db, _ } = setup(() => ({
      requestId: 'r',
      data: { list: JSON.stringify([JSON.stringify({ _id: 'a', n: { $numberInt: '3' }, at: { $date: { $numberLong: '0' } } })]) },
    }))
    const result = await db.collection('todos').aggregate().group({ _id: '$cat', n: _.aggregate.sum(1) }).end()
    expect(result).toEqual({ list: [{ _id: 'a', n: 3, at: new Date(0) }], errMsg: 'collection.aggregate:ok' })
  })

  it('supports success/fail/complete callbacks on every call', async () => {
    const { db } = setup()
    const success = vi.fn()
    const complete = vi.fn()
    expect(db.collection('todos').count({ success, complete })).toBeUndefined()
    await vi.waitFor(() => expect(complete).toHaveBeenCalled())
    expect(success).toHaveBeenCalledWith({ total: 0, errMsg: 'collection.count:ok' })
    const fail = vi.fn()
    db.collection('todos').add({ data: 'nope' as never, fail })
    await vi.waitFor(() => expect(fail).toHaveBeenCalled())
    expect(isCloudError(fail.mock.calls[0]![0])).toBe(true)
  })
})

describe('builders are immutable and lazy', () => {
  it('a shared base query is not changed by branches', async () => {
    const { db, transport } = setup()
    const base = db.collection('todos').where({ done: false })
    const first = base.orderBy('a', 'asc').limit(5)
    await base.get()
    expect(transport.last()).toEqual({ action: 'database.queryDocument', collectionName: 'todos', queryType: 'WHERE', query: { done: false }, limit: 100 })
    await first.get()
    expect(transport.last()).toMatchObject({ order: [{ field: 'a', direction: 'asc' }], limit: 5 })
    expect(transport.requests).toHaveLength(2)
  })

  it('field() does not touch the caller object', () => {
    const { db } = setup()
    const projection = { a: true, b: false }
    db.collection('todos').field(projection)
    expect(projection).toEqual({ a: true, b: false })
  })

  it('limit above 1000 is sent as 1000, the server maximum (docs/protocol.md §2.5)', async () => {
    const { db, transport } = setup()
    await db.collection('todos').limit(5000).get()
    expect(transport.last().limit).toBe(1000)
  })
})

describe('encoding where the official serializer changes meaning', () => {
  it('two field-level or() in one where(): both must hold (official merges them into one $or)', async () => {
    const { db, _, transport } = setup()
    await db.collection('t').where({ a: _.eq(1).or(_.eq(2)), b: _.eq(3).or(_.eq(4)) }).get()
    expect(transport.last().query).toEqual({
      $or: [{ a: { $eq: 1 } }, { a: { $eq: 2 } }],
      $and: [{ $or: [{ b: { $eq: 3 } }, { b: { $eq: 4 } }] }],
    })
  })

  it('Dates inside arrays and raw operators are encoded (official sends ISO strings)', async () => {
    const { db, transport } = setup()
    await db.collection('t').where({ at: { $in: [new Date(0)] }, tags: [new Date(1)] }).get()
    expect(transport.last().query).toEqual({ at: { $in: [{ $date: 0 }] }, tags: [{ $date: 1 }] })
  })

  it('an empty object is a value, in queries and updates (official drops it)', async () => {
    const { db, transport } = setup()
    await db.collection('t').where({ meta: {} }).get()
    expect(transport.last().query).toEqual({ meta: {} })
    await db.collection('t').doc('x').update({ data: { meta: {} } })
    expect(transport.last().data).toEqual({ $set: { meta: {} } })
  })

  it('not() of chained commands keeps both bounds (official sends an empty object)', async () => {
    const { db, _, transport } = setup()
    await db.collection('t').where({ n: _.not(_.gt(1).lt(5)) }).get()
    expect(transport.last().query).toEqual({ n: { $not: { $gt: 1, $lt: 5 } } })
  })

  it('dates in elemMatch and pull conditions are encoded', async () => {
    const { db, _, transport } = setup()
    await db.collection('t').where({ log: _.elemMatch({ at: _.gt(new Date(5)) }) }).get()
    expect(transport.last().query).toEqual({ log: { $elemMatch: { at: { $gt: { $date: 5 } } } } })
    await db.collection('t').doc('x').update({ data: { log: _.pull({ at: _.lt(new Date(7)) }) } })
    expect(transport.last().data).toEqual({ $pull: { log: { at: { $lt: { $date: 7 } } } } })
  })
})

describe('bad input fails with a CloudError that says what to fix, and sends nothing', () => {
  const cases: Array<[string, (s: ReturnType<typeof setup>) => unknown, RegExp]> = [
    ['where(non-object)', ({ db }) => db.collection('t').where('a' as never), /collection.where:fail -401002 invalid parameter. takes a query object, got string/],
    ['where(all undefined)', ({ db }) => db.collection('t').where({ a: undefined }), /every value of the query is undefined/],
    ['update command in where', ({ db, _ }) => db.collection('t').where({ a: _.inc(1) }), /\$inc is an update command/],
    ['update command in elemMatch', ({ _ }) => _.elemMatch(_.push(['x']) as never), /command.elemMatch:fail .*\$push is an update command/],
    ['bare command in a raw $or', ({ db, _ }) => db.collection('t').where({ $or: [_.gt(1)] } as never), /\$gt needs a field/],
    ['orderBy direction', ({ db }) => db.collection('t').orderBy('a', 'up' as never), /direction must be 'asc' or 'desc', got up/],
    ['limit(0)', ({ db }) => db.collection('t').limit(0), /limit:fail -401002 invalid parameter. takes a positive integer, got 0/],
    ['limit(1.5)', ({ db }) => db.collection('t').limit(1.5), /takes a positive integer/],
    ['skip(-1)', ({ db }) => db.collection('t').skip(-1), /skip:fail -401002 invalid parameter. takes an integer >= 0/],
    ['collection name', ({ db }) => db.collection('a b'), /"a b" is not a collection name/],
    ['doc id', ({ db }) => db.collection('t').doc(''), /takes a non-empty string or number id/],
    ['_.in(non-array)', ({ _ }) => _.in('x' as never), /command.in:fail -401002 invalid parameter. takes an array, got string/],
    ['_.inc(string)', ({ _ }) => _.inc('1' as never), /command.inc:fail -401002 invalid parameter. takes a finite number, got 1/],
    ['_.size(-1)', ({ _ }) => _.size(-1), /non-negative integer/],
    ['_.mod(0, 1)', ({ _ }) => _.mod(0, 1), /divisor not 0/],
    ['_.geoNear without Point', ({ _ }) => _.geoNear({ geometry: { type: 'Point' } as never }), /takes \{ geometry \} with a Point from db.Geo/],
    ['_.push({each: 1})', ({ _ }) => _.push({ each: 1 as never }), /\{ each \} must be an array/],
    ['stage limit', ({ db }) => db.collection('t').aggregate().limit(0), /aggregate.limit:fail -401002 invalid parameter/],
    ['stage unwind', ({ db }) => db.collection('t').aggregate().unwind('tags'), /takes "\$field"/],
  ]
  for (const [name, act, message] of cases) {
    it(name, () => {
      const s = setup()
      expect(() => act(s)).toThrow(message)
      expect(s.transport.requests).toHaveLength(0)
    })
  }

  const rejections: Array<[string, (s: ReturnType<typeof setup>) => Promise<unknown>, RegExp]> = [
    ['add(non-object)', ({ db }) => db.collection('t').add({ data: 5 as never }), /collection.add:fail -401002 invalid parameter/],
    ['add([])', ({ db }) => db.collection('t').add({ data: [] }), /at least one/],
    ['add with a command', ({ db, _ }) => db.collection('t').add({ data: { n: _.inc(1) } }), /at "n": a command \(\$inc\) cannot be used as a value/],
    ['set with _id', ({ db }) => db.collection('t').doc('x').set({ data: { _id: 'y' } }), /must not contain _id/],
    ['update with _id', ({ db }) => db.collection('t').doc('x').update({ data: { _id: 'y' } }), /_id cannot be updated/],
    ['update with nothing', ({ db }) => db.collection('t').doc('x').update({ data: {} }), /no field to change/],
    ['batch remove with limit', ({ db }) => db.collection('t').where({ a: 1 }).limit(10).remove(), /applies to every matching document/],
    ['query command in update', ({ db, _ }) => db.collection('t').doc('x').update({ data: { a: _.gt(1) as never } }), /\$gt is a query command/],
    ['end() with no stage', ({ db }) => db.collection('t').aggregate().end(), /at least one stage/],
  ]
  for (const [name, act, message] of rejections) {
    it(name, async () => {
      const s = setup()
      await expect(act(s)).rejects.toThrow(message)
      expect(s.transport.requests).toHaveLength(0)
    })
  }
})

describe('createCloud and init', () => {
  it('refuses a missing transport and a bad env', () => {
    expect(() => createCloud({} as never)).toThrow(/takes \{ transport \}/)
    const cloud = createCloud({ transport: recordingTransport() })
    expect(() => cloud.init({ env: '' })).toThrow(/env must be a non-empty string/)
  })

  it('says what is missing when a cloud cannot reach anything', () => {
    const platform = { request: () => Promise.reject(new Error('unused')) }
    const bare = createCloud({ platform, commands: createCommand, aggregate: Aggregate })
    expect(() => bare.database()).toThrow(/cloud.database:fail -501009 resource not initialized. call cloud.init\(\{ env \}\) first/)
    // Without an endpoint, a host with no cloud of its own says how to reach one.
    bare.init({ env: 'e' })
    expect(() => bare.database()).toThrow(/this host has no cloud of its own: call cloud.init\(\{ env, endpoint \}\)/)
    const noConnect = createCloud({ platform, commands: createCommand, aggregate: Aggregate })
    noConnect.init({ env: 'e', endpoint: 'http://127.0.0.1:9' })
    expect(() => noConnect.database()).toThrow(/created without \{ connect: connectHttp \}/)
    expect(() => createCloud({ platform, commands: createCommand, aggregate: Aggregate }).init({ endpoint: 'ftp://x' })).toThrow(/endpoint must be an http\(s\) URL/)
  })

  it("without an endpoint, the host's own cloud serves each environment through one connection", async () => {
    const asked: (string | undefined)[] = []
    const transport = recordingTransport()
    const platform = {
      request: () => Promise.reject(new Error('unused')),
      native: (env: string | undefined) => (asked.push(env), env === 'none' ? undefined : { transport }),
    }
    const cloud = createCloud({ platform, commands: createCommand, aggregate: Aggregate })
    cloud.init({ env: 'main' })
    await cloud.database().collection('t').get()
    await cloud.database().collection('t').count()
    await cloud.database({ env: 'other' }).collection('t').get()
    expect(asked).toEqual(['main', 'other'])
    expect(transport.requests.map((r) => r.env)).toEqual(['main', 'main', 'other'])
    expect(() => cloud.database({ env: 'none' })).toThrow(/no cloud of its own/)
    expect(() => cloud.database().collection('t').watch({ onChange() {}, onError() {} })).toThrow(/cannot watch/)
  })

  it('db.command and aggregate() come with the kit a cloud is given, and say so when it was not', () => {
    const lean = createCloud({ transport: recordingTransport() })
    lean.init({ env: 'e' })
    const db = lean.database()
    expect(() => db.command).toThrow(/database.command:fail this cloud was created without \{ commands: createCommand \}/)
    expect(() => db.collection('t').aggregate()).toThrow(/collection.aggregate:fail this cloud was created without \{ aggregate: Aggregate \}/)
    // Plain equality needs no commands: the lean cloud still queries.
    expect(() => db.collection('t').where({ done: false })).not.toThrow()
  })

  it('the first init wins, and database({ env }) overrides it for one database', async () => {
    const transport = recordingTransport()
    const cloud = createCloud({ transport, commands: createCommand, aggregate: Aggregate })
    cloud.init({ env: 'first' })
    cloud.init({ env: 'second' })
    await cloud.database().collection('t').get()
    expect(transport.requests[0]!.env).toBe('first')
    await cloud.database({ env: 'other' }).collection('t').get()
    expect(transport.requests[1]!.env).toBe('other')
  })
})
