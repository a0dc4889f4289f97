/**
 * The decoder's fidelity, request by request: mpcloud's builders send a protocol request through the
 * native transport, which replays it on the official builder (@cloudbase/database 0.12.1, the serializer
 * inside js-sdk, recording instead of sending; test/helpers/official.ts) dressed as wx.cloud. What the
 * official builder then sends must be what mpcloud sent: the same request, or (where noted) an equivalent
 * one. Where the official serializer has a known bug (docs/protocol.md §14, differential D1–D9), the decoder
 * chooses a form it serializes correctly, and these tests show the official builder sending it right.
 */
import { describe, expect, it } from 'vitest'
import { Aggregate, createCloud, createCommand, type ProtocolRequest, type Transport } from '../../src/index'
import { createNativeTransport } from '../../src/native/index'
import { wxDifferences } from '../../adapters/shared/wx-native'
import { officialDb } from '../helpers/official'
import { asWx } from './hosts'

function harness() {
  const official = officialDb()
  const sent: ProtocolRequest[] = []
  const native = createNativeTransport(() => asWx(official.db), wxDifferences)
  const transport: Transport = {
    send(request) {
      sent.push(request)
      return native.send(request)
    },
  }
  const cloud = createCloud({ transport, commands: createCommand, aggregate: Aggregate })
  cloud.init({ env: 'e' })
  const db = cloud.database()
  return {
    db,
    _: db.command,
    /** Runs `call` (its outcome is not the point here), then what mpcloud sent and what the official builder sent. */
    async replay(call: () => Promise<unknown>): Promise<{ ours: Record<string, unknown>; theirs: Record<string, unknown> }> {
      await call().then(
        () => undefined,
        (error: unknown) => error,
      )
      const { dataVersion: _version, env: _env, ...ours } = sent[sent.length - 1]!
      return { ours, theirs: official.last() }
    },
  }
}

/** Both requests, with aggregation stage values parsed (their key order is the serializer's). */
function parsedStages(request: Record<string, unknown>) {
  const stages = request.stages as { stageKey: string; stageValue: string }[]
  return { ...request, stages: stages.map((s) => ({ [s.stageKey]: JSON.parse(s.stageValue) })) }
}

const date = new Date(1700000000000)

describe('queries replay as they were sent', () => {
  it('values, nesting, commands and logic (J1–J11)', async () => {
    const { db, _, replay } = harness()
    const todos = db.collection('todos')
    const cases: (() => Promise<unknown>)[] = [
      () => todos.where({ done: false }).get(),
      () => todos.where({ age: _.gt(18).and(_.lt(65)) }).get(),
      () => todos.where({ a: { b: 1, c: { d: 'x' } } }).get(),
      () => todos.where(_.or([{ status: 'open' }, { priority: _.gte(2) }])).get(),
      () => todos.where(_.nor([{ a: 1 }, { b: _.lt(0) }])).get(),
      () => todos.where({ n: _.not(_.gt(5)), s: _.not(/^x/i) }).get(),
      () => todos.where({ e: _.exists(true), m: _.mod(4, 1), s: _.size(3), al: _.all(['a', 'b']), em: _.elemMatch({ score: _.gt(80) }) }).get(),
      () => todos.where({ name: /^abc/i, nick: db.RegExp({ regexp: '^x.*', options: 'im' }) }).get(),
      () => todos.where({ createdAt: _.lt(date), updatedAt: new Date(1700000001000), in: _.in([date, 'x']) }).get(),
      () =>
        todos
          .where({
            loc: _.geoNear({ geometry: db.Geo.Point(113.3, 23.1), maxDistance: 1000, minDistance: 0 }),
            area: _.geoWithin({ geometry: db.Geo.Polygon([db.Geo.LineString([db.Geo.Point(0, 0), db.Geo.Point(3, 2), db.Geo.Point(2, 3), db.Geo.Point(0, 0)])]) }),
            path: _.geoIntersects({ geometry: db.Geo.LineString([db.Geo.Point(0, 0), db.Geo.Point(1, 1)]) }),
            at: db.Geo.Point(1, 2),
          })
          .get(),
      () => todos.where(_.expr(_.aggregate.gt(['$spent', '$budget']))).get(),
      () => todos.where({ done: false }).orderBy('priority', 'desc').orderBy('createdAt', 'asc').skip(20).limit(10).field({ title: true, secret: false }).get(),
      () => todos.where({ done: true }).count(),
      () => todos.doc('doc-1').field({ title: true }).get(),
      () => todos.where({ _id: _.in(['a', 'b']) }).get(),
    ]
    for (const call of cases) {
      const { ours, theirs } = await replay(call)
      expect(theirs).toEqual(ours)
    }
  })

  it('where and command operands the official builder leaves unencoded go in wire form', async () => {
    const { db, _, replay } = harness()
    const todos = db.collection('todos')
    const cases: (() => Promise<unknown>)[] = [
      // Arrays in a query: the official where() does not encode them (a Date would be an ISO string).
      () => todos.where({ d: [date, /x/] }).get(),
      // D1–D4: neq, all, Dates and chains inside elemMatch.
      () => todos.where({ f: _.elemMatch({ a: _.neq(1), b: _.all([1, 2]), c: _.gt(date), d: _.gt(1).and(_.lt(5)) }) }).get(),
      // §14 item 3: geoWithin({ centerSphere }) throws in the official builder.
      () => todos.where({ loc: _.geoWithin({ centerSphere: [db.Geo.Point(113, 23), 0.01] }) }).get(),
      // Projection operators, Dates inside them.
      () => todos.field({ a: _.project.slice([1, 2]), b: _.project.elemMatch({ at: _.gt(date) }) }).get(),
    ]
    for (const call of cases) {
      const { ours, theirs } = await replay(call)
      expect(theirs).toEqual(ours)
    }
  })

  it('D5: not() of several operators becomes or() of single not()s (the official builder sends { f: {} })', async () => {
    const { _, db, replay } = harness()
    const { ours, theirs } = await replay(() => db.collection('todos').where({ f: _.not(_.gt(1).and(_.lt(5))), g: 1 }).get())
    expect(ours.query).toEqual({ f: { $not: { $gt: 1, $lt: 5 } }, g: 1 })
    expect(theirs.query).toEqual({ $and: [{ g: 1 }, { $or: [{ f: { $not: { $gt: 1 } } }, { f: { $not: { $lt: 5 } } }] }] })
  })

  it('operators beside a top-level $or become one $and (same documents)', async () => {
    const { _, db, replay } = harness()
    const { ours, theirs } = await replay(() => db.collection('todos').where({ kind: _.nin([1, 2]), owner: _.neq('bob'), tag: _.in(['x', 'y']).or(_.exists(false)) }).get())
    expect(ours.query).toEqual({ kind: { $nin: [1, 2] }, owner: { $ne: 'bob' }, $or: [{ tag: { $in: ['x', 'y'] } }, { tag: { $exists: false } }] })
    expect(theirs.query).toEqual({ $and: [{ kind: { $nin: [1, 2] }, owner: { $ne: 'bob' } }, { $or: [{ tag: { $in: ['x', 'y'] } }, { tag: { $exists: false } }] }] })
  })

  it('an object compared whole goes through _.eq() (a host where() would flatten it, and drop {})', async () => {
    const { _, db, replay } = harness()
    const { ours, theirs } = await replay(() => db.collection('todos').where({ meta: {}, owner: _.eq({ name: 'ann', level: 2 }) }).get())
    expect(ours.query).toEqual({ meta: {}, owner: { $eq: { name: 'ann', level: 2 } } })
    expect(theirs.query).toEqual({ meta: { $eq: {} }, owner: { $eq: { name: 'ann', level: 2 } } })
  })

  it('§14 item 12: doc().field() with a projection operator is read through where() (the official document field() makes it 1)', async () => {
    const { _, db, replay } = harness()
    const { ours, theirs } = await replay(() => db.collection('todos').doc('t1').field({ tags: _.project.slice(1), title: true }).get())
    expect(ours).toMatchObject({ queryType: 'DOC', query: { _id: 't1' }, projection: { tags: { $slice: 1 }, title: 1 } })
    expect(theirs).toEqual({
      action: 'database.queryDocument',
      collectionName: 'todos',
      queryType: 'WHERE',
      query: { _id: 't1' },
      limit: 1,
      projection: { tags: { $slice: 1 }, title: 1 },
    })
  })
})

describe('writes replay as they were sent', () => {
  it('add, set, update, remove (J15–J21)', async () => {
    const { db, _, replay } = harness()
    const todos = db.collection('todos')
    const G = db.Geo
    const ring = G.LineString([G.Point(0, 0), G.Point(3, 2), G.Point(2, 3), G.Point(0, 0)])
    const cases: (() => Promise<unknown>)[] = [
      () =>
        todos.add({
          data: {
            title: 'hello',
            when: date,
            created: db.serverDate(),
            later: db.serverDate({ offset: 60000 }),
            point: G.Point(113.3, 23.1),
            line: G.LineString([G.Point(0, 0), G.Point(1, 1)]),
            poly: G.Polygon([ring]),
            mpoint: G.MultiPoint([G.Point(0, 0), G.Point(1, 1)]),
            mline: G.MultiLineString([G.LineString([G.Point(0, 0), G.Point(1, 1)])]),
            mpoly: G.MultiPolygon([G.Polygon([ring])]),
            re: db.RegExp({ regexp: 'ab+c', options: 'i' }),
            nested: { a: { b: [1, { c: 2, at: date }] } },
            nul: null,
          },
        }),
      () => todos.add({ data: [{ n: 1 }, { n: 2, at: date }] }),
      () => todos.doc('doc-1').set({ data: { title: 'replaced', meta: { v: 2 }, when: date } }),
      () =>
        todos.doc('doc-1').update({
          data: {
            title: 'new',
            obj: _.set({ replaced: true, at: date }),
            deep: { path: 5 },
            when: date,
            ts: db.serverDate(),
            low: _.min(0),
            high: _.max(100),
            old: _.rename('renamed'),
            gone: _.remove(),
            stats: { views: _.inc(1), likes: _.mul(2) },
            bits: _.bit({ and: 5 }),
          },
        }),
      () => todos.doc('doc-1').remove(),
      () => todos.where({ done: true }).remove(),
      () => todos.where({ done: false }).update({ data: { flagged: true, list: [date, 1] } }),
    ]
    for (const call of cases) {
      const { ours, theirs } = await replay(call)
      expect(theirs).toEqual(ours)
    }
  })

  it('§14 item 2: Dates and server dates in _.set / _.min / _.max / _.push({ each }) keep their type', async () => {
    const { db, _, replay } = harness()
    const { ours, theirs } = await replay(() =>
      db.collection('todos').doc('doc-1').update({
        data: {
          when: _.set(date),
          srv: _.set(db.serverDate()),
          first: _.min(date),
          last: _.max(date),
          hist: _.push({ each: [date], position: 1, slice: 5 }),
          sorted: _.push({ each: [{ at: date }], sort: { at: -1 } }),
        },
      }),
    )
    expect(ours.data).toEqual({
      $set: { when: { $date: 1700000000000 }, srv: { $date: { offset: 0 } } },
      $min: { first: { $date: 1700000000000 } },
      $max: { last: { $date: 1700000000000 } },
      $push: {
        hist: { $each: [{ $date: 1700000000000 }], $position: 1, $slice: 5 },
        sorted: { $each: [{ at: { $date: 1700000000000 } }], $sort: { at: -1 } },
      },
    })
    expect(theirs).toEqual(ours)
  })

  it('array operators, §14 item 4 (addToSet each) and D1–D4, D9 (pull, push of arrays)', async () => {
    const { db, _, replay } = harness()
    const { ours, theirs } = await replay(() =>
      db.collection('todos').where({ done: false }).update({
        data: {
          a: _.push(1, 2),
          b: _.push({ each: [3, 4], position: 0, sort: -1, slice: 10 }),
          e: _.unshift('u1', 'u2'),
          // D9: an array, then a value (untyped: the typings take one form at a time).
          nested: (_.push as (...values: unknown[]) => ReturnType<typeof _.push>)([1], 2),
          c: _.pop(),
          d: _.shift(),
          f: _.pull(_.gt(5)),
          f2: _.pull(_.neq(3)),
          f3: _.pull({ at: _.gt(date), n: _.all([1, 2]) }),
          g: _.pullAll([1, date]),
          h: _.addToSet('t'),
          i: _.addToSet({ each: ['t1', 't2'] }),
          j: _.addToSet(date),
        },
      }),
    )
    expect((ours.data as Record<string, unknown>).$addToSet).toEqual({ h: 't', i: { $each: ['t1', 't2'] }, j: { $date: 1700000000000 } })
    expect(theirs).toEqual(ours)
  })

  it('D6: where({ loc: Point }).remove() sends the Point through _.eq() (the official remove() flattens GeoJSON)', async () => {
    const { db, replay } = harness()
    const { ours, theirs } = await replay(() => db.collection('places').where({ loc: db.Geo.Point(113.3, 23.1), kind: 'shop' }).remove())
    expect(ours.query).toEqual({ loc: { type: 'Point', coordinates: [113.3, 23.1] }, kind: 'shop' })
    expect(theirs.query).toEqual({ loc: { $eq: { type: 'Point', coordinates: [113.3, 23.1] } }, kind: 'shop' })
  })
})

describe('aggregation replays stage by stage', () => {
  it('J22, J23: match through commands, geoNear with a host Point, the other stages as sent', async () => {
    const { db, _, replay } = harness()
    const $ = _.aggregate
    const agg = () => db.collection('todos').aggregate()
    const cases: (() => Promise<unknown>)[] = [
      () =>
        agg()
          .match({ n: _.gt(1), created: _.gte(date), tags: _.elemMatch(_.eq('x')) })
          .group({ _id: '$cat', total: $.sum('$n'), avg: $.avg('$n') })
          .sort({ total: -1 })
          .skip(1)
          .limit(5)
          .project({ _id: 0, cat: '$_id', total: 1, at: $.literal(date) })
          .lookup({ from: 'cats', localField: 'cat', foreignField: '_id', as: 'catInfo' })
          .unwind('$catInfo')
          .addFields({ flag: $.cond({ if: $.gte(['$total', 10]), then: 'big', else: 'small' }), at: date })
          .end(),
      () => agg().geoNear({ distanceField: 'dist', spherical: true, near: db.Geo.Point(113.3, 23.1), query: { type: 'shop', at: _.lt(date) }, maxDistance: 500 }).end(),
      () => agg().count('n').end(),
      () => agg().sample({ size: 2 }).sortByCount('$cat').replaceRoot({ newRoot: '$doc' }).bucket({ groupBy: '$n', boundaries: [0, 10] }).end(),
    ]
    for (const call of cases) {
      const { ours, theirs } = await replay(call)
      expect(parsedStages(theirs)).toEqual(parsedStages(ours))
    }
  })
})

describe('keys are data', () => {
  it('a field named __proto__ reaches the host builder as a field, not as a prototype', async () => {
    const { db, _, replay } = harness()
    const value = JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') as Record<string, unknown>
    const { ours, theirs } = await replay(() => db.collection('todos').doc('d').update({ data: { meta: _.set(value) } }))
    expect(JSON.stringify(ours.data)).toContain('__proto__')
    expect(theirs).toEqual(ours)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
