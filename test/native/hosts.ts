/**
 * The official builder (@cloudbase/js-sdk's database, @cloudbase/database 0.12.1) dressed as the hosts the
 * native transport serves, as they document themselves: the builder and its serializer are the official
 * ones, only the call and result shapes are wrapped.
 *
 * - `asWx`: wx.cloud's database (`add({ data })`, `get()` → `{ data }`, doc `get()` → `{ data: doc }`,
 *   `{ stats: { updated | removed } }`, `{ _id, stats: { updated, created } }`, `end()` → `{ list }`), failing
 *   with `Error { errCode, errMsg: '<api>:fail <errCode> <description>. <message>' }` (js-sdk resolves
 *   `{ code, message }` instead), and a missing document failing with errCode -1.
 * - `asMy`: Alipay's documented client (platforms.md §2.2): `projection()`, `get()` → the array,
 *   `{ count }`, one document per `add()`, `aggregate()` with match/group/sample/lookup only, no doc
 *   `get()`/`set()`, no `watch()`, no `Geo`/`RegExp`/`serverDate`, failures `{ error, errorMessage }`.
 */
import { CloudError } from '../../src/index'

type Any = any

/** wx's failure for a `{ code, message }` the official builder resolved with. */
function wxError(api: string, result: { code: string; message?: string }): Error {
  const { errCode, errMsg } = new CloudError(api, result.code, result.message || result.code)
  return Object.assign(new Error(errMsg), { errCode, errMsg })
}

function wxCall<R extends object>(api: string, pending: Promise<Any>, read: (result: Any) => R): Promise<R & { errMsg: string }> {
  return Promise.resolve(pending).then((result) => {
    if (result && result.code) throw wxError(api, result)
    return Object.assign(read(result), { errMsg: `${api}:ok` })
  })
}

function wxQuery(q: Any): Any {
  return {
    where: (condition: Any) => wxQuery(q.where(condition)),
    orderBy: (field: string, direction: string) => wxQuery(q.orderBy(field, direction)),
    skip: (n: number) => wxQuery(q.skip(n)),
    limit: (n: number) => wxQuery(q.limit(n)),
    field: (projection: Any) => wxQuery(q.field(projection)),
    get: () => wxCall('collection.get', q.get(), (r) => ({ data: r.data })),
    count: () => wxCall('collection.count', q.count(), (r) => ({ total: r.total })),
    update: ({ data }: Any) => wxCall('collection.update', q.update(data), (r) => ({ stats: { updated: r.updated } })),
    remove: () => wxCall('collection.remove', q.remove(), (r) => ({ stats: { removed: r.deleted } })),
    watch: (options: Any) => q.watch(options),
  }
}

function wxDoc(d: Any, id: string | number): Any {
  return {
    field: (projection: Any) => wxDoc(d.field(projection), id),
    get: () =>
      wxCall('document.get', d.get(), (r) => {
        if (!r.data.length) {
          const errMsg = `document.get:fail document with _id ${id} does not exist`
          throw Object.assign(new Error(errMsg), { errCode: -1, errMsg })
        }
        return { data: r.data[0] }
      }),
    set: ({ data }: Any) => wxCall('document.set', d.set(data), (r) => ({ _id: id, stats: { updated: r.updated, created: r.upsertedId ? 1 : 0 } })),
    update: ({ data }: Any) => wxCall('document.update', d.update(data), (r) => ({ stats: { updated: r.updated } })),
    remove: () => wxCall('document.remove', d.remove(), (r) => ({ stats: { removed: r.deleted } })),
    watch: (options: Any) => d.watch(options),
  }
}

const STAGES = 'addFields bucket bucketAuto count geoNear group limit lookup match project replaceRoot sample skip sort sortByCount unwind'.split(' ')

function aggregate(a: Any, stages: string[], end: (pending: Promise<Any>) => Promise<Any>): Any {
  const out: Any = { end: () => end(a.end()) }
  for (const stage of stages) out[stage] = (value: Any) => aggregate(a[stage](value), stages, end)
  return out
}

/** The official database as wx.cloud's. */
export function asWx(db: Any): Any {
  return {
    command: db.command,
    Geo: db.Geo,
    RegExp: db.RegExp,
    serverDate: (options?: Any) => db.serverDate(options),
    collection(name: string) {
      const c = db.collection(name)
      return Object.assign(wxQuery(c), {
        doc: (id: string | number) => wxDoc(c.doc(id), id),
        add: ({ data }: Any) =>
          wxCall('collection.add', c.add(data), (r) => (Array.isArray(data) ? { _ids: r.ids } : { _id: r.id })),
        aggregate: () => aggregate(c.aggregate(), STAGES, (pending) => wxCall('collection.aggregate', pending, (r) => ({ list: r.data }))),
      })
    },
  }
}

/** Alipay's failure: `{ error, errorMessage }`, 60005 (云调用失败) for what the server refused. */
function myCall<R>(pending: Promise<Any>, read: (result: Any) => R): Promise<R> {
  return Promise.resolve(pending).then((result) => {
    if (result && result.code) throw { error: 60005, errorMessage: result.message || result.code }
    return read(result)
  })
}

function myQuery(q: Any): Any {
  return {
    where: (condition: Any) => myQuery(q.where(condition)),
    orderBy: (field: string, direction: string) => myQuery(q.orderBy(field, direction)),
    skip: (n: number) => myQuery(q.skip(n)),
    limit: (n: number) => myQuery(q.limit(n)),
    projection: (projection: Any) => myQuery(q.field(projection)),
    get: () => myCall(q.get(), (r) => r.data),
    count: () => myCall(q.count(), (r) => ({ total: r.total })),
    update: ({ data }: Any) => myCall(q.update(data), (r) => ({ count: r.updated })),
    remove: () => myCall(q.remove(), (r) => ({ count: r.deleted })),
  }
}

/** The official database as Alipay's cloud database. */
export function asMy(db: Any): Any {
  return {
    command: db.command,
    collection(name: string) {
      const c = db.collection(name)
      return Object.assign(myQuery(c), {
        doc: (id: string | number) => ({
          update: ({ data }: Any) => myCall(c.doc(id).update(data), (r) => ({ count: r.updated })),
          remove: () => myCall(c.doc(id).remove(), (r) => ({ count: r.deleted })),
        }),
        add: ({ data }: Any) =>
          Array.isArray(data)
            ? Promise.reject({ error: 60001, errorMessage: 'data must be an object' })
            : myCall(c.add(data), (r) => ({ _id: r.id })),
        // Undocumented result shape: the decoder reads { list }, { data } or the array.
        aggregate: () => aggregate(c.aggregate(), ['match', 'group', 'sample', 'lookup'], (pending) => myCall(pending, (r) => r.data)),
      })
    },
  }
}
