/**
 * `$switch`, in place of mingo's, which answers nothing when no branch matches and there is no `default`;
 * MongoDB fails the pipeline there ("$switch could not find a matching branch for an input, and no
 * default was specified"). A branch's `case` is true as in `$cond`: anything but false, null, 0 and missing.
 */
import { evalExpr } from 'mingo/core'
import type { ExpressionOperator } from './bounded-operators'

const truthy = (value: unknown) => value !== false && value !== null && value !== undefined && value !== 0

const $switch: ExpressionOperator = (obj, expr, options) => {
  const spec = expr as { branches?: unknown; default?: unknown } | null
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.branches) || !spec.branches.length) throw new Error('$switch takes { branches: [{ case, then }, ...], default? }')
  for (const branch of spec.branches as { case?: unknown; then?: unknown }[]) {
    if (!branch || typeof branch !== 'object' || !('case' in branch) || !('then' in branch)) throw new Error('$switch: each branch is { case, then }')
    if (truthy(evalExpr(obj, branch.case, options))) return evalExpr(obj, branch.then, options)
  }
  if (!('default' in spec)) throw new Error('$switch could not find a matching branch for an input, and no default was specified')
  return evalExpr(obj, spec.default, options)
}

/** The conditional expressions above, by name. */
export const conditionalExpressionOperators: Record<string, ExpressionOperator> = { $switch }
