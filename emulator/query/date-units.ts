/**
 * Time units of window operators (`range` windows with `unit`, `$derivative` and `$integral`), as MongoDB
 * names them: fixed-length units in milliseconds, months and longer on the UTC calendar.
 */
const UNIT_MS: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 }
/** How many months a calendar unit is. */
export const MONTHS_PER_UNIT: Record<string, number> = { month: 1, quarter: 3, year: 12 }

/** `ms` moved by `months` on the UTC calendar, kept to the last day of a shorter month (Jan 31 + 1 month is Feb 28). */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms)
  const target = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), target + 1, 0)).getUTCDate()
  const moved = new Date(ms)
  moved.setUTCDate(1)
  moved.setUTCMonth(target)
  moved.setUTCDate(Math.min(date.getUTCDate(), lastDay))
  return moved.getTime()
}

/** `date` moved by `amount` of `unit`, in epoch milliseconds. */
export function addUnits(date: Date, amount: number, unit: string): number {
  if (UNIT_MS[unit] !== undefined) return date.getTime() + amount * UNIT_MS[unit]!
  if (MONTHS_PER_UNIT[unit] === undefined) throw new Error(`unknown time unit "${unit}"`)
  return addMonths(date.getTime(), amount * MONTHS_PER_UNIT[unit]!)
}

/** `date` as a number of `unit`s since the epoch; only fixed-length units (a month has no one length). */
export function inUnits(date: Date, unit: string): number {
  if (UNIT_MS[unit] === undefined) throw new Error(`the time unit must be one of ${Object.keys(UNIT_MS).join(', ')}, not "${unit}"`)
  return date.getTime() / UNIT_MS[unit]!
}
