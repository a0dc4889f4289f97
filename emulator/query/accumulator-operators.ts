/**
 * Accumulators the emulator implements itself in place of mingo's:
 * - `$top` / `$bottom` answer the one output value, where mingo answers it in an array, and with `$topN` /
 *   `$bottomN` they order by MongoDB's rules (sort-order.ts);
 * - `$mergeObjects` in `$group` merges each document's value of its expression, where mingo merges the
 *   whole documents and fails on an expression; as an expression it merges its evaluated arguments.
 */
import { evalExpr } from 'mingo/core'
import type { AnyObject, Options } from 'mingo/types'
import type { ExpressionOperator } from './bounded-operators'
import { valuesOn } from './evaluate-on'
import { parseSortSpec, sortDocs } from './sort-order'

type Accumulator = (collection: AnyObject[], expr: unknown, options: Options) => unknown

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)

/** `{ sortBy, output, n? }` of the top and bottom accumulators. */
function ranked(name: string, bottom: boolean, single: boolean): Accumulator {
  return (collection, expr, options) => {
    if (!isObject(expr) || expr.output === undefined) throw new Error(`${name} takes { sortBy, output${single ? '' : ', n'} }`)
    const n = single ? 1 : evalExpr({}, expr.n, options)
    if (!Number.isInteger(n) || (n as number) < 1) throw new Error(`${name}: n must be a positive integer`)
    const sorted = sortDocs(collection, parseSortSpec(expr.sortBy, `${name} sortBy`))
    const chosen = bottom ? sorted.slice(Math.max(0, sorted.length - (n as number))) : sorted.slice(0, n as number)
    const outputs = valuesOn(chosen, expr.output, options)
    return single ? (outputs.length ? outputs[0] : null) : outputs
  }
}

/** The objects in `values` merged left to right; null and missing are skipped, anything else refused. */
function merge(values: unknown[]): AnyObject {
  const out: AnyObject = {}
  for (const value of values) {
    if (value === null || value === undefined) continue
    if (!isObject(value)) throw new Error('$mergeObjects requires object inputs')
    for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = value[key]
  }
  return out
}

const mergeObjectsAccumulator: Accumulator = (collection, expr, options) => merge(valuesOn(collection, expr, options))

/** The accumulators above, by name. */
export const accumulatorOperators: Record<string, Accumulator> = {
  $top: ranked('$top', false, true),
  $bottom: ranked('$bottom', true, true),
  $topN: ranked('$topN', false, false),
  $bottomN: ranked('$bottomN', true, false),
  $mergeObjects: mergeObjectsAccumulator,
}

/** `$mergeObjects` as an expression; in `$group` (the documents as `obj`) the accumulator above. */
export const mergeObjectsExpression: Record<string, ExpressionOperator> = {
  $mergeObjects(obj, expr, options) {
    if (Array.isArray(obj)) return mergeObjectsAccumulator(obj as AnyObject[], expr, options)
    const value = evalExpr(obj, expr, options)
    return merge(Array.isArray(expr) ? (value as unknown[]) : [value])
  },
}
