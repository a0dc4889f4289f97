/**
 * The operators through which user input becomes a regular expression that mingo would run on V8's
 * backtracking engine, made to match through `LinearRegExp` (regex.ts) instead:
 * - the query operators that match RegExp values (`$regex`, and `$in`, `$nin`, `$all` with RegExp
 *   elements): mingo copies a query's RegExps into plain ones, so each is turned back before matching;
 * - `$regexMatch`, `$regexFind`, `$regexFindAll`, which mingo builds with `new RegExp`: reimplemented;
 * - `$dateFromString`, which builds a RegExp from the text of its `format`: refused a format that would
 *   make that RegExp backtrack.
 */
import { evalExpr } from 'mingo/core'
import { $dateFromString } from 'mingo/operators/expression'
import { $all, $in, $nin, $regex } from 'mingo/operators/query'
import type { AnyObject, Options } from 'mingo/types'
import { resolve } from 'mingo/util'
import { EmulatorError } from '../errors'
import type { ExpressionOperator } from './bounded-operators'
import { checkValue, MAX_VALUE_BYTES, type Budget } from './limits'
import { linear, LinearRegExp } from './regex'
import { arrayBytes, sizeOf } from './sizes'

/** A query operator as mingo calls it: the field, the operand, and it answers a predicate. */
type QueryOperator = (selector: string, value: unknown, options: Options) => (doc: AnyObject) => boolean

/**
 * A RegExp operand as a query matches it: linear, checked now (a query RE2 cannot run is refused even
 * before any document), and without `g` or `y`, whose lastIndex would carry from one document to the next.
 */
const matcherOf = (value: RegExp) => (value.global || value.sticky ? new LinearRegExp(value.source, value.flags.replace(/[gy]/g, '')) : linear(value)).check()
const toLinear = (value: unknown) => (value instanceof RegExp ? matcherOf(value) : value)
const eachToLinear = (value: unknown) => (Array.isArray(value) ? value.map(toLinear) : value)

/**
 * `$regex`, as mingo's own matches it (the field's value, each element of an array, and of arrays in it)
 * but testing each string once, without captures: mingo's tests a scalar twice and asks for the match.
 */
function regexQuery(selector: string, value: unknown, options: Options): (doc: AnyObject) => boolean {
  if (!(value instanceof RegExp)) return $regex(selector, value, options)
  const re = matcherOf(value)
  const test = (item: unknown) => typeof item === 'string' && re.test(item)
  return (doc) => {
    const found = resolve(doc, selector, { unwrapArray: true })
    const values = Array.isArray(found) ? found : [found]
    return values.some((item) => test(item) || (Array.isArray(item) && item.some(test)))
  }
}

/** The query operators that match RegExp operands. */
export const regexQueryOperators: Record<string, QueryOperator> = {
  $regex: regexQuery,
  $in: (selector, value, options) => $in(selector, eachToLinear(value), options),
  $nin: (selector, value, options) => $nin(selector, eachToLinear(value), options),
  $all: (selector, value, options) => $all(selector, eachToLinear(value), options),
}

function invalid(message: string): EmulatorError {
  return new EmulatorError('DATABASE_INVALID_OPERRATOR', message)
}

/** `{ input, regex, options }` evaluated: the input string (undefined when it is none) and the expression to run on it. */
function prepare(operator: string, obj: AnyObject, expr: unknown, options: Options, global: boolean): { input: string; re: LinearRegExp } | undefined {
  const args = evalExpr(obj, expr, options) as { input?: unknown; regex?: unknown; options?: unknown } | null
  if (!args || typeof args !== 'object') throw invalid(`${operator} takes { input, regex, options }`)
  const { input, regex } = args
  if (typeof input !== 'string') return undefined
  const given = args.options
  if (given !== undefined && given !== null && typeof given !== 'string') throw invalid(`${operator}: options must be a string`)
  if (typeof given === 'string' && /[gx]/.test(given)) throw invalid(`${operator}: the options "g" and "x" are not supported`)
  if (!(regex instanceof RegExp) && typeof regex !== 'string') throw invalid(`${operator}: regex must be a string or a regular expression`)
  const source = typeof regex === 'string' ? regex : regex.source
  // Options given beside a RegExp replace its flags, as mingo does; `g` and `y` are this loop's business.
  const flags = (typeof given === 'string' ? given : typeof regex === 'string' ? '' : regex.flags).replace(/[gy]/g, '')
  return { input, re: new LinearRegExp(source, global ? `${flags}g` : flags).check() }
}

/** One match as MongoDB answers it: an unmatched capture group is null. */
function found(match: RegExpExecArray): { match: string; idx: number; captures: (string | null)[] } {
  return { match: match[0], idx: match.index, captures: match.slice(1).map((capture) => (capture === undefined ? null : capture)) }
}

/** The aggregation operators that take a regular expression, matching in linear time; `$regexFindAll` charges `budget`. */
export function regexExpressionOperators(budget: Budget): Record<string, ExpressionOperator> {
  return {
    $regexMatch(obj, expr, options) {
      const prepared = prepare('$regexMatch', obj, expr, options, false)
      return prepared ? prepared.re.test(prepared.input) : false
    },
    $regexFind(obj, expr, options) {
      const prepared = prepare('$regexFind', obj, expr, options, false)
      const match = prepared && prepared.re.exec(prepared.input)
      return match ? found(match) : null
    },
    $regexFindAll(obj, expr, options) {
      const prepared = prepare('$regexFindAll', obj, expr, options, true)
      if (!prepared) return []
      const { input, re } = prepared
      const all: ReturnType<typeof found>[] = []
      let bytes = arrayBytes(0, 0)
      for (let match = re.exec(input); match; match = re.exec(input)) {
        const entry = found(match)
        all.push(entry)
        bytes += arrayBytes(1, sizeOf(entry, MAX_VALUE_BYTES))
        checkValue('$regexFindAll', bytes, `a list of more than ${all.length} matches`, false)
        // An empty match would be found again at the same place: step past it, as MongoDB does.
        if (!match[0]) re.lastIndex++
      }
      budget.charge('$regexFindAll', bytes)
      return all
    },
    $dateFromString(obj, expr, options) {
      const args = evalExpr(obj, expr, options)
      if (!args || typeof args !== 'object' || Array.isArray(args)) return $dateFromString(obj, expr as never, options)
      const { format } = args as AnyObject
      if (typeof format === 'string') checkDateFormat(format)
      // Evaluated once: handed back as literals, so mingo does not evaluate them again.
      const literals: AnyObject = {}
      for (const [key, value] of Object.entries(args)) literals[key] = { $literal: value }
      return $dateFromString(obj, literals as never, options)
    },
  }
}

/** mingo's format specifiers; the text between them goes into a RegExp, escaped only in part. */
const SPECIFIER = /%[bBYGmdjHMSLwuUVzZ%]/g
/** More specifiers than any real format has; some match one or two digits, so many make the RegExp backtrack. */
const MAX_SPECIFIERS = 16

/**
 * Refuses a `$dateFromString` format that would make mingo build a backtracking RegExp: regular-expression
 * syntax in its literal text (mingo escapes `^ . - * ? $` once per separator and nothing else), or more
 * than `MAX_SPECIFIERS` specifiers.
 */
function checkDateFormat(format: string): void {
  const specifiers = format.match(SPECIFIER) || []
  if (specifiers.length > MAX_SPECIFIERS) throw invalid(`$dateFromString: the format has ${specifiers.length} specifiers; the emulator allows at most ${MAX_SPECIFIERS}`)
  for (const text of format.split(SPECIFIER)) {
    const seen = new Set<string>()
    for (const char of text) {
      const once = '^.*?$'.indexOf(char) >= 0
      if ('\\|+()[]{}'.indexOf(char) >= 0 || (once && seen.has(char))) {
        throw invalid(`$dateFromString: the format's text "${text}" has regular-expression syntax ("${char}"), which the emulator does not accept in a format`)
      }
      if (once) seen.add(char)
    }
  }
}
