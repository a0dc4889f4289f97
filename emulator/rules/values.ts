/**
 * What the rule language's operators do to values, shared by the concrete evaluator and the prover (which
 * runs these same functions on every value a query allows), so the two cannot disagree.
 *
 * The choices, and why:
 * - `==` and `!=` are strict on primitives (no coercion: `1 == '1'` is false; `null == undefined` is
 *   false, so a missing field is not `null`); Dates are equal when their times are; arrays and plain
 *   objects are equal when their members are (deeply, objects regardless of key order), which is how a
 *   query's equality reads them, so a rule and a query mean the same by "equal".
 * - Reading what is not there (a missing field, a member of null or of a primitive, `auth.openid` when
 *   signed out) never throws: it gives MISSING, which `== undefined` (so `request.data.price ==
 *   undefined` means "no price"), but which equals nothing else, not even another MISSING. Otherwise
 *   `doc._openid == auth.openid` would hold for a signed-out caller on every document without `_openid`
 *   (the ones the administrator wrote), and the PRIVATE preset would show them to anyone.
 * - `<`, `<=`, `>`, `>=` order numbers with numbers and strings with strings (UTF-16 code units, as
 *   JavaScript and mingo do); a Date counts as its time, so `now >= doc.startTime` works for a stored date.
 *   Any other pair compares false.
 * - `in` tests membership in an array only (CloudBase documents no other right-hand side); anything else
 *   is false.
 * - `+` concatenates when one side is a string and the other a string, number or boolean; otherwise the
 *   result is undefined. Never arithmetic, and never JavaScript's `'a' + undefined`: a `get()` path built
 *   from a missing field must not name a document whose id is "undefined".
 * - Member access reads own properties of plain objects and indices of arrays; anything else (null,
 *   primitives, Dates, `length`, inherited members) is MISSING, so no rule can reach a prototype.
 */

/** The value of what is not there (see the file comment). */
export const MISSING: unique symbol = Symbol('missing')

/** A plain object (not an array, Date, RegExp or class instance): the only values with named members. */
function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key)

/** Deep, strict equality (see the file comment). */
export function ruleEquals(a: unknown, b: unknown): boolean {
  if (a === MISSING || b === MISSING) return a === undefined || b === undefined
  if (a === b) return true
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime()
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => ruleEquals(item, b[i]))
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => hasOwn(b, key) && ruleEquals(a[key], b[key]))
  }
  return false
}

/** What `<` and friends compare: numbers (Dates as their time) or strings. */
export type OrderKey = { readonly order: 'number'; readonly key: number } | { readonly order: 'string'; readonly key: string }

/** The order key of a value; undefined for values that are not ordered (NaN, invalid dates, the rest). */
export function orderKey(value: unknown): OrderKey | undefined {
  if (typeof value === 'number') return value === value ? { order: 'number', key: value } : undefined
  if (typeof value === 'string') return { order: 'string', key: value }
  if (value instanceof Date) {
    const time = value.getTime()
    return time === time ? { order: 'number', key: time } : undefined
  }
  return undefined
}

/** The ordering operators. */
export type Ordering = '<' | '<=' | '>' | '>='

/** `a op b` on two order keys of the same kind. */
export function compareKeys(a: number | string, op: Ordering, b: number | string): boolean {
  switch (op) {
    case '<':
      return a < b
    case '<=':
      return a <= b
    case '>':
      return a > b
    case '>=':
      return a >= b
  }
}

/** `a op b` for the ordering operators: false unless both are numbers (or Dates) or both strings. */
export function ruleOrder(a: unknown, op: Ordering, b: unknown): boolean {
  const left = orderKey(a)
  const right = orderKey(b)
  return !!left && !!right && left.order === right.order && compareKeys(left.key, op, right.key)
}

/** `value in list`. */
export function ruleIn(value: unknown, list: unknown): boolean {
  return Array.isArray(list) && list.some((item) => ruleEquals(value, item))
}

/** `object.key` / `object[key]`: MISSING when there is no such member. */
export function ruleMember(object: unknown, key: unknown): unknown {
  let found: unknown
  if (Array.isArray(object)) {
    const index = typeof key === 'number' ? key : typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1
    if (Number.isInteger(index) && index >= 0 && index < object.length) found = object[index]
  } else if (isRecord(object) && (typeof key === 'string' || typeof key === 'number') && hasOwn(object, String(key))) {
    found = object[String(key)]
  }
  return found === undefined ? MISSING : found
}

/** A value as text in `+` and templates: strings, numbers and booleans only. */
function asText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
}

/** `a + b`: concatenation when one side is a string (see the file comment); else undefined. */
export function ruleConcat(a: unknown, b: unknown): string | undefined {
  if (typeof a !== 'string' && typeof b !== 'string') return undefined
  const left = asText(a)
  const right = asText(b)
  return left === undefined || right === undefined ? undefined : left + right
}

/** `` `q0${v0}q1...` ``: undefined when a value has no text. */
export function ruleTemplate(quasis: readonly string[], values: readonly unknown[]): string | undefined {
  let text = quasis[0] ?? ''
  for (let i = 0; i < values.length; i++) {
    const part = asText(values[i])
    if (part === undefined) return undefined
    text += part + (quasis[i + 1] ?? '')
  }
  return text
}

/**
 * Is `a` the same value as `b`, MISSING included? What the prover uses to compare the values a query
 * allows (a set that holds MISSING holds it once); `ruleEquals` is what a rule's `==` means.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a !== MISSING && b !== MISSING && ruleEquals(a, b))
}
