/**
 * The `native` transport: replays each database protocol request on the host's own cloud database
 * (`wx.cloud.database()`, an Alipay cloud context's `database()`) and answers with the response a
 * CloudBase server would have sent, so mpcloud's builders work unchanged on top of it.
 */
import type { WireObject } from '../protocol/codec'
import type { OrderSpec, ProjectionSpec, ProtocolRequest, ProtocolResponse, StageSpec } from '../protocol/database'
import { isArray, isObjectLike, keysOf } from '../internal/is'
import type { Transport } from '../core/transport'
import { decodeQuery, decodeStages, decodeUpdate } from './decode'
import { failureOf, NativeFailure, textOf, unsupported } from './errors'
import type { HostCollection, HostDatabase, HostDifferences, HostDocument, HostFilteredQuery, HostResult } from './host'
import { copy, toHost, toWire, type HostContext } from './values'

/** Opens the host's database of an environment (`undefined`: the host's default one). */
export type HostDatabaseFactory = (env: string | undefined) => HostDatabase

/** A resolved value that reports a failure, as js-sdk's database calls resolve `{ code, message }`. */
function resolvedFailure(result: unknown): boolean {
  const r = result as { code?: unknown } | null
  return isObjectLike(r) && typeof r.code === 'string' && !!r.code && !('data' in r) && !('stats' in r)
}

/** Calls the host's terminal method and hands the result to `read` (a failure reported by resolving is rejected). */
function run<T>(pending: HostResult, read: (result: any) => T): PromiseLike<T> {
  return pending.then((result) => {
    if (resolvedFailure(result)) throw result
    return read(result)
  })
}

function describe(value: unknown): string {
  const text = textOf(value)
  return text.length > 120 ? text.slice(0, 117) + '...' : text
}

function expected(host: HostDifferences, what: string, shape: string, result: unknown): NativeFailure {
  return new NativeFailure('SDK_ERROR', `${host.name} ${what} resolved with ${describe(result)}, not ${shape}: check its table of differences`)
}

/** `doc(id)` for a `queryType: 'DOC'` request, whose query is `{ _id }`. */
function docId(request: ProtocolRequest): string | number {
  const query = request.query as WireObject | undefined
  const id = query && query._id
  if (typeof id !== 'string' && typeof id !== 'number') throw unsupported(`a DOC request needs query { _id }, got ${describe(query)}`)
  return id
}

function method<T extends object>(target: T, name: string, host: HostDifferences, what: string): (...args: unknown[]) => any {
  const fn = (target as Record<string, unknown>)[name]
  if (typeof fn !== 'function') throw unsupported(`${host.name} has no ${what}.${name}()`)
  return (...args) => fn.apply(target, args)
}

/** `field()` or `projection()`, whichever the host has. */
function project<T extends HostFilteredQuery | HostDocument>(target: T, projection: ProjectionSpec | undefined, host: HostDifferences, what: string): T {
  if (!projection || !keysOf(projection).length) return target
  // A copy: the official field() rewrites its argument in place.
  return method(target, host.projection, host, what)(copy(projection)) as T
}

/** The documents of a query's `get()`: wx `{ data: [...] }`, Alipay `[...]`. */
function listOf(result: any, host: HostDifferences, what: string): unknown[] {
  const list = host.list === 'array' ? result : result && result.data
  if (!isArray(list)) throw expected(host, what, host.list === 'array' ? 'an array of documents' : '{ data: [documents] }', result)
  return list
}

/** The document of `doc(id).get()`: wx `{ data: doc }` (js-sdk `{ data: [doc] }`, Alipay the document or a list). */
function documentOf(result: any, host: HostDifferences): unknown[] {
  const data = host.list === 'array' ? result : result && result.data
  if (isArray(data)) return data
  if (data === null || data === undefined) return []
  if (isObjectLike(data)) return [data]
  throw expected(host, 'doc().get()', 'a document', result)
}

/** How many documents `update()` / `remove()` changed: wx `{ stats: { updated | removed } }`, Alipay `{ count }`. */
function writtenOf(result: any, host: HostDifferences, key: 'updated' | 'removed', what: string): number {
  const n = host.written === 'count' ? result && result.count : result && result.stats && result.stats[key]
  if (typeof n !== 'number') throw expected(host, what, host.written === 'count' ? '{ count }' : `{ stats: { ${key} } }`, result)
  return n
}

function ok(data: unknown, result?: unknown): ProtocolResponse {
  const response: ProtocolResponse = { data }
  const r = result as { requestId?: unknown; requestID?: unknown } | null | undefined
  const id = r && typeof r === 'object' ? r.requestId || r.requestID : undefined
  if (typeof id === 'string') response.requestId = id
  return response
}

const docs = (list: unknown[]): WireObject[] => list.map((doc) => toWire(doc) as WireObject)

function queryDocument(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  const { host } = ctx
  const projection = request.projection as ProjectionSpec | undefined
  if (request.queryType === 'DOC') {
    const id = docId(request)
    const operators = !!projection && keysOf(projection).some((k) => isObjectLike(projection[k]))
    const doc = collection.doc(id)
    // Through where() when the document has no get() (Alipay documents none), or when field() has
    // projection operators: the official document field() turns `{ $slice: n }` into 1 (§14 item 12).
    if (!operators && typeof doc.get === 'function') {
      const pending = project(doc, projection, host, 'doc()').get!()
      return pending.then(
        (result) => {
          if (resolvedFailure(result)) throw result
          return ok({ list: docs(documentOf(result, host)) }, result)
        },
        (reason: unknown) => {
          if (host.missingDocument && host.missingDocument(reason)) return ok({ list: [] })
          throw reason
        },
      )
    }
    const query = project(collection.where({ _id: id }).limit(1), projection, host, 'collection')
    return run(query.get(), (result) => ok({ list: docs(listOf(result, host, 'get()')) }, result))
  }
  let query = where(collection, request, ctx)
  for (const order of (request.order as OrderSpec[] | undefined) || []) query = query.orderBy(order.field, order.direction)
  if (typeof request.offset === 'number' && request.offset) query = query.skip(request.offset)
  if (typeof request.limit === 'number') query = query.limit(request.limit)
  query = project(query, projection, host, 'collection')
  return run(query.get(), (result) => ok({ list: docs(listOf(result, host, 'get()')) }, result))
}

/** `collection.where(query)`, or the collection itself without a query. */
function where(collection: HostCollection, request: ProtocolRequest, ctx: HostContext & { remove?: boolean }): HostFilteredQuery {
  return isObjectLike(request.query) ? collection.where(decodeQuery(request.query as WireObject, ctx)) : collection
}

function countDocument(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  return run(where(collection, request, ctx).count(), (result) => {
    if (typeof (result && result.total) !== 'number') throw expected(ctx.host, 'count()', '{ total }', result)
    return ok({ total: result.total }, result)
  })
}

function addDocument(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  const { host } = ctx
  const data = request.data
  if (isArray(data)) {
    if (!host.batchAdd) throw unsupported(`${host.name} adds one document per add() call: add the documents one at a time`)
    return run(collection.add({ data: toHost(data as WireObject[], ctx) }), (result) => {
      const ids = result && (result._ids || result.ids)
      if (!isArray(ids)) throw expected(host, 'add() of several documents', '{ _ids }', result)
      return ok({ insertedIds: ids }, result)
    })
  }
  return run(collection.add({ data: toHost(data as WireObject, ctx) }), (result) => {
    const id = result && (result._id !== undefined ? result._id : result.id)
    if (typeof id !== 'string' && typeof id !== 'number') throw expected(host, 'add()', '{ _id }', result)
    return ok({ _id: id }, result)
  })
}

function updateDocument(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  const { host } = ctx
  const data = request.data as WireObject
  if (!isObjectLike(data)) throw unsupported(`updateDocument needs data, got ${describe(data)}`)
  if (request.queryType === 'DOC') {
    const id = docId(request)
    const doc = collection.doc(id)
    if (request.merge === false) {
      // set(): the whole document, values encoded by the host.
      return run(method(doc, 'set', host, 'doc()')({ data: toHost(data, ctx) }), (result) => {
        const stats = result && result.stats
        const updated = stats ? stats.updated : result && result.count
        if (typeof updated !== 'number') throw expected(host, 'doc().set()', '{ stats: { updated, created } }', result)
        return ok({ updated, upserted_id: stats && stats.created ? String(id) : null }, result)
      })
    }
    return run(method(doc, 'update', host, 'doc()')({ data: decodeUpdate(data, ctx) }), (result) =>
      ok({ updated: writtenOf(result, host, 'updated', 'doc().update()') }, result),
    )
  }
  const query = where(collection, request, ctx)
  return run(method(query, 'update', host, 'where()')({ data: decodeUpdate(data, ctx) }), (result) =>
    ok({ updated: writtenOf(result, host, 'updated', 'where().update()') }, result),
  )
}

function deleteDocument(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  const { host } = ctx
  if (request.queryType === 'DOC') {
    const doc = collection.doc(docId(request))
    return run(method(doc, 'remove', host, 'doc()')(), (result) => ok({ deleted: writtenOf(result, host, 'removed', 'doc().remove()') }, result))
  }
  const query = where(collection, request, Object.assign({ remove: true }, ctx))
  return run(method(query, 'remove', host, 'where()')(), (result) => ok({ deleted: writtenOf(result, host, 'removed', 'where().remove()') }, result))
}

function aggregate(request: ProtocolRequest, collection: HostCollection, ctx: HostContext): PromiseLike<ProtocolResponse> {
  const { host } = ctx
  const stages = request.stages as StageSpec[] | undefined
  if (!isArray(stages) || !stages.length) throw unsupported('aggregate needs at least one stage')
  const pipeline = decodeStages(method(collection, 'aggregate', host, 'collection')(), stages, ctx)
  return run(pipeline.end(), (result) => {
    // wx resolves { list }, CloudBase's SDKs { data }.
    const list = isArray(result) ? result : result && (isArray(result.list) ? result.list : result.data)
    if (!isArray(list)) throw expected(host, 'aggregate().end()', '{ list: [...] }', result)
    // The wire form: a JSON array of EJSON texts, one per document (docs/protocol.md §2.1).
    return ok({ list: JSON.stringify(list.map((doc) => JSON.stringify(toWire(doc)))) }, result)
  })
}

/** Everything a transaction does: the hosts' mini program clients have no transactions. */
const TRANSACTION = /Transaction$|^database\.runCommands$/

function replay(request: ProtocolRequest, db: HostDatabase, host: HostDifferences): PromiseLike<ProtocolResponse> {
  const { action } = request
  if (TRANSACTION.test(action)) {
    throw unsupported(`transactions are not supported over the native transport (${host.name} has none on the client): run them in a cloud function, or use an endpoint`)
  }
  const name = request.collectionName
  if (typeof name !== 'string') throw unsupported(`${action} needs a collectionName`)
  if (action === 'database.addCollection') {
    return run(method(db, 'createCollection', host, 'database()')(name), (result) => ok({}, result))
  }
  const ctx: HostContext = { db, host }
  const collection = db.collection(name)
  switch (action) {
    case 'database.queryDocument':
      return queryDocument(request, collection, ctx)
    case 'database.countDocument':
      return countDocument(request, collection, ctx)
    case 'database.addDocument':
      return addDocument(request, collection, ctx)
    case 'database.updateDocument':
      return updateDocument(request, collection, ctx)
    case 'database.deleteDocument':
      return deleteDocument(request, collection, ctx)
    case 'database.aggregate':
      return aggregate(request, collection, ctx)
    default:
      throw unsupported(`${action} is not carried by the native transport, which replays database requests only`)
  }
}

/** True for what a host throws or rejects with as its own failure (it carries a code). */
function isHostFailure(reason: unknown): boolean {
  const r = reason as { errCode?: unknown; error?: unknown; code?: unknown } | null
  return !!r && typeof r === 'object' && (typeof r.errCode === 'number' || typeof r.error === 'number' || typeof r.code === 'string')
}

/**
 * A transport over the host's database: `database(env)` opens it (once per environment), `host` says how
 * this host's builder differs. Failures resolve as CloudBase's `{ code, message }`; requests the host
 * cannot carry (transactions, missing methods, unsupported stages) fail with `SDK_ERROR` and a message
 * that names what and where.
 */
export function createNativeTransport(database: HostDatabaseFactory, host: HostDifferences): Transport {
  const opened: Record<string, HostDatabase> = {}
  const failed = (reason: unknown): ProtocolResponse => {
    const { code, message } = failureOf(reason, host)
    return { code, message }
  }
  return {
    send(request) {
      let pending: PromiseLike<ProtocolResponse>
      try {
        const env = typeof request.env === 'string' ? request.env : undefined
        const key = env || ''
        const db = opened[key] || (opened[key] = database(env))
        pending = replay(request, db, host)
      } catch (error) {
        // Thrown while building: ours, a host failure, or the host builder refusing an argument.
        if (error instanceof NativeFailure || isHostFailure(error)) return Promise.resolve(failed(error))
        return Promise.resolve({ code: 'SDK_ERROR', message: `${host.name} refused the request: ${textOf(error)}` })
      }
      return Promise.resolve(pending).then(undefined, failed)
    },
  }
}
