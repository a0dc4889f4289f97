/**
 * The seed's database code as the native-transport tests run it: reads with their expected results,
 * computed from the fixture with plain JavaScript, and the official js-sdk app they run on.
 */
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { Aggregate, createCloud, createCommand, type Database, type Platform } from '../../src/index'
import { createNativeTransport, createNativeWatch, type HostDatabase, type HostDifferences } from '../../src/native/index'
import { todos, type Todo } from '../fixtures/todos'
import { sharedCollections, signedIn } from '../helpers/emulator'
import { emulatorAdapter, loadJsSdk } from '../helpers/js-sdk-adapter'

/** Shops around People's Square, Shanghai: [name, longitude, latitude] (as in test/emulator/geo.test.ts). */
export const SHOPS: [string, number, number][] = [
  ['square', 121.4737, 31.2304],
  ['museum', 121.4752, 31.2284],
  ['bund', 121.4903, 31.24],
  ['jingan', 121.4454, 31.2233],
  ['pudong', 121.5447, 31.2213],
  ['hongqiao', 121.3271, 31.1941],
]
export const HOME: [number, number] = [121.4737, 31.2304]
const EARTH = 6371008.8

/** Metres between two [lng, lat] points on a sphere. */
export function metres([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const rad = Math.PI / 180
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2
  return 2 * Math.asin(Math.sqrt(a)) * EARTH
}
export const toShop = (name: string) => metres(HOME, SHOPS.find(([n]) => n === name)!.slice(1) as [number, number])

export interface NativeWorld {
  emulator: RunningEmulator
  /** The official js-sdk database (CLOUD_API mode), signed in anonymously: the host's builder. */
  official: any
  /** The anonymous user's openid (the `_openid` of what it writes). */
  openid: string
  /** mpcloud over the native transport on the official builder, dressed as the host. */
  db: Database
  /** The same code over mpcloud's HTTP transport: the direct query results are compared with. */
  direct: Database
}

/** An emulator, the official client signed in to it, and mpcloud over it through `dress` and `host`. */
export async function nativeWorld(env: string, dress: (db: any) => HostDatabase, host: HostDifferences): Promise<NativeWorld> {
  // The host's client seeds what a second user (the direct queries) reads: the collections are shared.
  const emulator = await startEmulator({ port: 0, env, collections: ['todos', 'shops', 'cats'], rules: sharedCollections('todos', 'shops', 'cats') })
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapter(emulator.url))
  const app = cloudbase.init({ env: emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  const login = await app.auth({ persistence: 'local' }).signInAnonymously()
  const open = () => dress(app.database())
  // A host whose own cloud is the official builder: cloud.init({ env }) without an endpoint uses it.
  const platform: Platform = {
    request: () => Promise.reject(new Error('this host speaks through its own cloud only')),
    native: (e) => ({ transport: createNativeTransport(open, host), watch: createNativeWatch(open, host, e) }),
  }
  const cloud = createCloud({ platform, commands: createCommand, aggregate: Aggregate })
  cloud.init({ env: emulator.env })
  return { emulator, official: app.database(), openid: login.user.uid, db: cloud.database(), direct: signedIn(emulator, 'o-direct') }
}

/** Empties the collections and adds the fixture through the official client. */
export async function seed(official: any): Promise<void> {
  const _ = official.command
  for (const name of ['todos', 'shops', 'cats']) await official.collection(name).where({ _id: _.exists(true) }).remove()
  const added = await official.collection('todos').add(todos)
  if (added.code) throw new Error(`seeding failed: ${added.message}`)
  const { Point } = official.Geo
  await official.collection('shops').add(SHOPS.map(([name, lng, lat]) => ({ _id: name, name, loc: new Point(lng, lat) })))
  await official.collection('cats').add([{ _id: 'ann', label: 'A' }, { _id: 'bob', label: 'B' }])
}

export const ids = (docs: { _id: string | number }[]) => docs.map((d) => d._id)
const byId = (keep: (x: Todo) => boolean) => ids(todos.filter(keep).sort((a, b) => a._id.localeCompare(b._id)))

/** One read: what it returns on a database, and what the fixture says it must return. */
export interface Read {
  name: string
  run(db: Database): Promise<unknown>
  expected: unknown
}

/** Reads of todos: commands, nesting, dates, regexps, logic, windows, projections, count. */
export function todoReads(): Read[] {
  const q = (query: (db: Database) => object) => (db: Database) =>
    db
      .collection('todos')
      .where(query(db))
      .orderBy('_id', 'asc')
      .get()
      .then((r) => ids(r.data))
  const cut = todos[2]!.createdAt
  return [
    {
      name: 'where with commands, two orderBy, limit; dates are Dates',
      run: (db) =>
        db
          .collection('todos')
          .where({ done: false, priority: db.command.gte(2) })
          .orderBy('priority', 'desc')
          .orderBy('createdAt', 'asc')
          .limit(2)
          .get()
          .then((r) => r.data.map((d) => [d._id, d.createdAt instanceof Date && d.createdAt.getTime()])),
      expected: todos
        .filter((x) => !x.done && x.priority >= 2)
        .sort((a, b) => b.priority - a.priority || +a.createdAt - +b.createdAt)
        .slice(0, 2)
        .map((x) => [x._id, x.createdAt.getTime()]),
    },
    { name: 'a nested object flattens to paths', run: q(() => ({ owner: { name: 'ann' } })), expected: byId((x) => x.owner.name === 'ann') },
    { name: 'an array field equals an element', run: q(() => ({ tags: 'sdk' })), expected: byId((x) => x.tags.includes('sdk')) },
    { name: 'an array field equals a whole array', run: q(() => ({ tags: ['sdk', 'core'] })), expected: byId((x) => x.tags.join() === 'sdk,core') },
    { name: 'size', run: q((db) => ({ tags: db.command.size(0) })), expected: byId((x) => x.tags.length === 0) },
    { name: 'in and neq chained on a path', run: q((db) => ({ 'owner.level': db.command.in([1, 3]).and(db.command.neq(3)) })), expected: byId((x) => x.owner.level === 1) },
    { name: 'or with a RegExp', run: q((db) => db.command.or([{ priority: 1 }, { title: /^write/i }])), expected: byId((x) => x.priority === 1 || /^write/i.test(x.title)) },
    { name: 'a Date compared', run: q((db) => ({ createdAt: db.command.gt(cut) })), expected: byId((x) => x.createdAt > cut) },
    {
      name: 'Dates in in()',
      run: q((db) => ({ createdAt: db.command.in([todos[0]!.createdAt, todos[3]!.createdAt]) })),
      expected: ['t1', 't4'],
    },
    { name: 'db.RegExp', run: q((db) => ({ title: db.RegExp({ regexp: 'the', options: 'i' }) })), expected: byId((x) => /the/i.test(x.title)) },
    { name: 'nor', run: q((db) => db.command.nor([{ done: true }, { priority: db.command.lt(2) }])), expected: byId((x) => !x.done && x.priority >= 2) },
    {
      name: 'not of a chain (official bug D5)',
      run: q((db) => ({ priority: db.command.not(db.command.gt(1).and(db.command.lt(3))) })),
      expected: byId((x) => !(x.priority > 1 && x.priority < 3)),
    },
    { name: 'not of a RegExp', run: q((db) => ({ title: db.command.not(/e$/) })), expected: byId((x) => !/e$/.test(x.title)) },
    { name: 'mod and exists', run: q((db) => ({ priority: db.command.mod(2, 1), tags: db.command.exists(true) })), expected: byId((x) => x.priority % 2 === 1) },
    { name: 'all', run: q((db) => ({ tags: db.command.all(['sdk', 'core']) })), expected: byId((x) => ['sdk', 'core'].every((t) => x.tags.includes(t))) },
    {
      name: 'elemMatch with in, and with neq (official bug D1)',
      run: (db) =>
        Promise.all([
          q(() => ({ tags: db.command.elemMatch(db.command.in(['bench', 'realtime'])) }))(db),
          q(() => ({ tags: db.command.elemMatch(db.command.neq('sdk')) }))(db),
        ]),
      expected: [byId((x) => x.tags.some((t) => t === 'bench' || t === 'realtime')), byId((x) => x.tags.some((t) => t !== 'sdk'))],
    },
    { name: 'an object compared whole', run: q((db) => ({ owner: db.command.eq({ name: 'ann', level: 2 }) })), expected: byId((x) => x.owner.name === 'ann' && x.owner.level === 2) },
    {
      name: 'expr compares two fields',
      run: q((db) => db.command.expr(db.command.aggregate.gt(['$priority', '$owner.level']))),
      expected: byId((x) => x.priority > x.owner.level),
    },
    {
      name: 'orderBy, skip, limit, field',
      run: (db) => db.collection('todos').orderBy('_id', 'asc').skip(1).limit(3).field({ title: true }).get().then((r) => r.data),
      expected: todos.slice(1, 4).map((x) => ({ _id: x._id, title: x.title })),
    },
    {
      name: 'a projection operator',
      run: (db) => db.collection('todos').orderBy('_id', 'asc').field({ tags: db.command.project.slice(1) }).get().then((r) => r.data.map((d) => d.tags)),
      expected: todos.map((x) => x.tags.slice(0, 1)),
    },
    { name: 'count', run: (db) => db.collection('todos').where({ done: true }).count().then((r) => r.total), expected: todos.filter((x) => x.done).length },
    {
      name: 'doc().field().get()',
      run: (db) => db.collection('todos').doc('t3').field({ title: true }).get().then((r) => r.data),
      expected: { _id: 't3', title: todos[2]!.title },
    },
    {
      name: 'doc().field() with a projection operator (official bug §14 item 12: read through where())',
      run: (db) => db.collection('todos').doc('t1').field({ tags: db.command.project.slice(1) }).get().then((r) => r.data),
      expected: { _id: 't1', tags: todos[0]!.tags.slice(0, 1) },
    },
    {
      name: 'doc().get() revives dates',
      run: (db) => db.collection('todos').doc('t2').get().then((r) => (r.data.createdAt as Date).getTime()),
      expected: todos[1]!.createdAt.getTime(),
    },
  ]
}

/** Geo reads of shops. */
export function geoReads(): Read[] {
  const names = SHOPS.map(([n]) => n)
  const inBox = ([, lng, lat]: [string, number, number]) => lng > 121.44 && lng < 121.5 && lat > 31.21 && lat < 31.25
  const q = (query: (db: Database) => object, ordered = true) => (db: Database) => {
    const c = db.collection('shops').where(query(db))
    return (ordered ? c.orderBy('_id', 'asc') : c).get().then((r) => ids(r.data))
  }
  const box = (db: Database) => {
    const { LineString, Point, Polygon } = db.Geo
    return Polygon([LineString([Point(121.44, 31.21), Point(121.5, 31.21), Point(121.5, 31.25), Point(121.44, 31.25), Point(121.44, 31.21)])])
  }
  return [
    {
      name: 'geoNear: within bounds, nearest first',
      run: q((db) => ({ loc: db.command.geoNear({ geometry: db.Geo.Point(...HOME), minDistance: 1, maxDistance: 5000 }) }), false),
      expected: names.filter((n) => toShop(n) >= 1 && toShop(n) <= 5000).sort((a, b) => toShop(a) - toShop(b)),
    },
    { name: 'geoWithin a polygon', run: q((db) => ({ loc: db.command.geoWithin({ geometry: box(db) }) })), expected: SHOPS.filter(inBox).map(([n]) => n).sort() },
    {
      name: 'geoWithin a centerSphere (official bug: js-sdk throws)',
      run: q((db) => ({ loc: db.command.geoWithin({ centerSphere: [HOME, 3000 / EARTH] }) })),
      expected: names.filter((n) => toShop(n) <= 3000).sort(),
    },
    {
      name: 'geoIntersects a line',
      run: q((db) => ({ loc: db.command.geoIntersects({ geometry: db.Geo.LineString([db.Geo.Point(121.4737, 31.2304), db.Geo.Point(121.4903, 31.24)]) }) })),
      expected: ['bund', 'square'],
    },
    {
      name: 'a Point compared whole; Geo values come back as Geo values',
      run: (db) => db.collection('shops').where({ loc: db.Geo.Point(121.4903, 31.24) }).get().then((r) => r.data.map((d) => [d._id, d.loc])),
      expected: [['bund', { longitude: 121.4903, latitude: 31.24 }]],
    },
  ]
}
