/**
 * `collection.aggregate()`: an immutable pipeline of the 16 stages wx types, sent by `end()`
 * (docs/protocol.md §4). Stage arguments go through the codec, so Dates and Geo values keep their types.
 */
import { decodeValue, type WireValue } from '../../protocol/codec'
import { decodeEJSON } from '../../protocol/ejson'
import { invalidArgument } from '../../protocol/errors'
import type { StageSpec } from '../../protocol/database'
import { isArray, isObjectLike } from '../../internal/is'
import { settle, type Callbacks } from '../../core/callbackify'
import type { Requester } from '../../core/request'
import { encodeData, encodeQuery, type QueryObject } from '../encode'
import { dataOf } from '../response'
import { CloudError } from '../../protocol/errors'
import type { AnyDocument, CollectionTypes, FieldPath, Filter, Stored } from '../types'
import type {
  AddFieldsResult,
  BucketResult,
  CountResult,
  Given,
  GroupResult,
  ProjectResult,
  ReplaceRootResult,
  Simplify,
  SortByCountResult,
  UnwindResult,
  UnwindSpec,
} from '../types/aggregate'

/** What `end()` resolves with: wx's `{ list }`. */
export interface AggregateResult<R = Record<string, unknown>> {
  list: R[]
  errMsg: string
}

interface Target {
  send: Requester
  collectionName: string
}

type Stage = [key: string, value: WireValue]

const API = 'collection.aggregate'

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value % 1 === 0
}

function object(stage: string, value: unknown): QueryObject {
  if (!isObjectLike(value)) throw invalidArgument(`aggregate.${stage}`, 'takes an object')
  return value
}

/** `sort()`'s argument: field paths of the current documents to `1` or `-1`. */
export type SortSpec<R> = { [P in FieldPath<R>]?: 1 | -1 }

/** The documents `lookup({ from, as })` puts in `as`: typed when `from` is declared in `CollectionTypes`. */
export type LookupResult<R, O> = O extends { readonly as: infer A extends string }
  ? Simplify<
      Omit<R, A> & {
        [K in A]: O extends { readonly pipeline: unknown }
          ? AnyDocument[]
          : O extends { readonly from: infer F extends keyof CollectionTypes }
            ? Stored<CollectionTypes[F]>[]
            : AnyDocument[]
      }
    >
  : R

/**
 * An aggregation pipeline over documents `R`; every stage returns a new pipeline typed by what the
 * stage produces. Each reshaping stage computes its result type from its (literal) argument, or takes
 * it explicitly: `.group<{ _id: string; total: number }>({ ... })`.
 */
export class Aggregate<R = Record<string, unknown>> {
  /** @internal */
  constructor(
    private readonly _target?: Target,
    private readonly _stages: readonly Stage[] = [],
  ) {}

  private _pipe<N = R>(stage: string, value: WireValue): Aggregate<N> {
    return new Aggregate<N>(this._target, this._stages.concat([['$' + stage, value]]))
  }

  private _object<N = R>(stage: string, value: unknown): Aggregate<N> {
    return this._pipe<N>(stage, encodeData(object(stage, value), `aggregate.${stage}`))
  }

  /** Adds computed fields. */
  addFields<N = never, const S extends object = object>(fields: S): Aggregate<Given<N, AddFieldsResult<R, S>>>
  addFields(fields: object): Aggregate<unknown> {
    return this._object('addFields', fields)
  }
  /** Groups into buckets by boundaries. */
  bucket<N = never, const S extends object = object>(options: S): Aggregate<Given<N, BucketResult<R, S>>>
  bucket(options: object): Aggregate<unknown> {
    return this._object('bucket', options)
  }
  /** Groups into a number of evenly filled buckets. */
  bucketAuto<N = never, const S extends object = object>(options: S): Aggregate<Given<N, BucketResult<R, S>>>
  bucketAuto(options: object): Aggregate<unknown> {
    return this._object('bucketAuto', options)
  }
  /** Counts the documents into field `name`: one document `{ [name]: number }`. */
  count<N = never, const K extends string = string>(name: K): Aggregate<Given<N, CountResult<K>>>
  count(name: string): Aggregate<unknown> {
    if (typeof name !== 'string' || !name || name[0] === '$' || name.indexOf('.') >= 0) {
      throw invalidArgument('aggregate.count', 'takes a field name (not empty, no "$" or ".")')
    }
    return this._pipe('count', name)
  }
  /** Sorts by distance from `near`; must be the first stage. Adds the distance as `distanceField`. */
  geoNear<N = never, const D extends string = string>(
    options: { near: object; distanceField: D; query?: Filter<R> } & Record<string, unknown>,
  ): Aggregate<Given<N, Simplify<R & { [K in D]: number }>>>
  geoNear(options: { near: object; distanceField: string; query?: QueryObject } & Record<string, unknown>): Aggregate<unknown> {
    const value = object('geoNear', options)
    if (!value.near || typeof value.distanceField !== 'string') {
      throw invalidArgument('aggregate.geoNear', 'takes at least { near: db.Geo.Point, distanceField }')
    }
    const copy: Record<string, unknown> = Object.assign({}, value)
    if (value.query !== undefined) copy.query = encodeQuery(value.query as QueryObject, 'aggregate.geoNear')
    return this._pipe('geoNear', encodeData(copy, 'aggregate.geoNear'))
  }
  /** Groups by `_id`, with accumulators such as `$.sum('$n')`. */
  group<N = never, const S extends { _id: unknown } = { _id: unknown } & Record<string, unknown>>(spec: S): Aggregate<Given<N, GroupResult<R, S>>>
  group(spec: { _id: unknown } & Record<string, unknown>): Aggregate<unknown> {
    if (!isObjectLike(spec) || !('_id' in spec)) throw invalidArgument('aggregate.group', 'takes an object with an _id')
    return this._object('group', spec)
  }
  /** Keeps the first `n` documents. */
  limit(n: number): Aggregate<R> {
    if (!isPositiveInteger(n)) throw invalidArgument('aggregate.limit', `takes a positive integer, got ${String(n)}`)
    return this._pipe('limit', n)
  }
  /** Joins another collection, by fields or by a sub-pipeline; `as` holds the joined documents. */
  lookup<N = never, const O extends { from: string; as: string } = { from: string; as: string }>(
    options: O & Record<string, unknown>,
  ): Aggregate<Given<N, LookupResult<R, O>>>
  lookup(options: { from: string; as: string } & Record<string, unknown>): Aggregate<unknown> {
    const value = object('lookup', options)
    if (typeof value.from !== 'string' || typeof value.as !== 'string') {
      throw invalidArgument('aggregate.lookup', 'takes { from, as } and localField/foreignField or pipeline')
    }
    const copy: Record<string, unknown> = Object.assign({}, value)
    if (value.pipeline instanceof Aggregate) copy.pipeline = value.pipeline.done()
    return this._pipe('lookup', encodeData(copy, 'aggregate.lookup'))
  }
  /** Keeps the documents matching a query, written as in `where()` and checked against `R`. */
  match(query: Filter<R>): Aggregate<R>
  match(query: QueryObject): Aggregate<R> {
    return this._pipe('match', encodeQuery(object('match', query), 'aggregate.match'))
  }
  /** Reshapes documents: keep (`1`), drop (`0`) or compute fields. */
  project<N = never, const S extends object = object>(spec: S): Aggregate<Given<N, ProjectResult<R, S>>>
  project(spec: object): Aggregate<unknown> {
    return this._object('project', spec)
  }
  /** Promotes a sub-document to the top. */
  replaceRoot<N = never, const E = unknown>(options: { newRoot: E }): Aggregate<Given<N, ReplaceRootResult<R, E>>>
  replaceRoot(options: { newRoot: unknown }): Aggregate<unknown> {
    return this._object('replaceRoot', options)
  }
  /** Picks `size` random documents. */
  sample(options: { size: number }): Aggregate<R> {
    if (!isObjectLike(options) || !isPositiveInteger(options.size)) {
      throw invalidArgument('aggregate.sample', 'takes { size: positive integer }')
    }
    return this._object('sample', options)
  }
  /** Skips the first `n` documents. */
  skip(n: number): Aggregate<R> {
    if (typeof n !== 'number' || n < 0 || n % 1 !== 0) throw invalidArgument('aggregate.skip', `takes an integer >= 0, got ${String(n)}`)
    return this._pipe('skip', n)
  }
  /** Sorts by `{ field: 1 | -1 }`. */
  sort(spec: SortSpec<R>): Aggregate<R>
  sort(spec: Record<string, 1 | -1>): Aggregate<R> {
    const value = object('sort', spec)
    for (const key in value) {
      if (value[key] !== 1 && value[key] !== -1) throw invalidArgument('aggregate.sort', `"${key}" must be 1 or -1`)
    }
    return this._object('sort', value)
  }
  /** Groups by an expression and counts, largest first: `{ _id, count }`. */
  sortByCount<N = never, const E = unknown>(expression: E): Aggregate<Given<N, SortByCountResult<R, E>>>
  sortByCount(expression: unknown): Aggregate<unknown> {
    if (expression === undefined) throw invalidArgument('aggregate.sortByCount', 'takes an expression such as "$field"')
    return this._pipe('sortByCount', encodeData(expression, 'aggregate.sortByCount'))
  }
  /** One document per element of an array field. */
  unwind<N = never, const S extends UnwindSpec = UnwindSpec>(field: S): Aggregate<Given<N, UnwindResult<R, S>>>
  unwind(field: string | ({ path: string } & Record<string, unknown>)): Aggregate<unknown> {
    const path = typeof field === 'string' ? field : isObjectLike(field) ? field.path : undefined
    if (typeof path !== 'string' || path[0] !== '$') {
      throw invalidArgument('aggregate.unwind', 'takes "$field" or { path: "$field", ... }')
    }
    return this._pipe('unwind', encodeData(field, 'aggregate.unwind'))
  }

  /** The stages as MongoDB pipeline objects, for `lookup({ pipeline })`. */
  done(): Record<string, WireValue>[] {
    return this._stages.map(([key, value]) => ({ [key]: value }))
  }

  /** Runs the pipeline; resolves `{ list }`. */
  end(): Promise<AggregateResult<R>>
  end(options: Callbacks<AggregateResult<R>>): void
  end(options?: Callbacks<AggregateResult<R>>): Promise<AggregateResult<R>> | void {
    return settle(options, () => {
      const target = this._target
      if (!target) throw invalidArgument(API, 'a pipeline from db.command.aggregate.pipeline() is for lookup(), it cannot run')
      if (!this._stages.length) throw invalidArgument(API, 'add at least one stage before end()')
      const stages: StageSpec[] = this._stages.map(([stageKey, value]) => ({ stageKey, stageValue: JSON.stringify(value) }))
      return target
        .send(API, { action: 'database.aggregate', collectionName: target.collectionName, stages })
        .then((response) => ({ list: decodeList(dataOf(response, API).list) as R[], errMsg: `${API}:ok` }))
    })
  }
}

/** `data.list` is a JSON string of an array of EJSON strings (docs/protocol.md §2.1); accept parsed forms too. */
function decodeList(list: unknown): unknown[] {
  const items = typeof list === 'string' ? JSON.parse(list) : list
  if (!isArray(items)) throw new CloudError(API, 'SDK_ERROR', 'the server sent a malformed aggregation result')
  return items.map((item) => decodeValue(decodeEJSON(typeof item === 'string' ? JSON.parse(item) : item)))
}
