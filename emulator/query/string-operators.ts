/**
 * `$toLower` and `$toUpper`, in place of mingo's, which answer null for a null or missing argument where
 * MongoDB answers an empty string.
 */
import { evalExpr } from 'mingo/core'
import { $toLower, $toUpper } from 'mingo/operators/expression'
import type { ExpressionOperator } from './bounded-operators'

function emptyForNull(operator: ExpressionOperator): ExpressionOperator {
  return (obj, expr, options) => {
    const value = evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options)
    // Handed back as a literal, so mingo does not evaluate it again.
    return value === null || value === undefined ? '' : operator(obj, { $literal: value }, options)
  }
}

/** The string expressions above, by name. */
export const stringExpressionOperators: Record<string, ExpressionOperator> = {
  $toLower: emptyForNull($toLower as ExpressionOperator),
  $toUpper: emptyForNull($toUpper as ExpressionOperator),
}
