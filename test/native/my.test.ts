/**
 * The native transport on Alipay's model: the same seed code over `createNativeTransport(open,
 * myDifferences)`, whose host is the official builder (js-sdk 3.7.0, classic mode, on the emulator)
 * dressed as Alipay's documented client (test/native/hosts.ts: `projection()`, `get()` → array,
 * `{ count }`, one document per add, four aggregation stages, `{ error, errorMessage }`, and none of
 * doc `get()`/`set()`, `watch()`, `Geo`, `RegExp`, `serverDate`). What Alipay can do gives what the
 * fixture implies and what a direct query gives; what it cannot fails clearly, naming what and where.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createNativeTransport } from '../../src/native/index'
import { myDifferences } from '../../adapters/shared/my-native'
import { todos } from '../fixtures/todos'
import { asMy } from './hosts'
import { geoReads, ids, nativeWorld, seed, todoReads, type NativeWorld } from './scenario'

let w: NativeWorld

beforeAll(async () => {
  w = await nativeWorld('native-my', asMy, myDifferences)
})
beforeEach(async () => {
  await seed(w.official)
})
afterAll(async () => {
  await w.emulator.stop()
})

const unsupported = (errMsg: string | RegExp) =>
  expect.objectContaining({ code: 'SDK_ERROR', errCode: -1, errMsg: typeof errMsg === 'string' ? errMsg : expect.stringMatching(errMsg) })

describe('reads give what the fixture implies, and what a direct query gives', () => {
  // db.RegExp is sent as a JavaScript RegExp; doc().get() is read through where({ _id }).
  for (const read of todoReads()) {
    it(read.name, async () => {
      const native = await read.run(w.db)
      expect(native).toEqual(read.expected)
      expect(native).toEqual(await read.run(w.direct))
    })
  }

  it('geo: a centerSphere (an operator document) works; values that need db.Geo fail naming it', async () => {
    const [near, polygon, circle, line, point] = geoReads()
    expect(await circle!.run(w.db)).toEqual(circle!.expected)
    for (const read of [near!, polygon!, line!, point!]) {
      await expect(read.run(w.db)).rejects.toEqual(unsupported(/^collection\.get:fail Alipay \(my\.cloud\) has no db\.Geo\.(Point|LineString|Polygon), so this value cannot be sent through it$/))
    }
  })
})

describe('writes', () => {
  it('add one document; update and remove resolve { count }, read as wx stats', async () => {
    const when = new Date(Date.UTC(2024, 5, 1))
    const { _id } = await w.db.collection('todos').add({ data: { title: 'new', when, nested: { at: when } } })
    expect((await w.db.collection('todos').doc(_id).get()).data).toEqual({ _id, _openid: w.openid, title: 'new', when, nested: { at: when } })

    const _ = w.db.command
    expect(await w.db.collection('todos').doc('t2').update({ data: { done: true, owner: { level: _.inc(2) }, tags: _.push(['shipped']) } })).toEqual({
      stats: { updated: 1 },
      errMsg: 'document.update:ok',
    })
    const t2 = todos[1]!
    expect((await w.direct.collection('todos').doc('t2').get()).data).toMatchObject({ done: true, owner: { level: t2.owner.level + 2 }, tags: [...t2.tags, 'shipped'] })
    expect(await w.db.collection('todos').doc(_id).remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' })
  })

  it('batch update and batch remove', async () => {
    const _ = w.db.command
    const open = todos.filter((x) => !x.done)
    expect((await w.db.collection('todos').where({ done: false }).update({ data: { priority: _.mul(10) } })).stats.updated).toBe(open.length)
    const { data } = await w.db.collection('todos').where({ done: false }).orderBy('_id', 'asc').get()
    expect(data.map((d) => d.priority)).toEqual(open.map((x) => x.priority * 10))
    expect((await w.db.collection('todos').where({ done: true }).remove()).stats.removed).toBe(todos.length - open.length)
    expect((await w.db.collection('todos').count()).total).toBe(open.length)
  })

  it('what Alipay does not document fails before anything is sent, naming it', async () => {
    const db = w.db
    await expect(db.collection('todos').add({ data: [{ n: 1 }, { n: 2 }] })).rejects.toEqual(
      unsupported('collection.add:fail Alipay (my.cloud) adds one document per add() call: add the documents one at a time'),
    )
    await expect(db.collection('todos').doc('t1').set({ data: { title: 'x' } })).rejects.toEqual(unsupported('document.set:fail Alipay (my.cloud) has no doc().set()'))
    await expect(db.collection('todos').add({ data: { at: db.serverDate() } })).rejects.toEqual(
      unsupported('collection.add:fail Alipay (my.cloud) has no db.serverDate(), so a server date cannot be sent through it'),
    )
    expect(() => db.collection('todos').watch({ onChange: () => undefined, onError: () => undefined })).toThrow(
      expect.objectContaining({ code: 'SDK_ERROR', errMsg: 'collection.watch:fail Alipay (my.cloud) has no realtime watch() on its database' }),
    )
    expect((await w.direct.collection('todos').count()).total).toBe(todos.length)
  })
})

describe('aggregation: match, group, sample and lookup only', () => {
  it('match and group', async () => {
    const _ = w.db.command
    const $ = _.aggregate
    const { list } = await w.db
      .collection('todos')
      .aggregate()
      .match({ priority: _.gte(2), createdAt: _.gte(todos[0]!.createdAt) })
      .group({ _id: '$owner.name', total: $.sum('$priority') })
      .end()
    const totals = new Map<string, number>()
    for (const x of todos.filter((t) => t.priority >= 2)) totals.set(x.owner.name, (totals.get(x.owner.name) || 0) + x.priority)
    const byId = (a: { _id: unknown }, b: { _id: unknown }) => String(a._id).localeCompare(String(b._id))
    expect([...list].sort(byId)).toEqual([...totals].map(([_id, total]) => ({ _id, total })).sort(byId))
  })

  it('sample and lookup', async () => {
    const { list: sample } = await w.db.collection('todos').aggregate().sample({ size: 2 }).end()
    expect(sample.length).toBe(2)
    for (const doc of sample) expect(ids(todos)).toContain(doc._id)
    const { list } = await w.db.collection('todos').aggregate().match({ _id: 't1' }).lookup({ from: 'cats', localField: 'owner.name', foreignField: '_id', as: 'cat' }).end()
    expect(list).toMatchObject([{ _id: 't1', cat: [{ _id: 'ann', label: 'A' }] }])
  })

  it('another stage fails naming the stage and the host', async () => {
    await expect(w.db.collection('todos').aggregate().match({ done: true }).sort({ _id: 1 }).end()).rejects.toEqual(
      unsupported('collection.aggregate:fail the aggregation stage $sort is not supported by Alipay (my.cloud), which runs only $match, $group, $sample, $lookup'),
    )
  })
})

describe('failures', () => {
  it('{ error: 60005, errorMessage } is the closest CloudBase code, with the message kept', async () => {
    await expect(w.db.collection('nocoll').get()).rejects.toMatchObject({
      code: 'DATABASE_REQUEST_FAILED',
      errCode: -502001,
      errMsg: 'collection.get:fail -502001 database request fail. collection nocoll not exists',
    })
  })

  it('a missing document fails with errCode -1, as over HTTP', async () => {
    const expected = { errCode: -1, errMsg: 'document.get:fail document with _id nope does not exist' }
    await expect(w.db.collection('todos').doc('nope').get()).rejects.toMatchObject(expected)
    await expect(w.direct.collection('todos').doc('nope').get()).rejects.toMatchObject(expected)
  })

  it('transactions are not carried', async () => {
    const transport = createNativeTransport(() => asMy(w.official), myDifferences)
    expect(await transport.send({ action: 'database.startTransaction' })).toMatchObject({ code: 'SDK_ERROR', message: expect.stringContaining('Alipay (my.cloud)') })
  })
})
