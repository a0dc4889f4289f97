/**
 * Date expressions where mingo's answer differs from MongoDB's:
 * - the date parts (`$year` ... `$isoWeekYear`) answer null for a null or missing date, where mingo fails;
 * - `$isoWeek` and `$isoWeekYear` follow ISO 8601 (the week with the year's first Thursday is week 1), where
 *   mingo counts 2021-01-01, a Friday of 2020's week 53, in 2021;
 * - `$dateAdd` / `$dateSubtract` by months, quarters or years keep to the last day of a shorter month
 *   (Jan 31 + 1 month is Feb 28), where mingo runs over into the next month (Mar 3).
 * Everything else is mingo's, handed the evaluated arguments as literals.
 */
import { evalExpr } from 'mingo/core'
import * as mingo from 'mingo/operators/expression'
import type { AnyObject, Options } from 'mingo/types'
import type { ExpressionOperator } from './bounded-operators'
import { addMonths, MONTHS_PER_UNIT } from './date-units'

const isNil = (value: unknown) => value === null || value === undefined
const operator = (name: string) => (mingo as unknown as Record<string, ExpressionOperator>)[name]!

/** A date part's argument evaluated: a date, `{ date, timezone? }`, or null when the date is null or missing. */
function dateArgument(obj: AnyObject, expr: unknown, options: Options): unknown {
  const value = evalExpr(obj, Array.isArray(expr) && expr.length === 1 ? expr[0] : expr, options)
  if (isNil(value)) return null
  if (value && typeof value === 'object' && !(value instanceof Date) && isNil((value as AnyObject).date)) return null
  return value
}

/** A date part through mingo, null for a null date. */
function datePart(name: string): ExpressionOperator {
  return (obj, expr, options) => {
    const value = dateArgument(obj, expr, options)
    return value === null ? null : operator(name)(obj, { $literal: value }, options)
  }
}

/** The ISO week-numbering year and week of the calendar day `year-month-day`. */
function isoWeekOf(year: number, month: number, day: number): { year: number; week: number } {
  const date = Date.UTC(year, month - 1, day)
  const weekday = (new Date(date).getUTCDay() + 6) % 7 // Monday 0
  const thursday = new Date(date + (3 - weekday) * 864e5)
  const isoYear = thursday.getUTCFullYear()
  return { year: isoYear, week: 1 + Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / 6048e5) }
}

/** `$isoWeek` / `$isoWeekYear`: from the calendar day mingo reads in the timezone asked for. */
function isoPart(part: 'year' | 'week'): ExpressionOperator {
  return (obj, expr, options) => {
    const value = dateArgument(obj, expr, options)
    if (value === null) return null
    const day = (name: string) => operator(name)(obj, { $literal: value }, options) as number
    return isoWeekOf(day('$year'), day('$month'), day('$dayOfMonth'))[part]
  }
}

/** `$dateAdd` / `$dateSubtract`: calendar units in UTC end-of-month aware; the rest is mingo's. */
function shift(name: '$dateAdd' | '$dateSubtract', sign: 1 | -1): ExpressionOperator {
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options) as AnyObject | null
    if (!args || typeof args !== 'object') return operator(name)(obj, expr, options)
    const { startDate, unit, amount, timezone } = args
    if (isNil(startDate) || isNil(unit) || isNil(amount)) return null
    if (startDate instanceof Date && typeof unit === 'string' && MONTHS_PER_UNIT[unit] && Number.isInteger(amount) && isNil(timezone)) {
      return new Date(addMonths(startDate.getTime(), sign * (amount as number) * MONTHS_PER_UNIT[unit]!))
    }
    const literals: AnyObject = {}
    for (const [key, value] of Object.entries(args)) literals[key] = { $literal: value }
    return operator(name)(obj, literals, options)
  }
}

const PARTS = ['$year', '$month', '$dayOfMonth', '$hour', '$minute', '$second', '$millisecond', '$dayOfWeek', '$dayOfYear', '$week', '$isoDayOfWeek']

/** The date expressions above, by name. */
export const dateExpressionOperators: Record<string, ExpressionOperator> = {
  ...Object.fromEntries(PARTS.map((name) => [name, datePart(name)])),
  $isoWeek: isoPart('week'),
  $isoWeekYear: isoPart('year'),
  $dateAdd: shift('$dateAdd', 1),
  $dateSubtract: shift('$dateSubtract', -1),
}
