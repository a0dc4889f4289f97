/** Tiny type guards shared by every layer. They never throw and never allocate. */

const toString = Object.prototype.toString

/** A JSON-like object: created by `{}`, `Object.create(null)` or a class (not an array, Date, RegExp...). */
export function isObjectLike(value: unknown): value is Record<string, unknown> {
  // Comparing whole tags avoids slicing a new string on this hot path.
  return value !== null && typeof value === 'object' && toString.call(value) === '[object Object]'
}

/** A plain object literal: its prototype is `Object.prototype` or `null`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObjectLike(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === null || Object.getPrototypeOf(proto) === null
}

export const isArray: (value: unknown) => value is unknown[] = Array.isArray

export function isDate(value: unknown): value is Date {
  return toString.call(value) === '[object Date]'
}

export function isRegExp(value: unknown): value is RegExp {
  return toString.call(value) === '[object RegExp]'
}

/** Own enumerable keys: the only keys the SDK ever reads from user objects (no inherited `__proto__` tricks). */
export const keysOf: (value: object) => string[] = Object.keys

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value % 1 === 0
}
