/**
 * `collection.aggregate()`: an immutable pipeline of the 16 stages wx types, sent by `end()`
 * (reference §4). Stage arguments go through the codec, so Dates and Geo values keep their types.
 */
import { decodeValue, type WireValue } from '../../protocol/codec'
import { decodeEJSON } from '../../protocol/ejson'
import { invalidArgument } from '../../protocol/errors'
import type { StageSpec } from '../../protocol/database'
import { isArray, isObjectLike } from '../../internal/is'
import { settle, type Callbacks } from '../../core/callbackify'
import type { Requester } from '../../core/request'
import { encodeData, type QueryObject } from '../command/query-command'
import { encodeQuery } from '../encode'
import { dataOf } from '../response'
import { CloudError } from '../../protocol/errors'

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

/** An aggregation pipeline; every stage returns a new pipeline. */
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
  addFields<N = R>(fields: object): Aggregate<N> {
    return this._object<N>('addFields', fields)
  }
  /** Groups into buckets by boundaries. */
  bucket<N = R>(options: object): Aggregate<N> {
    return this._object<N>('bucket', options)
  }
  /** Groups into a number of evenly filled buckets. */
  bucketAuto<N = R>(options: object): Aggregate<N> {
    return this._object<N>('bucketAuto', options)
  }
  /** Counts the documents into field `name`. */
  count<N = Record<string, number>>(name: string): Aggregate<N> {
    if (typeof name !== 'string' || !name || name[0] === '$' || name.indexOf('.') >= 0) {
      throw invalidArgument('aggregate.count', 'takes a field name (not empty, no "$" or ".")')
    }
    return this._pipe<N>('count', name)
  }
  /** Sorts by distance from `near`; must be the first stage. */
  geoNear<N = R>(options: { near: object; distanceField: string; query?: QueryObject } & Record<string, unknown>): Aggregate<N> {
    const value = object('geoNear', options)
    if (!value.near || typeof value.distanceField !== 'string') {
      throw invalidArgument('aggregate.geoNear', 'takes at least { near: db.Geo.Point, distanceField }')
    }
    const copy: Record<string, unknown> = { ...value }
    if (value.query !== undefined) copy.query = encodeQuery(value.query as QueryObject, 'aggregate.geoNear')
    return this._pipe<N>('geoNear', encodeData(copy, 'aggregate.geoNear'))
  }
  /** Groups by `_id`, with accumulators such as `$.sum('$n')`. */
  group<N = R>(spec: { _id: unknown } & Record<string, unknown>): Aggregate<N> {
    if (!isObjectLike(spec) || !('_id' in spec)) throw invalidArgument('aggregate.group', 'takes an object with an _id')
    return this._object<N>('group', spec)
  }
  /** Keeps the first `n` documents. */
  limit(n: number): Aggregate<R> {
    if (!isPositiveInteger(n)) throw invalidArgument('aggregate.limit', `takes a positive integer, got ${String(n)}`)
    return this._pipe('limit', n)
  }
  /** Joins another collection, by fields or by a sub-pipeline. */
  lookup<N = R>(options: { from: string; as: string } & Record<string, unknown>): Aggregate<N> {
    const value = object('lookup', options)
    if (typeof value.from !== 'string' || typeof value.as !== 'string') {
      throw invalidArgument('aggregate.lookup', 'takes { from, as } and localField/foreignField or pipeline')
    }
    const copy: Record<string, unknown> = { ...value }
    if (value.pipeline instanceof Aggregate) copy.pipeline = value.pipeline.done()
    return this._pipe<N>('lookup', encodeData(copy, 'aggregate.lookup'))
  }
  /** Keeps the documents matching a query, written as in `where()`. */
  match(query: QueryObject): Aggregate<R> {
    return this._pipe('match', encodeQuery(object('match', query), 'aggregate.match'))
  }
  /** Reshapes documents: keep, drop or compute fields. */
  project<N = R>(spec: object): Aggregate<N> {
    return this._object<N>('project', spec)
  }
  /** Promotes a sub-document to the top. */
  replaceRoot<N = R>(options: { newRoot: unknown }): Aggregate<N> {
    return this._object<N>('replaceRoot', options)
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
  sort(spec: Record<string, 1 | -1>): Aggregate<R> {
    const value = object('sort', spec)
    for (const key in value) {
      if (value[key] !== 1 && value[key] !== -1) throw invalidArgument('aggregate.sort', `"${key}" must be 1 or -1`)
    }
    return this._object('sort', value)
  }
  /** Groups by an expression and counts, largest first. */
  sortByCount<N = { _id: unknown; count: number }>(expression: unknown): Aggregate<N> {
    if (expression === undefined) throw invalidArgument('aggregate.sortByCount', 'takes an expression such as "$field"')
    return this._pipe<N>('sortByCount', encodeData(expression, 'aggregate.sortByCount'))
  }
  /** One document per element of an array field. */
  unwind<N = R>(field: string | { path: string } & Record<string, unknown>): Aggregate<N> {
    const path = typeof field === 'string' ? field : isObjectLike(field) ? field.path : undefined
    if (typeof path !== 'string' || path[0] !== '$') {
      throw invalidArgument('aggregate.unwind', 'takes "$field" or { path: "$field", ... }')
    }
    return this._pipe<N>('unwind', encodeData(field, 'aggregate.unwind'))
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

/** `data.list` is a JSON string of an array of EJSON strings (reference §2.1); accept parsed forms too. */
function decodeList(list: unknown): unknown[] {
  const items = typeof list === 'string' ? JSON.parse(list) : list
  if (!isArray(items)) throw new CloudError(API, 'SDK_ERROR', 'the server sent a malformed aggregation result')
  return items.map((item) => decodeValue(decodeEJSON(typeof item === 'string' ? JSON.parse(item) : item)))
}
