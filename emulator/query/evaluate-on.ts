/**
 * An expression's value on each of some documents, each document as `$$ROOT`. Accumulators and window
 * operators are called with options whose root is the whole group (mingo's `$group` sets it so), and
 * mingo's `evalExpr` keeps a root it is given, so `'$_id'` would read the group's array; mingo's own
 * accumulators set the root per document through an options class it does not export. `$push` is such an
 * accumulator: evaluating through it gives each document's value (null where it is missing).
 */
import { OpType } from 'mingo/core'
import type { AnyObject, Options } from 'mingo/types'

type Accumulator = (collection: AnyObject[], expr: unknown, options: Options) => unknown[]

export function valuesOn(docs: AnyObject[], expr: unknown, options: Options): unknown[] {
  // $push of a null expression answers the documents themselves.
  if (expr === null || expr === undefined) return docs.map(() => null)
  return (options.context.getOperator(OpType.ACCUMULATOR, '$push') as Accumulator)(docs, expr, options)
}
