/**
 * The window operators of `$setWindowFields` (window-fields.ts) that are not accumulators, as MongoDB
 * documents them: each takes a whole sorted partition and answers one value per document.
 */
import { evalExpr } from 'mingo/core'
import type { AnyObject, Options } from 'mingo/types'
import { inUnits } from './date-units'
import { valuesOn } from './evaluate-on'

/** What a window operator is given: the sorted partition and how to reach each document's window. */
export interface WindowCall {
  docs: AnyObject[]
  /** Each document's value of the sortBy field (when sortBy has one field). */
  sortValues: unknown[]
  /** The operator's argument. */
  args: unknown
  options: Options
  /** The positions in the window around position `i`. */
  window(i: number): number[]
  /** Do the documents at two positions tie on sortBy? */
  sameRank(a: number, b: number): boolean
}

type WindowOperator = (call: WindowCall) => unknown[]

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)
const isNil = (value: unknown) => value === null || value === undefined
const fail = (operator: string, message: string): never => {
  throw new Error(`${operator}: ${message}`)
}

/** Each document's value of `expr`. */
const valuesOf = (call: WindowCall, expr: unknown) => valuesOn(call.docs, expr, call.options)

/** A sortBy value as a number on the axis of `$linearFill`, `$derivative` and `$integral` (dates in ms, or in `unit`). */
function axis(operator: string, value: unknown, unit?: string): number {
  if (typeof value === 'number') {
    if (unit) fail(operator, 'unit goes with sorting by dates')
    return value
  }
  if (value instanceof Date) {
    if (operator !== '$linearFill' && !unit) fail(operator, 'sorting by dates needs a unit')
    return unit ? inUnits(value, unit) : value.getTime()
  }
  return fail(operator, 'sortBy must be on numbers or dates')
}

/** `{ input, unit? }` of `$derivative` and `$integral`. */
function inputSpec(operator: string, args: unknown): { input: unknown; unit?: string } {
  if (!isObject(args) || args.input === undefined) return fail(operator, 'takes { input, unit? }')
  if (args.unit !== undefined && typeof args.unit !== 'string') fail(operator, 'unit must be a string')
  return args as { input: unknown; unit?: string }
}

const rankWith =
  (dense: boolean): WindowOperator =>
  ({ docs, sameRank }) => {
    const ranks: number[] = []
    docs.forEach((_, i) => ranks.push(i > 0 && sameRank(i - 1, i) ? ranks[i - 1]! : dense ? (i > 0 ? ranks[i - 1]! + 1 : 1) : i + 1))
    return ranks
  }

export const windowOperators: Record<string, WindowOperator> = {
  $documentNumber: ({ docs }) => docs.map((_, i) => i + 1),
  $rank: rankWith(false),
  $denseRank: rankWith(true),

  /** `{ output, by, default? }`: `output` evaluated on the document `by` positions away, else `default` (null). */
  $shift(call) {
    const args = call.args
    if (!isObject(args) || args.output === undefined || !Number.isInteger(args.by)) return fail('$shift', 'takes { output, by: <integer>, default? }')
    const fallback = args.default === undefined ? null : evalExpr({}, args.default, call.options)
    const values = valuesOf(call, args.output)
    return call.docs.map((_, i) => {
      const other = i + (args.by as number)
      return other >= 0 && other < values.length ? values[other] : fallback
    })
  },

  /** The value, or where it is null or missing the last one before it that was not (null before any). */
  $locf(call) {
    let last: unknown = null
    return valuesOf(call, call.args).map((value) => (isNil(value) ? last : (last = value)))
  },

  /** Null and missing values filled on the line between the nearest values before and after (by sortBy); null at the ends. */
  $linearFill(call) {
    const values = valuesOf(call, call.args)
    const known: number[] = []
    values.forEach((value, i) => {
      if (isNil(value)) return
      if (typeof value !== 'number') fail('$linearFill', 'the values to fill must be numbers')
      known.push(i)
    })
    let next = 0
    return values.map((value, i) => {
      if (!isNil(value)) {
        next++
        return value
      }
      const before = known[next - 1]
      const after = known[next]
      if (before === undefined || after === undefined) return null
      const x = (j: number) => axis('$linearFill', call.sortValues[j])
      const [x0, x1, y0, y1] = [x(before), x(after), values[before] as number, values[after] as number]
      return y0 + ((y1 - y0) * (x(i) - x0)) / (x1 - x0)
    })
  },

  /** `{ input, N }` (alpha = 2 / (N + 1)) or `{ input, alpha }`; non-numbers are skipped and answer null. */
  $expMovingAvg(call) {
    const args = call.args
    if (!isObject(args) || args.input === undefined || (args.N === undefined) === (args.alpha === undefined)) return fail('$expMovingAvg', 'takes { input, N } or { input, alpha }')
    if (args.N !== undefined && !(Number.isInteger(args.N) && (args.N as number) > 0)) fail('$expMovingAvg', 'N must be a positive integer')
    if (args.alpha !== undefined && !(typeof args.alpha === 'number' && args.alpha > 0 && args.alpha < 1)) fail('$expMovingAvg', 'alpha must be between 0 and 1, exclusive')
    const alpha = args.alpha !== undefined ? (args.alpha as number) : 2 / ((args.N as number) + 1)
    let average: number | undefined
    return valuesOf(call, args.input).map((value) => {
      if (typeof value !== 'number') return null
      average = average === undefined ? value : alpha * value + (1 - alpha) * average
      return average
    })
  },

  /** The slope between the first and last documents of the window: (Δ input) / (Δ sortBy, in `unit` for dates). */
  $derivative(call) {
    const { input, unit } = inputSpec('$derivative', call.args)
    const values = valuesOf(call, input)
    return call.docs.map((_, i) => {
      const window = call.window(i)
      if (window.length < 2) return null
      const first = window[0]!
      const last = window[window.length - 1]!
      const [y0, y1] = [values[first], values[last]]
      if (typeof y0 !== 'number' || typeof y1 !== 'number') return null
      return (y1 - y0) / (axis('$derivative', call.sortValues[last], unit) - axis('$derivative', call.sortValues[first], unit))
    })
  },

  /** The area under the input over the window by the trapezoidal rule (sortBy in `unit` for dates). */
  $integral(call) {
    const { input, unit } = inputSpec('$integral', call.args)
    const values = valuesOf(call, input)
    return call.docs.map((_, i) => {
      const window = call.window(i)
      let area = 0
      for (let k = 1; k < window.length; k++) {
        const [a, b] = [window[k - 1]!, window[k]!]
        const [ya, yb] = [values[a], values[b]]
        if (typeof ya !== 'number' || typeof yb !== 'number') continue
        area += ((axis('$integral', call.sortValues[b], unit) - axis('$integral', call.sortValues[a], unit)) * (ya + yb)) / 2
      }
      return area
    })
  },
}
