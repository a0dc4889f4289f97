/**
 * `$first` and `$last` as expressions (MongoDB 4.4+, "$first (array operator)"), in place of mingo's: the
 * first or last element of an array, that element whatever it is (`[[]]` gives `[]`; mingo flattens the
 * array first and answers nothing), nothing for an empty array (mingo's `$last` fails the whole pipeline
 * there), null for null or missing. Inside `$group` and windows the same names are accumulators: called
 * with the group's documents, they hand over to the context's accumulator. And `$size`, which MongoDB
 * refuses anything but an array (null and missing included), where mingo answers null.
 */
import { evalExpr, OpType } from 'mingo/core'
import type { AnyObject, Options } from 'mingo/types'
import type { ExpressionOperator } from './bounded-operators'

type Accumulator = (collection: AnyObject[], expr: unknown, options: Options) => unknown

/**
 * The one argument of a one-argument operator: MongoDB reads `[x]` as the list of arguments, so
 * `{ $first: [[1, 2]] }` is the first of `[1, 2]` (as `{ $isArray: [[1, 2]] }` is true).
 */
const argument = (expr: unknown) => (Array.isArray(expr) && expr.length === 1 ? expr[0] : expr)

function element(name: '$first' | '$last', pick: (array: unknown[]) => unknown): ExpressionOperator {
  return (obj, expr, options) => {
    // mingo evaluates an accumulator through the expression of the same name, with the documents as `obj`.
    if (Array.isArray(obj)) return (options.context!.getOperator(OpType.ACCUMULATOR, name) as Accumulator)(obj, expr, options)
    const value = evalExpr(obj, argument(expr), options)
    if (value === null || value === undefined) return null
    if (!Array.isArray(value)) throw new Error(`${name}'s argument must be an array`)
    return value.length ? pick(value) : undefined
  }
}

const $size: ExpressionOperator = (obj, expr, options) => {
  const value = evalExpr(obj, argument(expr), options)
  if (!Array.isArray(value)) throw new Error('The argument to $size must be an array')
  return value.length
}

/** The array expressions above, by name. */
export const arrayExpressionOperators: Record<string, ExpressionOperator> = {
  $size,
  $first: element('$first', (array) => array[0]),
  $last: element('$last', (array) => array[array.length - 1]),
}
