/**
 * mingo's operators that can build a value larger than their arguments, bounded (`limits.ts`). Each
 * refuses a value over `MAX_VALUE_BYTES` (before building it, wherever its size follows from the
 * arguments) and charges what it builds to the request's budget, so a loop that builds many bounded
 * values (`$map`, `$reduce`, `$unwind`) is bounded too. Arguments are evaluated once, checked, and handed
 * to mingo's own operator as literals: mingo's semantics (nulls, type errors) stay as they were.
 */
import { evalExpr } from 'mingo/core'
import type { Iterator } from 'mingo/lazy'
import { $concat, $concatArrays, $map, $range, $reduce, $replaceAll, $replaceOne, $split, $zip } from 'mingo/operators/expression'
import { $sample, $unwind } from 'mingo/operators/pipeline'
import type { AnyObject, Options } from 'mingo/types'
import { densify } from './densify'
import { checkValue, MAX_VALUE_BYTES, type Budget } from './limits'
import { arrayBytes, sizeOf, stringBytes } from './sizes'

/** An expression operator as mingo calls it. */
export type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown
/** A pipeline stage as mingo calls it: the documents in, the documents out. */
export type PipelineOperator = (collection: Iterator, expr: never, options: Options) => Iterator

/** An evaluated argument, handed back to mingo so that it is not evaluated again (a string "$x" stays a string). */
const literal = (value: unknown) => ({ $literal: value })

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)

/** How many pieces `separator` cuts `text` into, at most (what `$split` and `$replaceAll` build from). */
function pieces(text: string, separator: string): number {
  if (!separator) return text.length + 1
  let count = 1
  for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + separator.length)) count++
  return count
}

/** Checks and charges a value `operator` builds, of `bytes` (`known`: not where measuring stopped). */
function built(budget: Budget, operator: string, bytes: number, what?: string, known = true): void {
  checkValue(operator, bytes, what, known)
  budget.charge(operator, bytes)
}

/** Measures, checks and charges a value `operator` has built (when its size could not be known before). */
function measured<T>(budget: Budget, operator: string, value: T): T {
  built(budget, operator, sizeOf(value, MAX_VALUE_BYTES), 'a value', false)
  return value
}

/** The bounded expression operators, charging `budget`. */
export function boundedExpressionOperators(budget: Budget): Record<string, ExpressionOperator> {
  return {
    $range(obj, expr, options) {
      if (!Array.isArray(expr)) return $range(obj, expr, options)
      const args = evalExpr(obj, expr, options) as unknown[]
      const [start, end, step = 1] = args
      if (typeof start === 'number' && typeof end === 'number' && typeof step === 'number' && step !== 0) {
        const count = Math.max(0, Math.ceil((end - start) / step))
        built(budget, '$range', arrayBytes(count), `an array of ${count} numbers`)
      }
      return $range(obj, args.map(literal), options)
    },
    $concat(obj, expr, options) {
      if (!Array.isArray(expr)) return $concat(obj, expr as never, options)
      const args = evalExpr(obj, expr, options) as unknown[]
      if (args.every((arg) => typeof arg === 'string')) built(budget, '$concat', stringBytes((args as string[]).reduce((sum, s) => sum + s.length, 0)), 'a string')
      return $concat(obj, args.map(literal), options)
    },
    $concatArrays(obj, expr, options) {
      const args = evalExpr(obj, expr, options)
      if (Array.isArray(args) && args.every(Array.isArray)) built(budget, '$concatArrays', sizeOf(args, MAX_VALUE_BYTES), 'an array', false)
      return $concatArrays(obj, (Array.isArray(args) ? args.map(literal) : literal(args)) as never, options)
    },
    $split(obj, expr, options) {
      if (!Array.isArray(expr)) return $split(obj, expr, options)
      const args = evalExpr(obj, expr, options) as unknown[]
      const [text, separator] = args
      if (typeof text === 'string' && typeof separator === 'string') {
        const count = pieces(text, separator)
        built(budget, '$split', arrayBytes(count, stringBytes(0)) + text.length, `an array of ${count} strings`)
      }
      return $split(obj, args.map(literal), options)
    },
    $replaceAll(obj, expr, options) {
      if (!isObject(expr)) return $replaceAll(obj, expr, options)
      const { input, find, replacement } = evalExpr(obj, expr, options) as AnyObject
      if (typeof input === 'string' && typeof find === 'string' && typeof replacement === 'string') {
        const length = input.length + (pieces(input, find) - 1) * Math.max(0, replacement.length - find.length)
        built(budget, '$replaceAll', stringBytes(length), 'a string')
      }
      return $replaceAll(obj, { input: literal(input), find: literal(find), replacement: literal(replacement) }, options)
    },
    $replaceOne(obj, expr, options) {
      if (!isObject(expr)) return $replaceOne(obj, expr, options)
      const { input, find, replacement } = evalExpr(obj, expr, options) as AnyObject
      if (typeof input === 'string' && typeof replacement === 'string') built(budget, '$replaceOne', stringBytes(input.length + replacement.length), 'a string')
      return $replaceOne(obj, { input: literal(input), find: literal(find), replacement: literal(replacement) }, options)
    },
    $zip(obj, expr, options) {
      if (!isObject(expr)) return $zip(obj, expr as never, options)
      const inputs = evalExpr(obj, expr.inputs, options)
      const defaults = evalExpr(obj, expr.defaults, options)
      if (Array.isArray(inputs) && inputs.every(Array.isArray)) {
        const longest = expr.useLongestLength === true
        let rows = 0
        for (let i = 0; i < inputs.length; i++) {
          const length = (inputs[i] as unknown[]).length
          rows = longest ? Math.max(rows, length) : i ? Math.min(rows, length) : length
        }
        // Each row holds one element (or default) per input: bounded by the inputs once, plus the defaults in every row.
        const padding = longest && defaults !== undefined ? rows * sizeOf(defaults, MAX_VALUE_BYTES) : 0
        const bytes = arrayBytes(rows, arrayBytes(inputs.length, 0)) + sizeOf(inputs, MAX_VALUE_BYTES) + padding
        built(budget, '$zip', bytes, `an array of ${rows} rows`)
      }
      return $zip(obj, { ...expr, inputs: literal(inputs), defaults: literal(defaults) } as never, options)
    },
    // Their results are built by mingo from the `in` expression: measured once built, before anything uses them.
    $map: (obj, expr, options) => measured(budget, '$map', $map(obj, expr as never, options)),
    $reduce: (obj, expr, options) => measured(budget, '$reduce', $reduce(obj, expr as never, options)),
  }
}

/** The memory of a document a stage creates: its members and the object around them. */
const documentBytes = (doc: unknown) => 16 * ((isObject(doc) ? Object.keys(doc).length : 0) + 2)

/** The stages that emit more documents than they take, charging `budget` for each one they emit. */
export function boundedPipelineOperators(budget: Budget): Record<string, PipelineOperator> {
  const charging = (operator: string, stage: (collection: Iterator, expr: never, options: Options) => Iterator): PipelineOperator => {
    return (collection, expr, options) =>
      stage(collection, expr, options).map((doc: unknown) => {
        budget.charge(operator, documentBytes(doc))
        return doc
      })
  }
  return {
    $unwind: charging('$unwind', $unwind),
    // The emulator's own $densify (densify.ts), made lazily: charged per document it makes.
    $densify: charging('$densify', densify as never),
    // mingo samples with replacement, so `size` is not bounded by the collection as in MongoDB.
    $sample: charging('$sample', $sample),
  }
}
