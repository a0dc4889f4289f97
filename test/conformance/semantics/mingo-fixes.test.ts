/**
 * The answers mingo 7.2.7 gets wrong (docs/mingo-deviations.md), each with the answer MongoDB documents,
 * through both clients where both can send the request. Every case here failed before the emulator's own
 * operators replaced mingo's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docsOf, startSemantics, type Client, type Semantics } from './harness'

let t: Semantics

beforeAll(async () => {
  t = await startSemantics(['bucket', 'arrays', 'sorted', 'series', 'shops', 'people', 'target'])
  await t.seed('bucket', [{ _id: 'a', v: 1 }, { _id: 'b', v: 2 }, { _id: 'c', v: 3 }])
  await t.seed('arrays', [{ _id: 'nested', x: [[]] }, { _id: 'empty', x: [] }, { _id: 'one', x: [7] }])
  await t.seed('sorted', [
    { _id: 'pair15', a: [1, 5] },
    { _id: 'three', a: 3 },
    { _id: 'pair04', a: [0, 4] },
    { _id: 'empty', a: [] },
    { _id: 'missing' },
  ])
  await t.seed('series', [
    { _id: 's1', day: 1, shop: 'x', v: 10 },
    { _id: 's2', day: 2, shop: 'x' },
    { _id: 's3', day: 3, shop: 'x', v: 40 },
    { _id: 's4', day: 1, shop: 'y', v: 5 },
    { _id: 's5', day: 2, shop: 'y', v: 5 },
    { _id: 's6', day: 3, shop: 'y', v: 7 },
  ])
  await t.seed('shops', [
    { _id: 'in', kind: 'shop', loc: { type: 'Point', coordinates: [121.47, 31.23] } },
    { _id: 'out', kind: 'shop', loc: { type: 'Point', coordinates: [116.4, 39.9] } },
    { _id: 'kiosk', kind: 'kiosk', loc: { type: 'Point', coordinates: [116.4, 39.9] } },
  ])
  await t.seed('people', [{ _id: 'ann', age: 30 }, { _id: 'bob', age: '30' }, { _id: 'cy' }])
})
afterAll(async () => {
  await t.stop()
})

const ids = (docs: Record<string, unknown>[]) => docs.map((doc) => doc._id)
const each = (run: (client: Client) => Promise<void>) => async () => {
  for (const client of t.clients) await run(client)
}

describe('$bucket: a value equal to a boundary opens its bucket (boundaries are [lower, upper))', () => {
  it(
    'v = 1, 2, 3 with boundaries [1, 2, 4]: bucket 1 has one, bucket 2 has two',
    each(async (client) => {
      const docs = docsOf(await client.aggregate('bucket', [{ $bucket: { groupBy: '$v', boundaries: [1, 2, 4] } }]))
      expect(docs, client.name).toEqual([
        { _id: 1, count: 1 },
        { _id: 2, count: 2 },
      ])
    }),
  )
})

describe('$first / $last (expressions)', () => {
  it(
    'of [[]] are [] (the element), of [] nothing, and an empty array does not fail the pipeline',
    each(async (client) => {
      const docs = docsOf(await client.aggregate('arrays', [{ $sort: { _id: 1 } }, { $project: { f: { $first: '$x' }, l: { $last: '$x' } } }]))
      expect(docs, client.name).toStrictEqual([
        { _id: 'empty' },
        { _id: 'nested', f: [], l: [] },
        { _id: 'one', f: 7, l: 7 },
      ])
    }),
  )
})

describe('sorting over arrays: ascending by the smallest element, descending by the largest', () => {
  // MongoDB: [] sorts before null and missing; [1,5] sorts as 1 ascending and as 5 descending.
  const ascending = ['empty', 'missing', 'pair04', 'pair15', 'three']
  const descending = ['pair15', 'pair04', 'three', 'missing', 'empty']
  it(
    'orderBy(field, "desc") and "asc" in a query',
    each(async (client) => {
      expect(ids(docsOf(await client.find('sorted', {}, [['a', 'desc']]))), client.name).toEqual(descending)
      expect(ids(docsOf(await client.find('sorted', {}, [['a', 'asc']]))), client.name).toEqual(ascending)
    }),
  )
  it(
    'the $sort stage',
    each(async (client) => {
      expect(ids(docsOf(await client.aggregate('sorted', [{ $sort: { a: -1 } }]))), client.name).toEqual(descending)
      expect(ids(docsOf(await client.aggregate('sorted', [{ $sort: { a: 1 } }]))), client.name).toEqual(ascending)
    }),
  )
})

describe('a missing value is left out of the answer, not turned into null', () => {
  it(
    '$$REMOVE, $arrayElemAt past the end, $first of []: no field; a missing array element is null',
    each(async (client) => {
      const docs = docsOf(
        await client.aggregate('arrays', [
          { $match: { _id: 'one' } },
          { $project: { _id: 0, removed: '$$REMOVE', past: { $arrayElemAt: ['$x', 5] }, none: { $first: { $literal: [] } }, list: ['$nothing', 1] } },
        ]),
      )
      expect(docs, client.name).toStrictEqual([{ list: [null, 1] }])
    }),
  )
})

describe('$setWindowFields and $fill (mingo builds them on $function, which the emulator refuses)', () => {
  it('a running sum and a rank per partition', async () => {
    const docs = docsOf(
      await t.server.aggregate('series', [
        { $match: { shop: 'y' } },
        {
          $setWindowFields: {
            partitionBy: '$shop',
            sortBy: { day: 1 },
            output: { running: { $sum: '$v', window: { documents: ['unbounded', 'current'] } }, rank: { $rank: {} } },
          },
        },
        { $project: { _id: 1, running: 1, rank: 1 } },
      ]),
    )
    expect(docs).toEqual([
      { _id: 's4', running: 5, rank: 1 },
      { _id: 's5', running: 10, rank: 2 },
      { _id: 's6', running: 17, rank: 3 },
    ])
  })
  it('$fill: locf and linear by partition', async () => {
    const fill = async (method: string) =>
      docsOf(await t.server.aggregate('series', [{ $fill: { sortBy: { day: 1 }, partitionBy: '$shop', output: { v: { method } } } }, { $match: { _id: 's2' } }]))
    expect(await fill('locf')).toEqual([{ _id: 's2', day: 2, shop: 'x', v: 10 }])
    expect(await fill('linear')).toEqual([{ _id: 's2', day: 2, shop: 'x', v: 25 }])
  })
})

describe('$out and $merge are refused (CloudBase does not serve them)', () => {
  it('with INVALID_PARAM naming the stage, and nothing is written', async () => {
    for (const stage of [{ $out: 'target' }, { $merge: { into: 'target' } }]) {
      const outcome = await t.server.aggregate('bucket', [stage])
      expect(outcome).toMatchObject({ error: { code: 'INVALID_PARAM', message: expect.stringContaining(Object.keys(stage)[0]!) } })
    }
    expect(docsOf(await t.server.find('target', {}))).toEqual([])
  })
})

describe('geo conditions at any depth', () => {
  const shanghai = { $geometry: { type: 'Polygon', coordinates: [[[121, 31], [122, 31], [122, 32], [121, 32], [121, 31]]] } }
  it(
    '$geoWithin inside $or and $and',
    each(async (client) => {
      const either = await client.find('shops', { $or: [{ loc: { $geoWithin: shanghai } }, { kind: 'kiosk' }] }, [['_id', 'asc']])
      expect(ids(docsOf(either)), client.name).toEqual(['in', 'kiosk'])
      const both = await client.find('shops', { $and: [{ kind: 'shop' }, { loc: { $geoWithin: shanghai } }] })
      expect(ids(docsOf(both)), client.name).toEqual(['in'])
    }),
  )
  it(
    '$nearSphere inside $or, as a distance filter',
    each(async (client) => {
      const near = { $nearSphere: { $geometry: { type: 'Point', coordinates: [121.47, 31.23] }, $maxDistance: 1000 } }
      const found = await client.find('shops', { $or: [{ loc: near }, { kind: 'kiosk' }] }, [['_id', 'asc']])
      expect(ids(docsOf(found)), client.name).toEqual(['in', 'kiosk'])
    }),
  )
})

describe('$jsonSchema in a query', () => {
  it(
    'matches the documents that satisfy the schema',
    each(async (client) => {
      const found = await client.find('people', { $jsonSchema: { required: ['age'], properties: { age: { bsonType: 'number', minimum: 18 } } } })
      expect(ids(docsOf(found)), client.name).toEqual(['ann'])
    }),
  )
})
