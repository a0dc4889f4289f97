/**
 * EJSON (the admin dialect's and transactions' encoding, docs/protocol.md §2.2/§5) to and from engine values,
 * with bson's EJSON doing the parsing and printing.
 */
import { BSONRegExp, Decimal128, EJSON, ObjectId } from 'bson'
import { invalidParam } from '../errors'
import { LinearRegExp } from './regex'
import { decodeWire } from './values'

/** A BSON regular expression as the engine matches it: in linear time (regex.ts). */
function regExpOf(value: BSONRegExp): LinearRegExp {
  try {
    return new LinearRegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''))
  } catch {
    throw invalidParam(`invalid regular expression /${value.pattern}/${value.options}`)
  }
}

/** BSON values as the engine holds them; `$tcb_server_date` resolved against `now`. */
function fromBSON(value: unknown, now: number): unknown {
  if (value instanceof BSONRegExp) return regExpOf(value)
  if (value instanceof ObjectId) return value.toHexString()
  if (value instanceof Decimal128) return Number(value.toString())
  if (Array.isArray(value)) return value.map((item) => fromBSON(item, now))
  if (value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp)) {
    const object = value as Record<string, unknown>
    const serverDate = object.$tcb_server_date as { offset?: unknown } | undefined
    if (serverDate && Object.keys(object).length === 1) return new Date(now + (typeof serverDate.offset === 'number' ? serverDate.offset : 0))
    // A null-prototype object, so that a `__proto__` key stays a key and decodeWire refuses it
    // (assigning it to a plain object would silently change that object's prototype).
    const out: Record<string, unknown> = Object.create(null)
    for (const key of Object.keys(object)) out[key] = fromBSON(object[key], now)
    return out
  }
  return value
}

/**
 * Parses an EJSON string parameter into engine values (checked like every request value). `notJSON` is
 * the message when the text is not even JSON (by default the same as for JSON that is not valid EJSON).
 */
export function parseEJSON(text: unknown, name: string, now: number, notJSON = `${name} is not valid EJSON`): unknown {
  if (typeof text !== 'string') throw invalidParam(`${name} must be an EJSON string`)
  let value: unknown
  try {
    value = EJSON.parse(text, { relaxed: true })
  } catch (error) {
    // JSON.parse's SyntaxError: not JSON; bson's own errors: JSON, but not valid EJSON.
    throw invalidParam(error instanceof SyntaxError ? notJSON : `${name} is not valid EJSON`)
  }
  return decodeWire(fromBSON(value, now), now)
}

/** Parses an EJSON string that must hold an object. */
export function parseEJSONObject(text: unknown, name: string, now: number): Record<string, unknown> {
  const value = text === undefined ? {} : parseEJSON(text, name, now)
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${name} must encode an object`)
  return value as Record<string, unknown>
}

/**
 * `value` as MongoDB answers it: a member whose value is missing (`undefined`: `$$REMOVE`, `$arrayElemAt`
 * past the end) is left out, and a missing array element is null. bson's EJSON would print both as null.
 */
function omitMissing(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : omitMissing(item)))
  if (!value || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value
  const prototype = Object.getPrototypeOf(value)
  // Only the engine's plain documents: BSON values (ObjectId, Decimal128) print as they are.
  if (prototype !== Object.prototype && prototype !== null) return value
  // Null-prototype, so that a `__proto__` key an operator built stays a key.
  const out: Record<string, unknown> = Object.create(null)
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key]
    if (member !== undefined) out[key] = omitMissing(member)
  }
  return out
}

/** Canonical EJSON text of an engine value, without its missing members. */
export function toEJSON(value: unknown): string {
  return EJSON.stringify(omitMissing(value), { relaxed: false })
}
