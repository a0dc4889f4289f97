/**
 * Query, update and aggregation semantics: mingo evaluates, this file adds what CloudBase needs around
 * it (server-side code refused, upsert documents, order as CloudBase sends it). Every evaluation runs on
 * the emulator's mingo (context.ts), with a budget of its own for what its operators build (limits.ts).
 */
import { Aggregator } from 'mingo/aggregator'
import { ProcessingMode } from 'mingo/core'
import { Query } from 'mingo/query'
import { update } from 'mingo/updater'
import { EmulatorError, invalidParam } from '../errors'
import type { Doc } from '../store/store'
import { compileFilter } from './compile'
import { engineOptions } from './context'
import { sortScalars } from './sort'
import { sortDocs, type SortSpec } from './sort-order'
import { byDistance, geoNearStage, splitGeo } from './geo'
import { Budget, formatBytes, limitExceeded, MAX_RESULT_BYTES } from './limits'
import { measure } from './sizes'
import { MAX_DOCUMENT_BYTES, refuseOversized } from './storable'
import { checkUpdateTypes } from './update-checks'
import { checkUpdateDepth } from './update-depth'
import { MAX_DEPTH } from './values'

type AnyObject = Record<string, unknown>

/** Operators that run code on the server: never accepted (docs/protocol.md §15; mingo's scriptEnabled off too). */
const CODE_OPERATORS = ['$where', '$function', '$accumulator']

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
  // Common filters run compiled; mingo then only projects the page.
  const predicate = compileFilter(filter)
  let pool: Doc[]
  if (predicate) {
    pool = []
    for (const doc of docs) if (predicate(doc)) pool.push(doc)
  } else pool = [...docs]
  const projection = options.projection && Object.keys(options.projection).length ? options.projection : undefined
  const sorted = predicate ? (options.order && options.order.length ? sortScalars(pool, options.order) : pool) : undefined
  return evaluate(() => {
    let ordered: AnyObject[] | undefined = sorted
    if (!ordered) {
      // Filtered by mingo (or compiled, with an array in a sort field), ordered by MongoDB's rules (sort-order.ts).
      const matched = predicate ? pool : new Query(filter, engineOptions(new Budget())).find<AnyObject>(pool).all()
      ordered = options.order && options.order.length ? sortDocs(matched, orderSpec(options.order)) : matched
    }
    // Page, then let mingo project the page only.
    const start = options.offset || 0
    const page = ordered.slice(start, options.limit === undefined ? undefined : start + options.limit)
    if (!projection) return page
    // A projection can compute values (`{ a: ['$big', '$big'] }`): its results are measured as they come.
    return bounded(new Query({}, engineOptions(new Budget())).find<AnyObject>(page, projection)[Symbol.iterator](), 'query')
  })
}

/** CloudBase's `order` as a sort specification. */
function orderSpec(order: { field: string; direction: 'asc' | 'desc' }[]): SortSpec {
  return order.map(({ field, direction }) => ({ path: field.split('.'), descending: direction === 'desc' }))
}

/**
 * A test for `filter`, prepared once: for watches, which test every committed change, and `$geoNear`,
 * which tests every document (`findDocs` would prepare the filter again for each). Each test has the
 * whole budget of a request.
 */
export function createMatcher(filter: AnyObject): (doc: AnyObject) => boolean {
  refuseCode(filter)
  const geo = splitGeo(filter)
  const rest = geo ? geo.rest : filter
  const budget = new Budget()
  let query: Query | undefined
  const slow = (doc: AnyObject) =>
    evaluate(() => {
      budget.reset()
      return (query = query || new Query(rest, engineOptions(budget))).test(doc)
    })
  const test = compileFilter(rest) || slow
  return geo ? (doc) => geo.tests.every((check) => check(doc)) && test(doc) : test
}

/** The update operators an update may use (and `$setOnInsert`, applied on insert only). */
export const UPDATE_OPERATORS = ['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$bit', '$push', '$pop', '$pull', '$pullAll', '$addToSet', '$currentDate']

/**
 * Checks an update: operators only, each known, nesting no document deeper than the store can load.
 * `$setOnInsert` is accepted and applied on insert only.
 */
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
  checkUpdateDepth(data)
}

/**
 * A copy of `doc` with the update operators applied (the stored document is never touched). Refused when
 * the result is larger than a document may be (`$set: { 'a.999999999': 1 }` pads an array), before
 * anything encodes, indexes or matches it. `condition` is the query that selected `doc`, for `$`.
 */
export function applyUpdate(doc: Doc, data: AnyObject, inserting = false, condition?: AnyObject): Doc {
  const copy = structuredClone(doc)
  const { $setOnInsert, ...operators } = data
  checkUpdateTypes(copy, operators)
  const options = { cloneMode: 'none' as const, queryOptions: engineOptions(new Budget()) }
  evaluate(() => {
    // `condition`, the query that matched the document, is what the positional `$` ('arr.$.v') refers to.
    if (Object.keys(operators).length) update(copy, operators, undefined, condition, options)
    if (inserting && $setOnInsert) update(copy, { $set: $setOnInsert as AnyObject }, undefined, undefined, options)
  })
  if (copy._id !== doc._id) throw invalidParam('_id cannot be updated')
  refuseOversized(copy._id, copy)
  return copy
}

/**
 * The document an upsert creates: the equality conditions of the query, then the update applied (as
 * MongoDB builds it).
 */
export function upsertBase(id: string, filter: AnyObject): Doc {
  const base: Doc = { _id: id }
  const equalities: AnyObject = {}
  for (const [key, value] of Object.entries(filter)) {
    if (key[0] === '$' || key === '_id') continue
    const isOperator = value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp) && Object.keys(value).some((k) => k[0] === '$')
    if (!isOperator) equalities[key] = value
  }
  checkUpdateDepth({ $set: equalities })
  const options = { cloneMode: 'none' as const, queryOptions: engineOptions(new Budget()) }
  for (const [key, value] of Object.entries(equalities)) update(base, { $set: { [key]: value } }, undefined, undefined, options)
  return base
}

/**
 * Runs an aggregation pipeline; `$lookup` reads other collections through `resolve`. What its operators
 * build is bounded (limits.ts), and so is its answer: each document at most 16 MB and 100 levels deep
 * (what a document may be), all of them at most `MAX_RESULT_BYTES`, measured as they come out of the
 * pipeline, before the next one is computed and before anything encodes them.
 */
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
  const options = engineOptions(new Budget(), { processingMode: ProcessingMode.CLONE_INPUT, collectionResolver: (name: string) => structuredClone(resolve(name)) })
  return evaluate(() => bounded(new Aggregator(stages, options).stream(input), 'aggregation'))
}

/**
 * The documents of an answer, each at most what a document may be (16 MB, 100 levels deep) and all of
 * them at most `MAX_RESULT_BYTES`. mingo shares values, so a short pipeline or projection can reference
 * one string a thousand times: each document is measured as it comes, before the next one is computed
 * and before anything encodes it.
 */
function bounded(results: { next(): { value?: unknown; done: boolean } }, what: 'query' | 'aggregation'): AnyObject[] {
  const out: AnyObject[] = []
  let total = 0
  for (let next = results.next(); !next.done; next = results.next()) {
    const doc = next.value as AnyObject
    const { bytes, depth } = measure(doc, MAX_DOCUMENT_BYTES)
    if (bytes > MAX_DOCUMENT_BYTES) throw limitExceeded(`the ${what} would answer a document larger than ${formatBytes(MAX_DOCUMENT_BYTES)}, the most a document may be (MongoDB's limit)`)
    if (depth > MAX_DEPTH) throw limitExceeded(`the ${what} would answer a document nested ${depth} levels deep; at most ${MAX_DEPTH}`)
    total += bytes
    if (total > MAX_RESULT_BYTES) throw limitExceeded(`the ${what} would answer more than ${formatBytes(MAX_RESULT_BYTES)} of documents, the most the emulator answers at once; add a $limit or a $project`)
    out.push(doc)
  }
  return out
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
