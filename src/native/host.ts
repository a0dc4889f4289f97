/**
 * What the native transport needs from a host's own CloudBase-style database (`wx.cloud.database()`, an
 * Alipay cloud context's `ctx.database()`, `@cloudbase/js-sdk`'s `app.database()`), and the table of
 * the ways hosts differ. Types only.
 *
 * The types are structural and loose on purpose: every member the decoder can do without is optional
 * (it is looked up when a request needs it, and its absence is reported by name), parameters are wide,
 * and methods (not function properties) keep parameter checks bivariant, so the typings of wx
 * (`DB.Database`), of Alipay (`any`) and of js-sdk all fit.
 */

/** A builder method's result: the host resolves it (Promise style, no callbacks passed). */
export type HostResult = PromiseLike<unknown>

/**
 * A constructor or factory of a host value (`db.Geo.Point(lng, lat)`, `db.RegExp({...})`): wx's can be
 * called with or without `new`, js-sdk's Geo values are classes and its RegExp a plain function.
 */
export type HostConstructor = (new (...args: any[]) => unknown) | ((...args: any[]) => unknown)

/** `db.Geo`: GeoJSON value constructors. */
export interface HostGeo {
  Point: HostConstructor
  LineString?: HostConstructor
  Polygon?: HostConstructor
  MultiPoint?: HostConstructor
  MultiLineString?: HostConstructor
  MultiPolygon?: HostConstructor
}

/**
 * `db.command`: the decoder calls the query operators (`eq` ... `geoIntersects`), the logic operators
 * (`and`, `or`, `nor`, `not`) and the update operators (`set` ... `pullAll`) it needs.
 */
export interface HostCommand {
  eq?(value: any): unknown
  neq?(value: any): unknown
  gt?(value: any): unknown
  gte?(value: any): unknown
  lt?(value: any): unknown
  lte?(value: any): unknown
  in?(values: any[]): unknown
  nin?(values: any[]): unknown
  all?(values: any[]): unknown
  exists?(value: boolean): unknown
  size?(value: number): unknown
  mod?(...args: any[]): unknown
  elemMatch?(condition: any): unknown
  geoNear?(options: any): unknown
  geoWithin?(options: any): unknown
  geoIntersects?(options: any): unknown
  and?(...conditions: any[]): unknown
  or?(...conditions: any[]): unknown
  nor?(...conditions: any[]): unknown
  not?(condition: any): unknown
  expr?(expression: any): unknown
  set?(value: any): unknown
  remove?(): unknown
  inc?(value: number): unknown
  mul?(value: number): unknown
  min?(value: any): unknown
  max?(value: any): unknown
  rename?(name: string): unknown
  bit?(operation: any): unknown
  push?(...values: any[]): unknown
  pop?(): unknown
  shift?(): unknown
  unshift?(...values: any[]): unknown
  addToSet?(value: any): unknown
  pull?(condition: any): unknown
  pullAll?(values: any): unknown
}

/** What `watch()` hands to `onChange` (wx's `ISnapshot`). */
export interface HostSnapshot {
  id?: number
  docChanges?: readonly any[]
  docs?: readonly any[]
  type?: string
}

/** `watch()`'s listener argument. */
export interface HostWatchOptions {
  onChange(snapshot: any): void
  onError(error: any): void
}

/** What `watch()` returns. */
export interface HostListener {
  close(): unknown
}

/** A query after `where()`: `orderBy`, `skip`, `limit`, the fields, then a terminal call. */
export interface HostFilteredQuery {
  orderBy(fieldPath: string, direction: any): HostFilteredQuery
  skip(offset: number): HostFilteredQuery
  limit(max: number): HostFilteredQuery
  /** wx and CloudBase. */
  field?(projection: any): HostFilteredQuery
  /** Alipay. */
  projection?(projection: any): HostFilteredQuery
  get(options?: any): HostResult
  count(options?: any): HostResult
  /** Batch writes (wx from base library 2.9.4; not in wx's typings). */
  update?(options: any): HostResult
  remove?(options?: any): HostResult
  watch?(options: HostWatchOptions): HostListener
}

/** A query that can still take its `where()` (called once: js-sdk's typings allow no second one). */
export interface HostQuery extends HostFilteredQuery {
  where(condition: any): HostFilteredQuery
}

/** `collection.doc(id)`. */
export interface HostDocument {
  get?(options?: any): HostResult
  set?(options: any): HostResult
  update?(options: any): HostResult
  remove?(options?: any): HostResult
  field?(projection: any): HostDocument
  projection?(projection: any): HostDocument
  watch?(options: HostWatchOptions): HostListener
}

/** `collection.aggregate()`: one method per stage, then `end()`. */
export interface HostAggregate {
  end(options?: any): HostResult
}

/** `db.collection(name)`. */
export interface HostCollection extends HostQuery {
  doc(id: any): HostDocument
  add(options: any): HostResult
  aggregate?(): HostAggregate
}

/** A host's database of one environment. */
export interface HostDatabase {
  readonly command: HostCommand
  readonly Geo?: HostGeo
  readonly RegExp?: HostConstructor
  serverDate?(options?: any): unknown
  collection(name: string): HostCollection
  createCollection?(name: string): HostResult
}

/** A host failure read as CloudBase reports it: a string code and the server's message. */
export interface HostFailure {
  code: string
  message: string
}

/**
 * How one host's builder differs from the shared model (wx's), so that one decoder serves every host.
 * Adapters export one each (`adapters/shared/wx-native.ts`, `adapters/shared/my-native.ts`).
 */
export interface HostDifferences {
  /** The host's name in error messages, e.g. `'WeChat (wx.cloud)'`. */
  readonly name: string
  /** The method that chooses returned fields: `field()` (wx, CloudBase) or `projection()` (Alipay). */
  readonly projection: 'field' | 'projection'
  /**
   * What a query's `get()` resolves with: wx's `{ data: [...] }`, or Alipay's array itself; `doc(id).get()`
   * likewise (wx `{ data: doc }`; a one-document list is read too).
   */
  readonly list: 'data' | 'array'
  /** What batch and document `update()` / `remove()` resolve with: wx's `{ stats: { updated | removed } }`, or Alipay's `{ count }`. */
  readonly written: 'stats' | 'count'
  /** Whether `add({ data: [a, b] })` inserts several documents at once (atomically). */
  readonly batchAdd: boolean
  /** The aggregation stages the host runs (names without `$`); every stage when absent. */
  readonly stages?: readonly string[]
  /** Reads a host failure (a rejection or a watch error) as a CloudBase code and message. */
  failure(reason: unknown): HostFailure
  /** True when a failed `doc(id).get()` only means that the document does not exist. */
  missingDocument?(reason: unknown): boolean
}
