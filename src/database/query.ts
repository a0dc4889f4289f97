/**
 * The immutable query builder: `where`, `orderBy`, `skip`, `limit`, `field` return new queries;
 * `get`, `count`, `update`, `remove` send one request (docs/protocol.md §2.1).
 */
import { decodeValue, type WireObject } from '../protocol/codec'
import { CloudError, invalidArgument } from '../protocol/errors'
import type { OrderSpec, ProjectionSpec, ProtocolRequest } from '../protocol/database'
import type { RealtimeListener, WatchOptions, WatchRequest, WatchService } from '../protocol/realtime'
import { isArray, isNonNegativeInteger, isObjectLike, keysOf } from '../internal/is'
import { settle, type Callbacks, type NoCallbacks, type PromiseOptions } from '../core/callbackify'
import type { Requester } from '../core/request'
import { DbCommand } from './command/base'
import { encodeData, encodeQuery, encodeUpdate, type QueryObject } from './encode'
import { dataOf } from './response'
import type { AnyDocument, FieldPath, Filter, Projected, Projection, Stored, UpdateData } from './types'

/** Default page size when `limit()` is not called, and the most one request returns (docs/protocol.md §2.5). */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

/** What a query has been given so far. */
interface QueryState {
  query?: WireObject
  order?: OrderSpec[]
  offset?: number
  limit?: number
  projection?: ProjectionSpec
}

/** Where a query sends its requests, and its watches when the cloud can watch. */
export interface CollectionTarget {
  send: Requester
  collectionName: string
  watch?: WatchService | undefined
  /** The `Aggregate` class, when the cloud was given it (`createCloud({ aggregate })`). */
  aggregate?: (new (target: CollectionTarget) => unknown) | undefined
}

/** Starts a watch through the cloud's watch client. */
export function startWatch<R>(target: CollectionTarget, api: string, request: WatchRequest, options: WatchOptions<R>): RealtimeListener {
  if (!target.watch) throw new CloudError(api, 'SDK_ERROR', 'this cloud cannot watch: its host opens no sockets, or it was created without { realtime }')
  return target.watch(api, request, options as WatchOptions<unknown>)
}

/** `get()` result: wx's `{ data }`. */
export interface GetResult<T> {
  data: T[]
  errMsg: string
}
/** `count()` result. */
export interface CountResult {
  total: number
  errMsg: string
}
/** Batch `update()` result. */
export interface UpdateResult {
  stats: { updated: number }
  errMsg: string
}
/** `remove()` result. */
export interface RemoveResult {
  stats: { removed: number }
  errMsg: string
}
/** Options of `update()`: the change, plus the optional callbacks. */
export type UpdateOptions<T, R> = { data: UpdateData<T> } & Callbacks<R>

/** A field path `orderBy()` accepts: any path of the document (any string on untyped collections). */
export type OrderPath<T> = FieldPath<Stored<T>>

/**
 * `field()`'s argument as written: a {@link Projection}, whose keys are checked one by one (a generic
 * argument would otherwise accept unknown keys).
 */
export type ProjectionArgument<T, P> = P & { [K in Exclude<keyof P, keyof Projection<T>>]: never }

/** Encodes `field()`'s argument: truthy → 1, falsy → 0, projection operators kept whole. */
export function encodeProjection(projection: unknown, api: string): ProjectionSpec {
  if (!isObjectLike(projection)) throw invalidArgument(api, 'field() takes an object such as { title: true }')
  const out: ProjectionSpec = {}
  for (const key of keysOf(projection)) {
    const value = projection[key]
    out[key] = isObjectLike(value) ? (encodeData(value, api) as WireObject) : value ? 1 : 0
  }
  return out
}

/** Checks `update()`'s argument: an object with at least one change and no `_id`. */
export function encodeUpdateData(options: { data?: unknown } | undefined, api: string): WireObject {
  const data = options && options.data
  if (!isObjectLike(data)) throw invalidArgument(api, 'takes { data: { field: value or command } }')
  if ('_id' in data) throw invalidArgument(api, '_id cannot be updated')
  const encoded = encodeUpdate(data, api)
  if (!keysOf(encoded).length) throw invalidArgument(api, 'data has no field to change')
  return encoded
}

/**
 * A query on one collection of documents `T`; `R` is what `get()` returns per document (`Stored<T>`,
 * or the projected shape after `field()`).
 */
export class Query<T = AnyDocument, R = Stored<T>> {
  /** @internal */
  protected readonly _target: CollectionTarget
  /** @internal */
  protected readonly _state: QueryState

  /** @internal */
  constructor(target: CollectionTarget, state: QueryState = {}) {
    this._target = target
    this._state = state
  }

  private _with<N = R>(change: QueryState): Query<T, N> {
    return new Query<T, N>(this._target, Object.assign({}, this._state, change))
  }

  /** Keeps the documents matching `query`; a second `where()` replaces the first, as on wx. */
  where(query: Filter<T>): Query<T, R>
  where(query: unknown): Query<T, R> {
    const api = 'collection.where'
    if (!isObjectLike(query) && !(query instanceof DbCommand)) {
      throw invalidArgument(api, `takes a query object, got ${query === null ? 'null' : typeof query}`)
    }
    const keys = keysOf(query)
    if (keys.length && keys.every((k) => (query as QueryObject)[k] === undefined)) {
      throw invalidArgument(api, 'every value of the query is undefined; a query must test at least one field')
    }
    return this._with({ query: encodeQuery(query as QueryObject, api) })
  }

  /** Sorts by `field` (a dot path); several calls sort by several fields, in call order. */
  orderBy(field: OrderPath<T>, direction: 'asc' | 'desc'): Query<T, R>
  orderBy(field: OrderPath<T> | string, direction: 'asc' | 'desc'): Query<T, R> {
    const api = 'collection.orderBy'
    if (typeof field !== 'string' || !field) throw invalidArgument(api, 'takes a field path such as "createdAt"')
    if (direction !== 'asc' && direction !== 'desc') {
      throw invalidArgument(api, `direction must be 'asc' or 'desc', got ${String(direction)}`)
    }
    return this._with({ order: (this._state.order || []).concat({ field, direction }) })
  }

  /** Returns at most `n` documents (default 100; more than 1000 is sent as 1000, the server's maximum). */
  limit(n: number): Query<T, R> {
    if (!isNonNegativeInteger(n) || n === 0) throw invalidArgument('collection.limit', `takes a positive integer, got ${String(n)}`)
    return this._with({ limit: Math.min(n, MAX_LIMIT) })
  }

  /** Skips the first `n` documents. */
  skip(n: number): Query<T, R> {
    if (!isNonNegativeInteger(n)) throw invalidArgument('collection.skip', `takes an integer >= 0, got ${String(n)}`)
    return this._with({ offset: n })
  }

  /**
   * Chooses the fields returned: `{ title: true, secret: false }`, or projection operators. With literal
   * values the result is typed: `field({ title: true })` reads `{ _id, title }`.
   */
  field<const P extends Projection<T>>(projection: ProjectionArgument<T, P>): Query<T, Projected<Stored<T>, P>>
  field(projection: Projection<T>): Query<T, unknown> {
    return this._with({ projection: encodeProjection(projection, 'collection.field') })
  }

  /** Reads the matching documents. */
  get(options?: PromiseOptions<GetResult<R>>): Promise<GetResult<R>>
  get(options: Callbacks<GetResult<R>>): void
  get(options?: Callbacks<GetResult<R>>): Promise<GetResult<R>> | void {
    const api = 'collection.get'
    return settle(options, () => {
      const { query, order, offset, limit, projection } = this._state
      // Built in wire order (action, collectionName, queryType, query, ...) rather than copied into it.
      const request: ProtocolRequest = { action: 'database.queryDocument', collectionName: this._target.collectionName, queryType: 'WHERE' }
      if (query) request.query = query
      if (order) request.order = order
      if (offset) request.offset = offset
      request.limit = limit || DEFAULT_LIMIT
      if (projection) request.projection = projection
      return this._target
        .send(api, request)
        .then((response) => ({ data: decodeList(dataOf(response, api).list), errMsg: `${api}:ok` }))
    })
  }

  /**
   * Follows the matching documents in real time: `onChange` gets the whole result (`docs`) and what
   * changed (`docChanges`) first at once, then after every change; `orderBy` and `limit` make it a
   * moving window. `skip()` and `field()` do not apply.
   */
  watch(options: WatchOptions<R>): RealtimeListener {
    const api = 'collection.watch'
    const { query, order, offset, limit, projection } = this._state
    if (offset || projection) throw invalidArgument(api, 'follows whole documents from the first match: remove skip() and field() first')
    const request: WatchRequest = { collectionName: this._target.collectionName, query: query || {} }
    if (order) request.order = order
    if (limit) request.limit = limit
    return startWatch(this._target, api, request, options)
  }

  /** Counts the matching documents. */
  count(options?: PromiseOptions<CountResult>): Promise<CountResult>
  count(options: Callbacks<CountResult>): void
  count(options?: Callbacks<CountResult>): Promise<CountResult> | void {
    const api = 'collection.count'
    return settle(options, () =>
      this._target
        .send(api, this._request('database.countDocument'))
        .then((response) => ({ total: Number(dataOf(response, api).total), errMsg: `${api}:ok` })),
    )
  }

  /** Updates every matching document (skip, limit, orderBy and field do not apply). */
  update(options: UpdateOptions<T, UpdateResult> & NoCallbacks): Promise<UpdateResult>
  update(options: UpdateOptions<T, UpdateResult>): void
  update(options: UpdateOptions<T, UpdateResult>): Promise<UpdateResult> | void {
    const api = 'collection.update'
    return settle(options, () => {
      this._checkBatch(api)
      const request = this._request('database.updateDocument')
      const data = encodeUpdateData(options, api)
      return this._target
        .send(api, Object.assign(request, { multi: true, merge: true, upsert: false, data }))
        .then((response) => ({ stats: { updated: Number(dataOf(response, api).updated) }, errMsg: `${api}:ok` }))
    })
  }

  /** Deletes every matching document (skip, limit, orderBy and field do not apply). */
  remove(options?: PromiseOptions<RemoveResult>): Promise<RemoveResult>
  remove(options: Callbacks<RemoveResult>): void
  remove(options?: Callbacks<RemoveResult>): Promise<RemoveResult> | void {
    const api = 'collection.remove'
    return settle(options, () => {
      this._checkBatch(api)
      return this._target
        .send(api, Object.assign(this._request('database.deleteDocument'), { multi: true }))
        .then((response) => ({ stats: { removed: Number(dataOf(response, api).deleted) }, errMsg: `${api}:ok` }))
    })
  }

  private _request(action: string): { action: string; collectionName: string; queryType: 'WHERE'; query?: WireObject } {
    const request: { action: string; collectionName: string; queryType: 'WHERE'; query?: WireObject } = {
      action,
      collectionName: this._target.collectionName,
      queryType: 'WHERE',
    }
    if (this._state.query) request.query = this._state.query
    return request
  }

  /**
   * The official client ignores skip/limit/orderBy/field on batch writes with a console warning, so
   * "remove the first 10" silently removes every match; we refuse instead.
   */
  private _checkBatch(api: string): void {
    const { order, offset, limit, projection } = this._state
    if (order || offset || limit || projection) {
      throw invalidArgument(api, 'applies to every matching document: remove orderBy(), skip(), limit() and field() first')
    }
  }
}

/** Decodes `data.list` of a query response. */
export function decodeList<T>(list: unknown): T[] {
  return (isArray(list) ? list.map(decodeValue) : []) as T[]
}
