/**
 * The value codec of the client dialect (docs/protocol.md §3.2): JavaScript values to the plain JSON with legacy
 * markers that `/web` speaks, and back.
 *
 * | value                    | wire                                  |
 * | ------------------------ | ------------------------------------- |
 * | `Date`                   | `{"$date": <epoch ms>}`               |
 * | `db.serverDate({offset})`| `{"$date": {"offset": n}}`            |
 * | `/re/flags`, `db.RegExp` | `{"$regex": "re", "$options": "flags"}`|
 * | `db.Geo.*`               | GeoJSON                               |
 */
import { invalidArgument } from './errors'
import { geometryFromJSON, isGeometry } from './geo'
import { isDbRegExp } from './regexp'
import { isServerDate } from './server-date'
import { isArray, isDate, isObjectLike, isRegExp, keysOf } from '../internal/is'

/** A JSON value as it travels in a request or response body. */
export type WireValue = null | boolean | number | string | WireValue[] | WireObject
/** A JSON object as it travels in a request or response body. */
export type WireObject = { [key: string]: WireValue }

/**
 * Encodes values the codec does not know (the database layer's commands); returns `undefined` to let
 * the codec treat the value as a plain object. `path` is the list of keys leading to `value`.
 */
export type EncodeHook = (value: object, api: string, path: readonly string[]) => WireValue | undefined

/** Sets `key` even when it is `__proto__`, which a plain assignment would turn into a prototype change. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/**
 * Encodes `value` for the wire. `undefined` object members are dropped; values JSON cannot carry
 * faithfully (functions, symbols, bigints, NaN, Infinity, invalid dates, cycles) fail with a
 * `CloudError` naming `api` and the path of the bad value.
 */
export function encodeValue(value: unknown, api: string, hook?: EncodeHook): WireValue {
  // Most values are strings and booleans: no bookkeeping for them.
  return typeof value === 'string' || typeof value === 'boolean' ? value : encode(value, api, hook, [], [])
}

/** `at "a.b": ` for error messages, or nothing at the top. */
export function at(path: readonly string[]): string {
  return path.length ? `at "${path.join('.')}": ` : ''
}

function encode(value: unknown, api: string, hook: EncodeHook | undefined, path: string[], seen: object[]): WireValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (isFinite(value)) return value
      throw invalidArgument(api, `${at(path)}${value} cannot be stored; use null or a finite number`)
    case 'object':
      break
    default:
      throw invalidArgument(api, `${at(path)}a ${typeof value} cannot be stored`)
  }
  if (value === null) return null
  if (isDate(value)) {
    const ms = value.getTime()
    if (ms !== ms) throw invalidArgument(api, `${at(path)}the Date is invalid`)
    return { $date: ms }
  }
  if (isRegExp(value)) return { $regex: value.source, $options: value.flags }
  if (isDbRegExp(value)) {
    return value.options === undefined ? { $regex: value.regexp } : { $regex: value.regexp, $options: value.options }
  }
  if (isServerDate(value)) return { $date: { offset: value.offset } }
  if (isGeometry(value)) return value.toJSON()
  if (hook) {
    const hooked = hook(value, api, path)
    if (hooked !== undefined) return hooked
  }
  if (seen.indexOf(value) >= 0) throw invalidArgument(api, `${at(path)}the value is circular`)
  seen.push(value)
  let out: WireValue
  if (isArray(value)) {
    out = []
    for (let i = 0; i < value.length; i++) {
      path.push(String(i))
      const item = value[i]
      out.push(item === undefined ? null : encode(item, api, hook, path, seen))
      path.pop()
    }
  } else {
    out = {}
    for (const key of keysOf(value)) {
      const member = (value as Record<string, unknown>)[key]
      if (member === undefined) continue
      path.push(key)
      setKey(out, key, encode(member, api, hook, path, seen))
      path.pop()
    }
  }
  seen.pop()
  return out
}

/**
 * Decodes a document read from the wire, as the official client does (docs/protocol.md §2.1): `{$date: ms}` and
 * `{$timestamp: s}` become `Date`s, GeoJSON becomes `db.Geo` values; everything else is kept.
 */
export function decodeValue(value: unknown): unknown {
  // Most values of a document are strings and numbers: they leave before any other test (null after two).
  if (typeof value !== 'object') return value
  if (isArray(value)) return value.map(decodeValue)
  if (!isObjectLike(value)) return value
  const date = value.$date
  if (typeof date === 'number' || typeof date === 'string') return new Date(date)
  if (typeof value.$timestamp === 'number') return new Date(value.$timestamp * 1000)
  const geo = typeof value.type === 'string' && geometryFromJSON(value)
  if (geo) return geo
  const out: Record<string, unknown> = {}
  // The same own keys as keysOf(), without allocating their array: for-in reads them from the object's
  // enumeration cache, and V8 turns the own-property check of the loop's own key into nothing.
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) setKey(out, key, decodeValue(value[key]))
  return out
}
