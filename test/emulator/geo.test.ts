/**
 * Geo through the SDK and the emulator: `_.geoNear` (nearest first, distance bounds), `_.geoWithin`
 * (polygon, and `centerSphere`, which the official client cannot send), `_.geoIntersects`, and the
 * `$geoNear` stage; plus `$lookup` in MongoDB 5's concise form, which mingo alone gets wrong. Expected
 * values use a haversine written here, not the emulator's geometry library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorWithDb, type TestCloud } from '../helpers/emulator'

let t: TestCloud

/** Shops around People's Square, Shanghai: [name, longitude, latitude]. */
const SHOPS: [string, number, number][] = [
  ['square', 121.4737, 31.2304],
  ['museum', 121.4752, 31.2284],
  ['bund', 121.4903, 31.2400],
  ['jingan', 121.4454, 31.2233],
  ['pudong', 121.5447, 31.2213],
  ['hongqiao', 121.3271, 31.1941],
]
const HOME: [number, number] = [121.4737, 31.2304]
const EARTH = 6371008.8

function haversine([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const rad = Math.PI / 180
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2
  return 2 * Math.asin(Math.sqrt(a))
}

beforeAll(async () => {
  t = await emulatorWithDb({ collections: ['shops', 'orders', 'customers'] })
  const { Point } = t.db.Geo
  await t.db.collection('shops').add({ data: SHOPS.map(([name, lng, lat]) => ({ _id: name, name, loc: Point(lng, lat) })) })
})
afterAll(async () => {
  await t.emulator.stop()
})

const names = (docs: { _id: string | number }[]) => docs.map((d) => d._id)
const distanceTo = (name: string) => {
  const [, lng, lat] = SHOPS.find(([n]) => n === name)!
  return haversine(HOME, [lng, lat]) * EARTH
}

describe('geo queries', () => {
  it('geoNear: within bounds, nearest first', async () => {
    const _ = t.db.command
    const { data } = await t.db
      .collection('shops')
      .where({ loc: _.geoNear({ geometry: t.db.Geo.Point(...HOME), minDistance: 1, maxDistance: 5000 }) })
      .get()
    const expected = SHOPS.map(([name]) => name)
      .filter((name) => distanceTo(name) >= 1 && distanceTo(name) <= 5000)
      .sort((a, b) => distanceTo(a) - distanceTo(b))
    expect(names(data)).toEqual(expected)
    expect(data[0]!.loc).toEqual(t.db.Geo.Point(121.4752, 31.2284))
  })

  it('geoWithin a polygon, and within a centerSphere (radians)', async () => {
    const _ = t.db.command
    const { LineString, Point, Polygon } = t.db.Geo
    const box = Polygon([LineString([Point(121.44, 31.21), Point(121.50, 31.21), Point(121.50, 31.25), Point(121.44, 31.25), Point(121.44, 31.21)])])
    const inBox = await t.db.collection('shops').where({ loc: _.geoWithin({ geometry: box }) }).orderBy('_id', 'asc').get()
    const expectedBox = SHOPS.filter(([, lng, lat]) => lng > 121.44 && lng < 121.5 && lat > 31.21 && lat < 31.25).map(([n]) => n).sort()
    expect(names(inBox.data)).toEqual(expectedBox)

    const radius = 3000 / EARTH
    const inCircle = await t.db.collection('shops').where({ loc: _.geoWithin({ centerSphere: [HOME, radius] }) }).orderBy('_id', 'asc').get()
    expect(names(inCircle.data)).toEqual(SHOPS.filter(([, lng, lat]) => haversine(HOME, [lng, lat]) <= radius).map(([n]) => n).sort())
  })

  it('geoIntersects a line through two shops', async () => {
    const _ = t.db.command
    const { LineString, Point } = t.db.Geo
    const line = LineString([Point(121.4737, 31.2304), Point(121.4903, 31.24)])
    const { data } = await t.db.collection('shops').where({ loc: _.geoIntersects({ geometry: line }) }).orderBy('_id', 'asc').get()
    expect(names(data)).toEqual(['bund', 'square'])
  })

  it('the $geoNear stage adds the distance and orders by it', async () => {
    const { list } = await t.db
      .collection('shops')
      .aggregate()
      .geoNear({ near: t.db.Geo.Point(...HOME), distanceField: 'metres', spherical: true, maxDistance: 10_000, query: { name: t.db.command.neq('square') } })
      .project({ _id: 1, metres: 1 })
      .end()
    const expected = SHOPS.map(([name]) => name)
      .filter((name) => name !== 'square' && distanceTo(name) <= 10_000)
      .sort((a, b) => distanceTo(a) - distanceTo(b))
    expect(list.map((d) => d._id)).toEqual(expected)
    for (const d of list) expect(d.metres as number).toBeCloseTo(distanceTo(d._id as string), -1)
  })
})

describe('$lookup', () => {
  it('concise form (localField/foreignField plus pipeline) joins only the matching documents', async () => {
    await t.db.collection('customers').add({ data: [{ _id: 'c1', name: 'Ann', vip: true }, { _id: 'c2', name: 'Bob', vip: false }, { _id: 'c3', name: 'Cid', vip: true }] })
    await t.db.collection('orders').add({ data: [{ _id: 'o1', customer: 'c1' }, { _id: 'o2', customer: 'c2' }, { _id: 'o3', customer: ['c2', 'c3'] }] })
    const { list } = await t.db
      .collection('orders')
      .aggregate()
      .lookup({ from: 'customers', localField: 'customer', foreignField: '_id', pipeline: [{ $project: { _id: 1, vip: 1 } }], as: 'who' })
      .sort({ _id: 1 })
      .end()
    expect(list.map((o) => [o._id, (o.who as { _id: string }[]).map((c) => c._id).sort()])).toEqual([
      ['o1', ['c1']],
      ['o2', ['c2']],
      ['o3', ['c2', 'c3']],
    ])
  })
})
