/**
 * Time units of window operators (`range` windows with `unit`, `$derivative` and `$integral`), as MongoDB
 * names them: fixed-length units in milliseconds, months and longer on the UTC calendar.
 */
const UNIT_MS: Record<string, number> = { millisecond: 1, second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5 }
const UNIT_MONTHS: Record<string, number> = { month: 1, quarter: 3, year: 12 }

/** `date` moved by `amount` of `unit`, in epoch milliseconds. */
export function addUnits(date: Date, amount: number, unit: string): number {
  if (UNIT_MS[unit] !== undefined) return date.getTime() + amount * UNIT_MS[unit]!
  if (UNIT_MONTHS[unit] === undefined) throw new Error(`unknown time unit "${unit}"`)
  const moved = new Date(date.getTime())
  moved.setUTCMonth(moved.getUTCMonth() + amount * UNIT_MONTHS[unit]!)
  return moved.getTime()
}

/** `date` as a number of `unit`s since the epoch; only fixed-length units (a month has no one length). */
export function inUnits(date: Date, unit: string): number {
  if (UNIT_MS[unit] === undefined) throw new Error(`the time unit must be one of ${Object.keys(UNIT_MS).join(', ')}, not "${unit}"`)
  return date.getTime() / UNIT_MS[unit]!
}
