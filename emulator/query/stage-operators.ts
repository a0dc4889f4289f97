/**
 * Aggregation stages the emulator implements itself in place of mingo's (docs/mingo-deviations.md):
 * - `$sort`, by MongoDB's order over arrays (sort-order.ts);
 * - `$bucket`, whose buckets are [lower, upper) as MongoDB defines them, and only those that hold a
 *   document (mingo puts a value equal to a boundary in the bucket below and answers empty buckets);
 * - `$count`, which answers nothing for no documents (mingo answers a count of 0);
 * - `$limit` and `$skip`, which take positive and non-negative integers (mingo's `$limit: 0` answers []);
 * - `$redact`, which drops the documents `$$PRUNE` removes (mingo answers them as empty documents);
 * - `$out` and `$merge`, refused: CloudBase's aggregation serves neither (no official SDK has a builder
 *   for them, and CloudBase's list of stages does not name them), and mingo's write into a copy that is
 *   thrown away, so a pipeline that seemed to save its result would save nothing.
 */
import { evalExpr } from 'mingo/core'
import { $redact } from 'mingo/operators/pipeline'
import { Lazy, type Iterator } from 'mingo/lazy'
import type { AnyObject, Options } from 'mingo/types'
import { invalidParam } from '../errors'
import type { PipelineOperator } from './bounded-operators'
import { valuesOn } from './evaluate-on'
import { compareValues, parseSortSpec, sortDocs } from './sort-order'

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)

/** `$sort: { field: 1 | -1, ... }`. */
function sortStage(collection: Iterator, expr: unknown): Iterator {
  const spec = parseSortSpec(expr, '$sort')
  return collection.transform((docs: AnyObject[]) => Lazy(sortDocs(docs, spec)))
}

interface BucketSpec {
  groupBy: unknown
  boundaries: unknown[]
  default?: unknown
  output?: AnyObject
}

/** Checks `$bucket`'s argument as MongoDB does. */
function bucketSpec(expr: unknown): BucketSpec {
  if (!isObject(expr)) throw new Error('$bucket takes { groupBy, boundaries, default?, output? }')
  const { groupBy, boundaries, output } = expr
  if (groupBy === undefined) throw new Error("$bucket requires 'groupBy'")
  if (!Array.isArray(boundaries) || boundaries.length < 2) throw new Error("$bucket: 'boundaries' must be an array of at least 2 values")
  for (let i = 1; i < boundaries.length; i++) {
    if (compareValues(boundaries[i - 1], boundaries[i]) >= 0) throw new Error("$bucket: 'boundaries' must be sorted in ascending order, without repeats")
    if (typeof boundaries[i - 1] !== typeof boundaries[i]) throw new Error("$bucket: all 'boundaries' must be of the same type")
  }
  if ('default' in expr) {
    const inside = compareValues(expr.default, boundaries[0]) >= 0 && compareValues(expr.default, boundaries[boundaries.length - 1]) < 0
    if (inside && typeof expr.default === typeof boundaries[0]) throw new Error("$bucket: 'default' must be less than the lowest boundary or greater than or equal to the highest")
  }
  if (output !== undefined && !isObject(output)) throw new Error("$bucket: 'output' must be an object of accumulators")
  return expr as unknown as BucketSpec
}

/** The index of the bucket [boundaries[i], boundaries[i + 1]) that holds `value`, or -1. */
function bucketOf(boundaries: unknown[], value: unknown): number {
  if (compareValues(value, boundaries[0]) < 0 || compareValues(value, boundaries[boundaries.length - 1]) >= 0) return -1
  let low = 0
  let high = boundaries.length - 1
  // The last boundary whose value is at most `value`.
  while (high - low > 1) {
    const middle = (low + high) >> 1
    if (compareValues(boundaries[middle], value) <= 0) low = middle
    else high = middle
  }
  return low
}

/** `$bucket`: documents grouped into [lower, upper) ranges of `groupBy`, then `default`; each group's `output`. */
function bucketStage(collection: Iterator, expr: unknown, options: Options): Iterator {
  const spec = bucketSpec(expr)
  const output = spec.output || { count: { $sum: 1 } }
  const hasDefault = 'default' in spec
  return collection.transform((docs: AnyObject[]) => {
    const groups: AnyObject[][] = spec.boundaries.slice(1).map(() => [])
    const outside: AnyObject[] = []
    const values = valuesOn(docs, spec.groupBy, options)
    docs.forEach((doc, i) => {
      const index = bucketOf(spec.boundaries, values[i])
      if (index >= 0) groups[index]!.push(doc)
      else if (hasDefault) outside.push(doc)
      else throw new Error('$bucket could not find a matching branch for an input, and no default was specified')
    })
    const results: AnyObject[] = []
    // The accumulators of `output` run over each group's documents, as in `$group`.
    const emit = (id: unknown, group: AnyObject[]) => results.push({ _id: id, ...(evalExpr(group, output, options) as AnyObject) })
    groups.forEach((group, i) => group.length && emit(spec.boundaries[i], group))
    if (outside.length) emit(spec.default, outside)
    return Lazy(results)
  })
}

/** `$count: '<field>'`: one document with the number of documents, none for no documents. */
function countStage(collection: Iterator, expr: unknown): Iterator {
  if (typeof expr !== 'string' || !expr || expr[0] === '$' || expr.indexOf('.') >= 0) throw new Error('$count takes a non-empty field name without "$" or "."')
  return collection.transform((docs: AnyObject[]) => Lazy(docs.length ? [{ [expr]: docs.length }] : []))
}

function limitStage(collection: Iterator, expr: unknown): Iterator {
  if (!Number.isInteger(expr) || (expr as number) <= 0) throw new Error('$limit takes a positive integer')
  return collection.take(expr as number)
}

function skipStage(collection: Iterator, expr: unknown): Iterator {
  if (!Number.isInteger(expr) || (expr as number) < 0) throw new Error('$skip takes a non-negative integer')
  return collection.drop(expr as number)
}

function redactStage(collection: Iterator, expr: unknown, options: Options): Iterator {
  return $redact(collection, expr as AnyObject, options).filter((doc: unknown) => doc !== undefined)
}

const refused = (stage: string, reason: string): PipelineOperator => () => {
  throw invalidParam(`${stage} is not supported: ${reason}`)
}

/** The stages above, by name. */
export const stageOperators: Record<string, PipelineOperator> = {
  $sort: sortStage as PipelineOperator,
  $bucket: bucketStage as PipelineOperator,
  $count: countStage as PipelineOperator,
  $limit: limitStage as PipelineOperator,
  $skip: skipStage as PipelineOperator,
  $redact: redactStage as PipelineOperator,
  $out: refused('$out', "CloudBase's aggregation does not write to collections; read the result and write it with add() or update()"),
  $merge: refused('$merge', "CloudBase's aggregation does not write to collections; read the result and write it with add() or update()"),
}
