/**
 * The prover's values: what the rule can know about a value when it runs against a query rather than a
 * document. A value is one of a finite set (a constant is a set of one; an undecided comparison is
 * `{true, false}`), or a range of numbers, strings or dates, or anything; ranges and "anything" may have
 * values ruled out (`$ne`, `$nin`).
 *
 * The query side of this (query-knowledge.ts) follows MongoDB's matching as mingo does it: a comparison
 * only matches values of its operand's type, and `null` matches a missing field too.
 */
import type { ComparisonOperator } from './ast'
import { compareKeys, MISSING, orderKey, sameValue, type Ordering } from './values'

/** One end of a range: its order key (a date's time) and whether it is in the range. */
export interface Bound {
  readonly key: number | string
  readonly inclusive: boolean
}

/** The types a range can hold; a date range is keyed by time. */
export type RangeType = 'number' | 'string' | 'date'

/** What is known of a value (see the file comment). */
export type Abstract =
  | { readonly kind: 'values'; readonly values: readonly unknown[] }
  | { readonly kind: 'range'; readonly type: RangeType; readonly lower?: Bound; readonly upper?: Bound; readonly excluded: readonly unknown[] }
  | { readonly kind: 'any'; readonly excluded: readonly unknown[] }

/** Three-valued truth: `undefined` is "cannot tell". */
export type Tri = boolean | undefined

/** Nothing known. */
export const ANY: Abstract = { kind: 'any', excluded: [] }

/** Exactly this value. */
export const known = (value: unknown): Abstract => ({ kind: 'values', values: [value] })

/** A three-valued truth as a value: `{true}`, `{false}` or `{true, false}`. */
export function fromTri(truth: Tri): Abstract {
  return { kind: 'values', values: truth === undefined ? [true, false] : [truth] }
}

/** One fact a query states about a field. */
export type Constraint =
  | { readonly kind: 'one-of'; readonly values: readonly unknown[] }
  | { readonly kind: 'bound'; readonly type: RangeType; readonly side: 'lower' | 'upper'; readonly bound: Bound }
  | { readonly kind: 'exclude'; readonly values: readonly unknown[] }

/** The range type of a value, if a range can hold it (NaN and invalid dates are in none). */
export function rangeTypeOf(value: unknown): RangeType | undefined {
  if (typeof value === 'number') return value === value ? 'number' : undefined
  if (typeof value === 'string') return 'string'
  if (value instanceof Date) return value.getTime() === value.getTime() ? 'date' : undefined
  return undefined
}

function keyOf(value: number | string | Date): number | string {
  return value instanceof Date ? value.getTime() : value
}

function withinLower(key: number | string, lower: Bound | undefined): boolean {
  return !lower || (lower.inclusive ? key >= lower.key : key > lower.key)
}

function withinUpper(key: number | string, upper: Bound | undefined): boolean {
  return !upper || (upper.inclusive ? key <= upper.key : key < upper.key)
}

const isExcluded = (excluded: readonly unknown[], value: unknown): boolean => excluded.some((item) => sameValue(item, value))

/** Can `value` be in `range`? */
function inRange(value: unknown, range: Extract<Abstract, { kind: 'range' }>): boolean {
  if (rangeTypeOf(value) !== range.type) return false
  const key = keyOf(value as number | string | Date)
  return withinLower(key, range.lower) && withinUpper(key, range.upper) && !isExcluded(range.excluded, value)
}

const tighterLower = (a: Bound | undefined, b: Bound): Bound => (!a || b.key > a.key || (b.key === a.key && !b.inclusive) ? b : a)
const tighterUpper = (a: Bound | undefined, b: Bound): Bound => (!a || b.key < a.key || (b.key === a.key && !b.inclusive) ? b : a)

/** A range with no room left is the empty set; a range of one point is that value. */
function normalized(range: Extract<Abstract, { kind: 'range' }>): Abstract {
  const { lower, upper } = range
  if (!lower || !upper || lower.key < upper.key) return range
  if (lower.key > upper.key || !lower.inclusive || !upper.inclusive) return { kind: 'values', values: [] }
  const point = range.type === 'date' ? new Date(lower.key as number) : lower.key
  return { kind: 'values', values: isExcluded(range.excluded, point) ? [] : [point] }
}

/** What is known of a field after the query also states `constraint` about it. */
export function constrain(value: Abstract, constraint: Constraint): Abstract {
  switch (constraint.kind) {
    case 'one-of': {
      const allowed = constraint.values
      if (value.kind === 'values') return { kind: 'values', values: value.values.filter((item) => allowed.some((other) => sameValue(item, other))) }
      if (value.kind === 'range') return { kind: 'values', values: allowed.filter((item) => inRange(item, value)) }
      return { kind: 'values', values: allowed.filter((item) => !isExcluded(value.excluded, item)) }
    }
    case 'exclude':
      if (value.kind === 'values') return { kind: 'values', values: value.values.filter((item) => !isExcluded(constraint.values, item)) }
      return { ...value, excluded: [...value.excluded, ...constraint.values] }
    case 'bound': {
      const { type, side, bound } = constraint
      if (value.kind === 'values') {
        return {
          kind: 'values',
          values: value.values.filter((item) => {
            if (rangeTypeOf(item) !== type) return false
            const key = keyOf(item as number | string | Date)
            return side === 'lower' ? withinLower(key, bound) : withinUpper(key, bound)
          }),
        }
      }
      if (value.kind === 'range' && value.type !== type) return { kind: 'values', values: [] }
      const range = value.kind === 'range' ? value : { kind: 'range' as const, type, excluded: value.excluded }
      const lower = side === 'lower' ? tighterLower(range.lower, bound) : range.lower
      const upper = side === 'upper' ? tighterUpper(range.upper, bound) : range.upper
      return normalized({ kind: 'range', type, excluded: range.excluded, ...(lower && { lower }), ...(upper && { upper }) })
    }
  }
}

/** Is the value exactly `true` (the only value that allows)? */
export function truth(value: Abstract): Tri {
  if (value.kind === 'range') return false
  if (value.kind === 'any') return isExcluded(value.excluded, true) ? false : undefined
  const trues = value.values.filter((item) => item === true).length
  return trues === value.values.length ? true : trues === 0 ? false : undefined
}

/** `!` in three-valued logic. */
export function negate(truth: Tri): Tri {
  return truth === undefined ? undefined : !truth
}

/** Does every value of `value` (a range or anything) equal `constant`? */
function equalsConstant(value: Exclude<Abstract, { kind: 'values' }>, constant: unknown): Tri {
  // MISSING equals only the literal `undefined`, which no document holds. And `== undefined` is false
  // when the field is known to be there (MISSING is ruled out).
  if (constant === MISSING || isExcluded(value.excluded, constant === undefined ? MISSING : constant)) return false
  return value.kind === 'range' && !inRange(constant, value) ? false : undefined
}

/** Is `value op constant` for every value of a range? */
function orderConstant(range: Extract<Abstract, { kind: 'range' }>, op: Ordering, constant: unknown): Tri {
  const key = orderKey(constant)
  if (!key || key.order !== (range.type === 'string' ? 'string' : 'number')) return false
  const c = key.key
  const { lower, upper } = range
  const above = (bound: Bound | undefined, strict: boolean): boolean => !!bound && (bound.key > c || (bound.key === c && (!strict || !bound.inclusive)))
  const below = (bound: Bound | undefined, strict: boolean): boolean => !!bound && (bound.key < c || (bound.key === c && (!strict || !bound.inclusive)))
  switch (op) {
    case '>':
      return above(lower, true) ? true : upper && compareKeys(upper.key, '<=', c) ? false : undefined
    case '>=':
      return above(lower, false) ? true : below(upper, true) ? false : undefined
    case '<':
      return below(upper, true) ? true : lower && compareKeys(lower.key, '>=', c) ? false : undefined
    case '<=':
      return below(upper, false) ? true : above(lower, true) ? false : undefined
  }
}

/** Is `value op constant` for every value of `value` (a range or anything)? */
export function compareConstant(value: Exclude<Abstract, { kind: 'values' }>, op: ComparisonOperator, constant: unknown): Tri {
  if (op === '==') return equalsConstant(value, constant)
  if (op === '!=') return negate(equalsConstant(value, constant))
  return value.kind === 'range' ? orderConstant(value, op, constant) : undefined
}

/** Two values neither of which is finite: only a type clash decides (a number is never a string). */
export function compareOpen(a: Exclude<Abstract, { kind: 'values' }>, op: ComparisonOperator, b: Exclude<Abstract, { kind: 'values' }>): Tri {
  if (a.kind !== 'range' || b.kind !== 'range') return undefined
  const sameOrder = (a.type === 'string') === (b.type === 'string')
  if (op === '==') return a.type === b.type ? undefined : false
  if (op === '!=') return a.type === b.type ? undefined : true
  return sameOrder ? undefined : false
}

/** The operator that holds exactly when `op` does, with its operands swapped. */
export function flipped(op: ComparisonOperator): ComparisonOperator {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op
}
