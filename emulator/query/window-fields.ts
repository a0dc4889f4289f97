/**
 * `$setWindowFields`, in place of mingo's, which computes each output through `$function` and so cannot
 * run where server-side code is refused (scriptEnabled off, docs/protocol.md §15). Documents are grouped
 * by `partitionBy`, ordered by `sortBy`, and each output is computed over its window:
 * - every accumulator of the engine's context (`$sum`, `$avg`, `$min`, `$max`, `$count`, `$push`,
 *   `$addToSet`, `$first`, `$last`, `$stdDevPop`, ... ) over a `documents` window (positions relative
 *   to the current document) or a `range` window (sortBy values relative to the current one, with `unit`
 *   for dates), the whole partition without one;
 * - the window operators `$documentNumber`, `$rank`, `$denseRank`, `$shift`, `$locf`, `$linearFill`,
 *   `$expMovingAvg`, `$derivative` and `$integral`.
 * Others (`$minMaxScaler`) are refused by name. Outputs are computed from the documents as they came in,
 * then set together. Partitions come out one after another, each in sortBy order (as MongoDB sorts them).
 */
import { evalExpr, OpType } from 'mingo/core'
import { Lazy, type Iterator } from 'mingo/lazy'
import type { AnyObject, Options } from 'mingo/types'
import { invalidParam } from '../errors'
import { addUnits } from './date-units'
import { valuesOn } from './evaluate-on'
import { compareKeys, compareValues, parseSortSpec, sortDocs, sortKey, type SortSpec } from './sort-order'
import { windowOperators, type WindowCall } from './window-operators'

type Accumulator = (collection: AnyObject[], expr: unknown, options: Options) => unknown
type Bound = number | 'current' | 'unbounded'

/** One output field: what computes it and over which window. */
interface Output {
  field: string
  operator: string
  args: unknown
  window?: { documents?: [Bound, Bound]; range?: [Bound, Bound]; unit?: string }
}

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
const fail = (message: string): never => {
  throw new Error(`$setWindowFields: ${message}`)
}

/** Window operators that order documents, and those that take no window. */
const NEEDS_SORT = ['$documentNumber', '$rank', '$denseRank', '$shift', '$linearFill', '$expMovingAvg', '$derivative', '$integral']
const NO_WINDOW = ['$documentNumber', '$rank', '$denseRank', '$shift', '$locf', '$linearFill', '$expMovingAvg']

function checkBounds(bounds: unknown, kind: 'documents' | 'range'): [Bound, Bound] {
  const ok = (b: unknown) => b === 'current' || b === 'unbounded' || (typeof b === 'number' && isFinite(b) && (kind === 'range' || Number.isInteger(b)))
  if (!Array.isArray(bounds) || bounds.length !== 2 || !bounds.every(ok)) fail(`window.${kind} must be [lower, upper], each "unbounded", "current" or ${kind === 'documents' ? 'an integer' : 'a number'}`)
  return bounds as [Bound, Bound]
}

function outputOf(field: string, spec: unknown, options: Options): Output {
  if (!isObject(spec)) return fail(`output.${field} must be an object such as { $sum: "$x", window: { documents: [-1, 1] } }`)
  const operators = Object.keys(spec).filter((key) => key !== 'window')
  if (operators.length !== 1 || operators[0]![0] !== '$') return fail(`output.${field} must name one window operator`)
  const operator = operators[0]!
  const known = windowOperators[operator] || options.context.getOperator(OpType.ACCUMULATOR, operator)
  if (!known) {
    if (options.context.getOperator(OpType.WINDOW, operator)) throw invalidParam(`$setWindowFields: the window operator ${operator} is not supported by the emulator`)
    fail(`${operator} is not a window operator`)
  }
  const output: Output = { field, operator, args: spec[operator] }
  if (spec.window !== undefined) {
    const window = spec.window
    if (!isObject(window)) return fail('window must be an object of documents or range')
    if ((window.documents === undefined) === (window.range === undefined)) fail('window takes one of documents or range')
    if (NO_WINDOW.indexOf(operator) >= 0) fail(`${operator} takes no window`)
    output.window = window.documents !== undefined ? { documents: checkBounds(window.documents, 'documents') } : { range: checkBounds(window.range, 'range') }
    if (window.unit !== undefined) {
      if (window.range === undefined || typeof window.unit !== 'string') fail('window.unit goes with a range window')
      output.window.unit = window.unit as string
    }
  }
  return output
}

const bounded = (output: Output) => {
  const bounds = output.window && (output.window.documents || output.window.range)
  return !!bounds && !(bounds[0] === 'unbounded' && bounds[1] === 'unbounded')
}

const range = (from: number, to: number) => (from <= to ? Array.from({ length: to - from + 1 }, (_, k) => from + k) : [])

/** The positions in the window of `output` around position `i` of a sorted partition (`values`: its sortBy values). */
function windowAt(values: unknown[], i: number, output: Output): number[] {
  const window = output.window
  const last = values.length - 1
  if (!window || !bounded(output)) return range(0, last)
  if (window.documents) {
    const [lower, upper] = window.documents
    const from = lower === 'unbounded' ? 0 : lower === 'current' ? i : Math.max(0, i + lower)
    const to = upper === 'unbounded' ? last : upper === 'current' ? i : Math.min(last, i + upper)
    return range(from, to)
  }
  const [lower, upper] = window.range!
  const current = values[i]
  const unit = window.unit
  const numeric = (v: unknown) => (unit ? (v instanceof Date ? v.getTime() : undefined) : typeof v === 'number' ? v : undefined)
  const at = numeric(current)
  if (at === undefined) fail(unit ? 'a range window with a unit needs dates to sort by' : 'a range window needs numbers to sort by (or dates, with a unit)')
  const edge = (bound: Bound, infinite: number) =>
    bound === 'unbounded' ? infinite : bound === 'current' ? at! : unit ? addUnits(current as Date, bound, unit) : at! + bound
  const low = edge(lower, -Infinity)
  const high = edge(upper, Infinity)
  return range(0, last).filter((j) => {
    const v = numeric(values[j])
    return v !== undefined && v >= low && v <= high
  })
}

/** A copy of `doc` with `value` at the dot path `field` (a missing value leaves the field out). */
export function withField(doc: AnyObject, field: string, value: unknown): AnyObject {
  const path = field.split('.')
  const out = { ...doc }
  let target = out
  for (let i = 0; i < path.length - 1; i++) {
    const next = target[path[i]!]
    target = target[path[i]!] = isObject(next) ? { ...next } : {}
  }
  if (value === undefined) delete target[path[path.length - 1]!]
  else target[path[path.length - 1]!] = value
  return out
}

/** The values of one output for every document of a sorted partition. */
function computeOutput(docs: AnyObject[], sort: SortSpec | undefined, output: Output, options: Options): unknown[] {
  const values = sort && sort.length === 1 ? docs.map((doc) => sortKey(doc, sort[0]!.path, false)) : docs.map(() => undefined)
  const special = windowOperators[output.operator]
  if (special) {
    const call: WindowCall = {
      docs,
      sortValues: values,
      args: output.args,
      options,
      window: (i) => windowAt(values, i, output),
      sameRank: (a, b) => sameRank(docs[a]!, docs[b]!, sort),
    }
    return special(call)
  }
  const accumulator = options.context.getOperator(OpType.ACCUMULATOR, output.operator) as Accumulator
  if (!bounded(output)) {
    const whole = accumulator(docs, output.args, options)
    return docs.map(() => whole)
  }
  return docs.map((_, i) => accumulator(windowAt(values, i, output).map((j) => docs[j]!), output.args, options))
}

/** Do two documents tie on every sortBy field (what `$rank` gives the same rank)? */
function sameRank(a: AnyObject, b: AnyObject, sort: SortSpec | undefined): boolean {
  return !!sort && sort.every(({ path, descending }) => compareKeys(sortKey(a, path, descending), sortKey(b, path, descending)) === 0)
}

/** `$setWindowFields: { partitionBy?, sortBy?, output }`. */
export function setWindowFields(collection: Iterator, expr: unknown, options: Options): Iterator {
  if (!isObject(expr) || !isObject(expr.output) || !Object.keys(expr.output).length) fail('takes { partitionBy?, sortBy?, output: { field: { <operator>: ..., window? } } }')
  const spec = expr as AnyObject
  const outputs = Object.entries(spec.output as AnyObject).map(([field, value]) => outputOf(field, value, options))
  const sort = spec.sortBy === undefined ? undefined : parseSortSpec(spec.sortBy, '$setWindowFields sortBy')
  for (const output of outputs) {
    if (!sort && (NEEDS_SORT.indexOf(output.operator) >= 0 || bounded(output))) fail(`${bounded(output) ? 'a bounded window' : output.operator} needs sortBy`)
    if (output.window && output.window.range && (!sort || sort.length !== 1)) fail('a range window needs sortBy on exactly one field')
  }
  return collection.transform((docs: AnyObject[]) => {
    const results: AnyObject[] = []
    for (const partition of partitions(docs, spec.partitionBy, options)) {
      const sorted = sort ? sortDocs(partition, sort) : partition
      const columns = outputs.map((output) => computeOutput(sorted, sort, output, options))
      sorted.forEach((doc, i) => {
        let out = doc
        outputs.forEach((output, k) => (out = withField(out, output.field, columns[k]![i])))
        results.push(out)
      })
    }
    return Lazy(results)
  })
}

/** The documents grouped by the value of `partitionBy` (one group without it), in the order of those values. */
export function partitions(docs: AnyObject[], partitionBy: unknown, options: Options): AnyObject[][] {
  if (partitionBy === undefined) return [docs]
  const keys = valuesOn(docs, partitionBy, options)
  const keyed = docs.map((doc, i) => ({ doc, key: keys[i] }))
  // Stable: documents of one partition keep their order for sortBy to work on.
  const ordered = keyed.map((entry, index) => ({ ...entry, index })).sort((a, b) => compareValues(a.key, b.key) || a.index - b.index)
  const groups: AnyObject[][] = []
  ordered.forEach((entry, i) => {
    if (i === 0 || compareValues(ordered[i - 1]!.key, entry.key) !== 0) groups.push([])
    groups[groups.length - 1]!.push(entry.doc)
  })
  return groups
}
