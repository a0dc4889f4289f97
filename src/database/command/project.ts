/** `db.command.project`: projection operators for `field()`. */
import { invalidArgument } from '../../protocol/errors'
import { isArray } from '../../internal/is'
import { encodeCondition } from '../encode'
import type { ProjectionOperator } from '../types/projection'
import type { ElementCondition } from '../types/filter'

/** `_.project.slice(n)` (first n, or last -n) or `_.project.slice([skip, n])`. */
function slice(value: number | [number, number]): ProjectionOperator {
  const ok = isArray(value) ? value.length === 2 && value.every(Number.isInteger) : Number.isInteger(value)
  if (!ok) throw invalidArgument('command.project.slice', 'takes an integer n or [skip, n]')
  return { $slice: value }
}

/** `_.project.elemMatch(condition)`: only the first array element matching `condition`. */
function elemMatch(condition: ElementCondition<any>): ProjectionOperator
function elemMatch(condition: unknown): ProjectionOperator {
  return { $elemMatch: encodeCondition(condition, 'command.project.elemMatch') }
}

/** The `db.command.project` namespace. */
export const project: { readonly slice: typeof slice; readonly elemMatch: typeof elemMatch } = { slice, elemMatch }
