/**
 * Values and what a query allows, written for a developer reading a denial: as they would appear in
 * `where({ ... })`.
 */
import type { Abstract, Bound, RangeType } from './domain'
import { MISSING } from './values'

const MAX_SHOWN = 60

function write(value: unknown, depth: number): string {
  if (value === MISSING) return 'missing'
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.getTime() === value.getTime() ? `Date(${value.toISOString()})` : 'Date(invalid)'
  if (depth > 2) return '…'
  if (Array.isArray(value)) return `[${value.map((item) => write(item, depth + 1)).join(', ')}]`
  if (typeof value === 'object') {
    const entries = Object.keys(value).map((key) => `${key}: ${write((value as Record<string, unknown>)[key], depth + 1)}`)
    return entries.length ? `{ ${entries.join(', ')} }` : '{}'
  }
  return typeof value
}

/** A value as a rule or a query would write it, cut short. */
export function showValue(value: unknown): string {
  const text = write(value, 0)
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text
}

function showBound(bound: Bound, type: RangeType): string {
  return type === 'date' ? showValue(new Date(bound.key as number)) : showValue(bound.key)
}

/** What a query allows `path` to be: "the query allows `age` > 8". */
export function showAllowed(path: string, value: Abstract): string {
  const field = `\`${path}\``
  const others = value.kind !== 'values' && value.excluded.length ? ` other than ${value.excluded.map(showValue).join(', ')}` : ''
  switch (value.kind) {
    case 'any':
      return others ? `the query allows any ${field}${others}` : `the query does not constrain ${field}`
    case 'range': {
      const parts = [
        value.lower && `${value.lower.inclusive ? '>=' : '>'} ${showBound(value.lower, value.type)}`,
        value.upper && `${value.upper.inclusive ? '<=' : '<'} ${showBound(value.upper, value.type)}`,
      ].filter(Boolean)
      return `the query allows ${field} ${parts.join(' and ')}${others}`
    }
    case 'values': {
      const missing = value.values.includes(MISSING)
      const shown = value.values.filter((item) => item !== MISSING).map(showValue)
      const or = missing ? ' or missing' : ''
      if (!shown.length) return missing ? `the query allows only a missing ${field}` : `the query matches no document`
      if (shown.length === 1) return `the query allows ${field} == ${shown[0]!}${or}`
      return `the query allows ${field} in [${shown.join(', ')}]${or}`
    }
  }
}
