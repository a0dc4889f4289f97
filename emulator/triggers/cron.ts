/**
 * CloudBase's timer cron (reference cloudbase-backend.md §3a): seven fields, `second minute hour day month
 * weekday year`, each a list (`,`) of values, inclusive ranges (`-`), `*` and steps (`/`, e.g. `1/10` in
 * minutes = 1, 11, 21, ...); month names JAN–DEC, weekday names SUN–SAT with 0 = Sunday; no `?`, `L`, `W`,
 * `#`; when both day and weekday are restricted a date matches either; the times are Beijing time (UTC+8).
 *
 * This file checks a cron and maps it onto croner's 7-part pattern, where each field is `*` or the plain list
 * of the values it allows: croner knows Quartz extensions and forms CloudBase refuses (`?`, `L`, 7 = Sunday),
 * and refuses one CloudBase takes (`1/10`), so it is handed only what both read alike. croner then computes
 * the times and runs the timers (timers.ts).
 *
 * A field "restricts" when it does not allow every value of its range, however it is written (`*`, `*\/1`
 * and `0-6` in the weekday are the same): day and weekday are OR-ed only when both restrict, otherwise the
 * one that restricts decides.
 */
import { Cron } from 'croner'

/** What every CloudBase timer runs in: China Standard Time, UTC+8 (no daylight saving). */
export const CRON_TIMEZONE = 'Asia/Shanghai'

interface FieldSpec {
  name: string
  min: number
  max: number
  /** Names for the values from `min`, in order (JAN = 1, SUN = 0). */
  names?: readonly string[]
  /** What a value may be, for the messages. */
  takes: string
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

/** The seven fields, in order. */
export const CRON_FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59, takes: '0–59' },
  { name: 'minute', min: 0, max: 59, takes: '0–59' },
  { name: 'hour', min: 0, max: 23, takes: '0–23' },
  { name: 'day', min: 1, max: 31, takes: '1–31' },
  { name: 'month', min: 1, max: 12, names: MONTHS, takes: '1–12 or JAN–DEC' },
  { name: 'weekday', min: 0, max: 6, names: WEEKDAYS, takes: '0–6 or SUN–SAT, 0 = Sunday' },
  { name: 'year', min: 1970, max: 2099, takes: '1970–2099' },
]

const DAY = 3
const MONTH = 4
const WEEKDAY = 5
const YEAR = 6

/** A cron CloudBase would refuse: the message says which field is wrong and why. */
export class CronError extends Error {}

/** A checked CloudBase cron. */
export interface CronSchedule {
  /** The cron as written. */
  readonly text: string
  /** Each field's allowed values, ascending (second, minute, hour, day, month, weekday with 0 = Sunday, year). */
  readonly values: readonly (readonly number[])[]
  /** The same schedule as croner's 7-part pattern (each field `*` or a plain list). */
  readonly pattern: string
  /** The first time strictly after `after` (default now) the cron fires, or null when it never fires again. */
  next(after?: Date): Date | null
  /** The next `count` times strictly after `after` (default now). */
  upcoming(count: number, after?: Date): Date[]
}

/** The croner options every CloudBase cron is read with: seconds and year fields, OR-ed day and weekday, UTC+8. */
export const CRONER_OPTIONS = { mode: '7-part', timezone: CRON_TIMEZONE, domAndDow: false } as const

/** Checks `text` as CloudBase's 7-field cron; throws a CronError naming the field that is wrong and why. */
export function parseCron(text: string): CronSchedule {
  if (typeof text !== 'string' || text.trim() === '') throw new CronError('the cron is empty: CloudBase\'s has 7 fields, second minute hour day month weekday year, e.g. "0 0 2 * * * *"')
  const parts = text.trim().split(/\s+/)
  if (parts.length !== 7) throw new CronError(fieldCountMessage(parts))
  const values = parts.map((part, index) => parseField(part, index))
  checkSomeDateExists(parts, values)
  const pattern = values.map((allowed, index) => (restricts(allowed, index) ? allowed.join(',') : '*')).join(' ')
  // Paused: a job made only to compute times never schedules a timer.
  const job = new Cron(pattern, { ...CRONER_OPTIONS, paused: true })
  const upcoming = (count: number, after: Date = new Date()) => job.nextRuns(count, after)
  return { text, values, pattern, next: (after = new Date()) => job.nextRun(after), upcoming }
}

/** Whether a field's values leave some value of its range out. */
function restricts(values: readonly number[], index: number): boolean {
  const spec = CRON_FIELDS[index]!
  return values.length !== spec.max - spec.min + 1
}

function fieldCountMessage(parts: string[]): string {
  const count = parts.length
  const given = parts.join(' ')
  if (count === 5) return `this looks like a 5-field Unix cron: CloudBase's has 7 fields, seconds first and year last: "0 ${given} *"`
  if (count === 6) return `this looks like a 6-field cron with seconds and no year: CloudBase's has 7 fields, the year last: "${given} *"`
  return `CloudBase's cron has 7 fields (second minute hour day month weekday year), this has ${count}: "${given}"`
}

function label(index: number): string {
  return `field ${index + 1} (${CRON_FIELDS[index]!.name})`
}

/** One field's allowed values, ascending. */
function parseField(part: string, index: number): number[] {
  const spec = CRON_FIELDS[index]!
  const wrong = (what: string, shown = part) => new CronError(`${label(index)} "${shown}" ${what}`)
  const special = /[?#]/.exec(part)
  if (special) {
    throw wrong(`uses "${special[0]}", which CloudBase's cron does not take (no ?, L, W or #)${special[0] === '?' ? ': write * (day and weekday are OR-ed when both are restricted)' : ''}`)
  }
  const allowed = new Set<number>()
  for (const item of part.split(',')) {
    if (item === '') throw wrong('has an empty item: a list is values separated by single commas, e.g. "1,15,30"')
    const slash = item.indexOf('/')
    const base = slash < 0 ? item : item.slice(0, slash)
    let step = 1
    if (slash >= 0) {
      const stepText = item.slice(slash + 1)
      if (base === '') throw wrong(`has no start before "/": write "*/${stepText || 'N'}" or "${spec.min}/${stepText || 'N'}"`, item)
      if (stepText === '') throw wrong('has no step after "/", e.g. "*/5"', item)
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > spec.max - spec.min + 1) {
        throw wrong(`has the step "${stepText}": a step is a whole number from 1 to ${spec.max - spec.min + 1}`, item)
      }
      step = Number(stepText)
    }
    let from: number
    let to: number
    if (base === '*') {
      from = spec.min
      to = spec.max
    } else {
      const dash = base.indexOf('-')
      if (dash >= 0) {
        from = value(base.slice(0, dash), index, item)
        to = value(base.slice(dash + 1), index, item)
        if (from > to) throw wrong(`is a range that runs backwards: write the smaller value first, "${base.slice(dash + 1)}-${base.slice(0, dash)}"`, item)
      } else {
        from = value(base, index, item)
        // CloudBase's `1/10`: from the value to the end of the range, by the step.
        to = slash >= 0 ? spec.max : from
      }
    }
    for (let at = from; at <= to; at += step) allowed.add(at)
  }
  return [...allowed].sort((a, b) => a - b)
}

/** One value of field `index`: a number in its range or, in the month and weekday, a name. */
function value(text: string, index: number, item: string): number {
  const spec = CRON_FIELDS[index]!
  const wrong = (what: string) => new CronError(`${label(index)} "${text === '' ? item : text}" ${what}`)
  if (/^\d+$/.test(text)) {
    const number = Number(text)
    if (number < spec.min || number > spec.max) throw wrong(`is out of range ${spec.min}–${spec.max}${index === WEEKDAY && number === 7 ? ' (0 is Sunday; 7 is not taken)' : ''}`)
    return number
  }
  const upper = text.toUpperCase()
  const at = spec.names ? spec.names.indexOf(upper) : -1
  if (at >= 0) return spec.min + at
  if (/^(\d*L|\d+W|LW)$/i.test(text)) throw wrong(`uses "${/W$/i.test(text) ? 'W' : 'L'}", which CloudBase's cron does not take (no ?, L, W or #)`)
  if (text === '') throw wrong(`has a range with a missing end: write "from-to" with values ${spec.takes}`)
  const nameOf = MONTHS.indexOf(upper) >= 0 ? MONTH : WEEKDAYS.indexOf(upper) >= 0 ? WEEKDAY : -1
  if (nameOf >= 0) throw wrong(`is a ${CRON_FIELDS[nameOf]!.name} name, which only ${label(nameOf)} takes: this field takes ${spec.takes}`)
  if (spec.names) throw wrong(`is not a ${spec.name}: this field takes ${spec.takes}`)
  throw wrong(`is not a whole number: this field takes ${spec.takes}, with , - * /`)
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * Refuses a day that never falls in the months (and years) given, such as the 30th of February: when the
 * weekday does not restrict, such a cron never fires. With a weekday it still fires on those weekdays.
 */
function checkSomeDateExists(parts: string[], values: number[][]): void {
  if (restricts(values[WEEKDAY]!, WEEKDAY) || !restricts(values[DAY]!, DAY)) return
  const first = values[DAY]![0]!
  for (const year of values[YEAR]!) for (const month of values[MONTH]!) if (first <= daysIn(year, month)) return
  throw new CronError(
    `${label(DAY)} "${parts[DAY]}" never falls in ${label(MONTH)} "${parts[MONTH]}"${restricts(values[YEAR]!, YEAR) ? ` of ${label(YEAR)} "${parts[YEAR]}"` : ''}: the cron would never fire`,
  )
}
