/**
 * The comparison expressions (`$cmp`, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`), in place of mingo's:
 * MongoDB compares values of different types by the BSON order (a string is greater than any number, an
 * array greater than an object), where mingo answers false; and a missing value is less than null (so
 * `{ $eq: ['$missing', null] }` is false and `{ $lte: ['$missing', null] }` true), where mingo's `$eq`
 * takes them as equal while its `$cmp` does not.
 */
import { evalExpr } from 'mingo/core'
import type { ExpressionOperator } from './bounded-operators'
import { compareValues } from './sort-order'

/** Missing below everything, null included; then BSON's order. */
function compareOperands(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1
  return compareValues(a, b)
}

function comparison(name: string, answer: (order: number) => boolean | number): ExpressionOperator {
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options)
    if (!Array.isArray(args) || args.length !== 2) throw new Error(`${name} takes exactly 2 arguments`)
    return answer(compareOperands(args[0], args[1]))
  }
}

/** The comparison expressions above, by name. */
export const comparisonExpressionOperators: Record<string, ExpressionOperator> = {
  $cmp: comparison('$cmp', (order) => order),
  $eq: comparison('$eq', (order) => order === 0),
  $ne: comparison('$ne', (order) => order !== 0),
  $gt: comparison('$gt', (order) => order > 0),
  $gte: comparison('$gte', (order) => order >= 0),
  $lt: comparison('$lt', (order) => order < 0),
  $lte: comparison('$lte', (order) => order <= 0),
}
