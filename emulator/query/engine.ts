/**
 * Query, update and aggregation semantics: mingo evaluates, this file adds what CloudBase needs around
 * it (server-side code refused, upsert documents, order as CloudBase sends it).
 */
import { aggregate as mingoAggregate, find, ProcessingMode, Query, update } from 'mingo'
import { EmulatorError, invalidParam } from '../errors'
import type { Doc } from '../store/store'
import { compileFilter } from './compile'
import { sortScalars } from './sort'
import { byDistance, geoNearStage, splitGeo } from './geo'

type AnyObject = Record<string, unknown>

/** Operators that run code on the server: never accepted (docs/protocol.md §15; mingo's scriptEnabled off too). */
const CODE_OPERATORS = ['$where', '$function', '$accumulator']

const OPTIONS = { scriptEnabled: false, idKey: '_id' }

/** Refuses server-side code anywhere in a query, update or pipeline. */
export function refuseCode(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(refuseCode)
  if (!value || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return
  for (const key of Object.keys(value)) {
    if (CODE_OPERATORS.indexOf(key) >= 0) {
      throw new EmulatorError('DATABASE_INVALID_OPERRATOR', `${key} runs code on the server and is not allowed`)
    }
    refuseCode((value as AnyObject)[key])
  }
}

/** mingo reports bad operators by throwing; they are the caller's mistake, not the emulator's. */
function evaluate<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof EmulatorError) throw error
    throw new EmulatorError('DATABASE_INVALID_OPERRATOR', error instanceof Error ? error.message : String(error))
  }
}

/** How `find` orders and pages. */
export interface FindOptions {
  order?: { field: string; direction: 'asc' | 'desc' }[]
  offset?: number
  limit?: number
  projection?: AnyObject
}

/** The documents matching `filter`, ordered, paged and projected. */
export function findDocs(docs: Iterable<Doc>, filter: AnyObject, options: FindOptions = {}): AnyObject[] {
  refuseCode(filter)
  // Geo conditions (mingo has none) are checked first; `$nearSphere` orders by distance unless sorted.
  const geo = splitGeo(filter)
  if (geo) {
    filter = geo.rest
    let near = [...docs].filter((doc) => geo.tests.every((test) => test(doc)))
    if (geo.near && !(options.order && options.order.length)) near = byDistance(near, geo.near)
    docs = near
  }
  // Common filters run compiled; mingo then only orders, pages and projects the matches.
  const predicate = compileFilter(filter)
  let pool: Doc[]
  if (predicate) {
    pool = []
    for (const doc of docs) if (predicate(doc)) pool.push(doc)
  } else pool = [...docs]
  const projection = options.projection && Object.keys(options.projection).length ? options.projection : undefined
  const sorted = predicate ? (options.order && options.order.length ? sortScalars(pool, options.order) : pool) : undefined
  return evaluate(() => {
    if (sorted) {
      // Filter and order done natively: page, then let mingo project the page only.
      const start = options.offset || 0
      const page = sorted.slice(start, options.limit === undefined ? undefined : start + options.limit)
      return projection ? (find(page, {}, projection, OPTIONS).all() as AnyObject[]) : page
    }
    let cursor = find(pool, predicate ? {} : filter, projection, OPTIONS)
    if (options.order && options.order.length) {
      const sort: Record<string, 1 | -1> = {}
      for (const { field, direction } of options.order) sort[field] = direction === 'desc' ? -1 : 1
      cursor = cursor.sort(sort)
    }
    if (options.offset) cursor = cursor.skip(options.offset)
    if (options.limit !== undefined) cursor = cursor.limit(options.limit)
    return cursor.all() as AnyObject[]
  })
}

/**
 * A test for `filter`, prepared once: for watches, which test every committed change, and `$geoNear`,
 * which tests every document (`findDocs` would prepare the filter again for each).
 */
export function createMatcher(filter: AnyObject): (doc: AnyObject) => boolean {
  refuseCode(filter)
  const geo = splitGeo(filter)
  const rest = geo ? geo.rest : filter
  let query: Query | undefined
  const test = compileFilter(rest) || ((doc: AnyObject) => evaluate(() => (query = query || new Query(rest, OPTIONS)).test(doc)))
  return geo ? (doc) => geo.tests.every((check) => check(doc)) && test(doc) : test
}

const UPDATE_OPERATORS = ['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$bit', '$push', '$pop', '$pull', '$pullAll', '$addToSet', '$currentDate']

/** Checks an update: operators only, each known. `$setOnInsert` is accepted and applied on insert only. */
export function checkUpdate(data: AnyObject): void {
  const keys = Object.keys(data)
  if (!keys.length) throw invalidParam('the update has no operator')
  for (const key of keys) {
    if (key !== '$setOnInsert' && UPDATE_OPERATORS.indexOf(key) < 0) {
      throw new EmulatorError('DATABASE_INVALID_OPERRATOR', `unknown update operator ${key}`)
    }
  }
  if ('_id' in ((data.$set as AnyObject) || {}) || '_id' in ((data.$unset as AnyObject) || {})) {
    throw invalidParam('_id cannot be updated')
  }
  refuseCode(data)
}

/** A copy of `doc` with the update operators applied (the stored document is never touched). */
export function applyUpdate(doc: Doc, data: AnyObject, inserting = false): Doc {
  const copy = structuredClone(doc)
  const { $setOnInsert, ...operators } = data
  evaluate(() => {
    if (Object.keys(operators).length) update(copy, operators, undefined, undefined, { cloneMode: 'none' })
    if (inserting && $setOnInsert) update(copy, { $set: $setOnInsert as AnyObject }, undefined, undefined, { cloneMode: 'none' })
  })
  if (copy._id !== doc._id) throw invalidParam('_id cannot be updated')
  return copy
}

/**
 * The document an upsert creates: the equality conditions of the query, then the update applied (as
 * MongoDB builds it).
 */
export function upsertBase(id: string, filter: AnyObject): Doc {
  const base: Doc = { _id: id }
  for (const [key, value] of Object.entries(filter)) {
    if (key[0] === '$' || key === '_id') continue
    const isOperator = value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp) && Object.keys(value).some((k) => k[0] === '$')
    if (!isOperator) update(base, { $set: { [key]: value } }, undefined, undefined, { cloneMode: 'none' })
  }
  return base
}

/** Runs an aggregation pipeline; `$lookup` reads other collections through `resolve`. */
export function aggregateDocs(docs: Iterable<Doc>, pipeline: AnyObject[], resolve: (name: string) => AnyObject[]): AnyObject[] {
  refuseCode(pipeline)
  let input: AnyObject[] = [...docs]
  let stages = pipeline.map(fixConciseLookup)
  const first = stages[0]
  if (first && '$geoNear' in first) {
    input = geoNearStage(input, first.$geoNear as AnyObject, createMatcher)
    stages = stages.slice(1)
  }
  if (stages.some((stage) => '$geoNear' in stage)) throw invalidParam('$geoNear must be the first stage of a pipeline')
  // mingo changes its input documents in place in some stages (`$set: { 'a.b': 1 }`): the pipeline works
  // on copies, so stored documents (and joined ones) never change.
  const options = { ...OPTIONS, processingMode: ProcessingMode.CLONE_INPUT, collectionResolver: (name: string) => structuredClone(resolve(name)) }
  return evaluate(() => mingoAggregate(input, stages, options) as AnyObject[])
}

/**
 * mingo runs a `$lookup` that has both `localField/foreignField` and `pipeline` (MongoDB 5's concise form)
 * over the whole foreign collection (peer-sdks.md §5.1); rewrite it to the `let` + `$expr` form, which
 * mingo evaluates right. An array local value matches any of its elements, as in MongoDB.
 */
function fixConciseLookup(stage: AnyObject): AnyObject {
  const lookup = stage.$lookup as AnyObject | undefined
  if (!lookup || typeof lookup.localField !== 'string' || typeof lookup.foreignField !== 'string' || !Array.isArray(lookup.pipeline)) return stage
  const { localField, foreignField, pipeline, ...rest } = lookup
  const local = '$$__mpcloud_local'
  const field = `$${foreignField}`
  const join = { $expr: { $cond: [{ $isArray: local }, { $in: [field, local] }, { $eq: [field, local] }] } }
  return {
    $lookup: Object.assign(rest, {
      let: Object.assign({}, (rest.let as AnyObject) || {}, { __mpcloud_local: `$${localField}` }),
      pipeline: [{ $match: join }, ...pipeline],
    }),
  }
}
