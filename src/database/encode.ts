/**
 * Query and update objects to the wire (docs/protocol.md §3.1, §3.3): nested objects flatten to dot paths,
 * commands become operators, values go through the codec.
 *
 * Where the official serializer changes the meaning of a request, we do not (each is tested):
 * - two field-level `.or()` in one `where()` are concatenated into one `$or` by the official client,
 *   which turns "A or B, and C or D" into "A or B or C or D"; we send `$and` of both;
 * - values inside arrays and `$`-keyed raw operators are type-encoded (Dates stay dates);
 * - an empty object is a value (`{ meta: {} }`), not dropped.
 */
import { at, encodeValue, type EncodeHook, type WireObject, type WireValue } from '../protocol/codec'
import { invalidArgument } from '../protocol/errors'
import { isArray, isObjectLike, keysOf } from '../internal/is'
import { DbCommand } from './command/base'

/** A query object: field paths to values or commands, or a logic command. */
export type QueryObject = Record<string, unknown>

/** Commands are not values: one found inside a value is a mistake worth naming. */
const rejectCommands: EncodeHook = (value, api, path) => {
  if (value instanceof DbCommand) {
    throw invalidArgument(api, `${at(path)}a command (${value.op}) cannot be used as a value`)
  }
  return undefined
}

/** Query commands inside a condition become operator expressions such as `{ $gt: 5 }`. */
const commandsToExpressions: EncodeHook = (value, api) => (value instanceof DbCommand ? value._expression(api) : undefined)

/**
 * Encodes a literal value (`_.eq()`, `add()`, `_.set()` operands), refusing commands inside it
 * (`{ a: _.gt(1) }` is a mistake there).
 */
export function encodeData(value: unknown, api: string): WireValue {
  return encodeValue(value, api, rejectCommands)
}

/**
 * Encodes a condition on array elements or values (`_.elemMatch`, `_.pull`, `_.not`): query commands
 * become operator expressions such as `{ $gt: 5 }`.
 */
export function encodeCondition(value: unknown, api: string): WireValue {
  return encodeValue(value, api, commandsToExpressions)
}

/** Values kept whole by flattening: commands, dates, regexps and other values the codec knows. */
function isLeaf(value: unknown): boolean {
  return !isObjectLike(value) || value instanceof DbCommand || typeof (value as { _internalType?: unknown })._internalType === 'string'
}

/**
 * `{ a: { b: 1, c: { $gt: 2 } } }` → `{ 'a.b': 1, 'a.c': { $gt: 2 } }`. Keys starting with `$` stay on
 * their object (operator objects); an empty object stays a value.
 */
export function flatten(object: QueryObject, api: string, out: QueryObject = {}, prefix = '', seen: object[] = []): QueryObject {
  if (seen.indexOf(object) >= 0) throw invalidArgument(api, `the value at "${prefix.slice(0, -1)}" is circular`)
  seen.push(object)
  // Nested objects flatten after their siblings, as in the official serializer, so `$and`s built from
  // both concatenate in the same order.
  const nested: string[] = []
  for (const key of keysOf(object)) {
    const value = object[key]
    // Below the top level, `$` keys were kept with their parent (see `operators` below).
    if (value === undefined || (prefix && key[0] === '$')) continue
    const path = prefix + key
    if (key[0] === '$' || isLeaf(value) || !keysOf(value as object).length) {
      out[path] = value
      continue
    }
    const operators: QueryObject = {}
    for (const childKey of keysOf(value as object)) {
      if (childKey[0] === '$') operators[childKey] = (value as QueryObject)[childKey]
    }
    if (keysOf(operators).length) out[path] = operators
    nested.push(key)
  }
  for (const key of nested) flatten(object[key] as QueryObject, api, out, prefix + key + '.', seen)
  seen.pop()
  return out
}

/** Encodes the argument of `where()` (a query object or a logic command) into a wire query. */
export function encodeQuery(query: QueryObject | DbCommand, api: string): WireObject {
  if (query instanceof DbCommand) return query._where(api)
  const out: WireObject = {}
  const flat = flatten(query, api)
  for (const key of keysOf(flat)) {
    const value = flat[key]
    if (value instanceof DbCommand) merge(out, value._at(key, api))
    else if (key[0] !== '$') out[key] = encodeData(value, api)
    else merge(out, { [key]: encodeOperator(key, value, api) })
  }
  return out
}

/**
 * A raw operator written by hand (`{ $or: [{ a: _.gt(1) }, { b: 2 }] }`, `{ $expr: ... }`): logic
 * operators take query objects, the others conditions, and commands inside are encoded either way.
 */
function encodeOperator(key: string, value: unknown, api: string): WireValue {
  if ((key === '$and' || key === '$or' || key === '$nor') && isArray(value)) {
    return value.map((part) => (isObjectLike(part) || part instanceof DbCommand ? encodeQuery(part as QueryObject, api) : encodeCondition(part, api)))
  }
  return encodeCondition(value, api)
}

/**
 * Merges a field's condition into the query being built. `$and`s concatenate and so do `$nor`s (both stay
 * conjunctions); a second `$or` is kept apart under `$and`, so that both disjunctions must hold.
 */
function merge(query: WireObject, condition: WireObject): void {
  for (const key of keysOf(condition)) {
    const existing = query[key]
    const value = condition[key]!
    if (isArray(existing) && (key === '$and' || key === '$nor')) query[key] = existing.concat(value as WireValue[])
    else if (existing !== undefined && key === '$or') {
      query.$and = ((query.$and as WireValue[] | undefined) || []).concat({ $or: value })
    } else query[key] = value
  }
}

/**
 * Encodes the argument of `update()`: plain values become `$set` on their dot path, update commands
 * their operator, and several operators merge into one object.
 */
export function encodeUpdate(data: QueryObject, api: string): WireObject {
  const out: Record<string, WireObject> = {}
  const flat = flatten(data, api)
  for (const key of keysOf(flat)) {
    const value = flat[key]
    let op: string
    let operand: WireValue
    if (key[0] === '$') {
      // A raw operator such as `{ $set: {...} }` given by hand: keep it, with its values encoded.
      op = key
      operand = encodeData(value, api)
      Object.assign((out[op] = out[op] || {}), operand)
      continue
    }
    if (value instanceof DbCommand) [op, operand] = value._update(api)
    else {
      op = '$set'
      operand = encodeData(value, api)
    }
    ;(out[op] = out[op] || {})[key] = operand
  }
  return out
}
