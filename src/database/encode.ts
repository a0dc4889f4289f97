/**
 * Query and update objects to the wire (reference §3.1, §3.3): nested objects flatten to dot paths,
 * commands become operators, values go through the codec.
 *
 * Where the official serializer changes the meaning of a request, we do not (each is tested):
 * - two field-level `.or()` in one `where()` are concatenated into one `$or` by the official client,
 *   which turns "A or B, and C or D" into "A or B or C or D"; we send `$and` of both;
 * - values inside arrays and `$`-keyed raw operators are type-encoded (Dates stay dates);
 * - an empty object is a value (`{ meta: {} }`), not dropped.
 */
import { encodeValue, type WireObject, type WireValue } from '../protocol/codec'
import { invalidArgument } from '../protocol/errors'
import { isObjectLike, keysOf } from '../internal/is'
import { DbCommand } from './command/base'
import { encodeCondition, encodeData, LogicCommand, QueryCommand, type QueryObject } from './command/query-command'
import { UpdateCommand } from './command/update-command'

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
export function encodeQuery(query: QueryObject | LogicCommand, api: string): WireObject {
  if (query instanceof LogicCommand) return encodeLogic(query, undefined, api)
  if (query instanceof DbCommand) {
    throw invalidArgument(api, `${query.op} needs a field: write where({ field: _.${query.op.slice(1)}(...) })`)
  }
  const out: WireObject = {}
  const flat = flatten(query, api)
  for (const key of keysOf(flat)) {
    const value = flat[key]
    if (value instanceof DbCommand) merge(out, encodeAt(key, value, api))
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
  if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
    return value.map((part) => (isObjectLike(part) || part instanceof LogicCommand ? encodeQuery(part as QueryObject, api) : encodeCondition(part, api)))
  }
  return encodeCondition(value, api)
}

/** The condition a command puts on `field`, e.g. `{ age: { $gt: 1 } }` or `{ $and: [...] }`. */
function encodeAt(field: string, command: DbCommand, api: string): WireObject {
  if (command instanceof QueryCommand) return { [field]: { [command.op]: command.wire } }
  if (command instanceof LogicCommand) {
    if (command.op !== '$not') return encodeLogic(command, field, api)
    const operand = command.operands[0]!
    const inner = operand instanceof DbCommand ? expressionAt(field, operand, api) : encodeValue(operand, api)
    return { [field]: { $not: inner } }
  }
  throw invalidArgument(api, `${command.op} is an update command; where() takes query commands such as _.gt()`)
}

/** The operator object `{ $gt: 1, $lt: 5 }` of a command on one field, for `_.not()`. */
function expressionAt(field: string, command: DbCommand, api: string): WireValue {
  const encoded = encodeAt(field, command, api)
  if (field in encoded && keysOf(encoded).length === 1) return encoded[field]!
  // `_.not(_.gt(1).and(_.lt(5)))`: merge the `$and` parts into one operator object.
  const parts = (encoded.$and as WireObject[] | undefined) || []
  const merged: WireObject = {}
  for (const part of parts) {
    const ops = part[field]
    if (!isObjectLike(ops) || keysOf(part).length !== 1) break
    for (const op of keysOf(ops)) if (!(op in merged)) merged[op] = ops[op]!
  }
  if (keysOf(merged).length) return merged
  throw invalidArgument(api, 'not() takes a single command or commands joined with and()')
}

function encodeLogic(command: LogicCommand, field: string | undefined, api: string): WireObject {
  if (command.op === '$not') throw invalidArgument(api, 'not() applies to a field: where({ field: _.not(...) })')
  const parts = command.operands.map((operand) => {
    if (operand instanceof DbCommand) {
      if (field !== undefined) return encodeAt(field, operand, api)
      if (operand instanceof LogicCommand) return encodeLogic(operand, undefined, api)
      throw invalidArgument(api, `${operand.op} needs a field inside ${command.op.slice(1)}(): use { field: _.${operand.op.slice(1)}(...) }`)
    }
    if (!isObjectLike(operand)) throw invalidArgument(api, `${command.op.slice(1)}() takes commands or query objects`)
    return encodeQuery(operand, api)
  })
  return { [command.op]: parts }
}

/**
 * Merges a field's condition into the query being built. `$and`s concatenate and so do `$nor`s (both stay
 * conjunctions); a second `$or` is kept apart under `$and`, so that both disjunctions must hold.
 */
function merge(query: WireObject, condition: WireObject): void {
  for (const key of keysOf(condition)) {
    const existing = query[key]
    const value = condition[key]!
    if (Array.isArray(existing) && (key === '$and' || key === '$nor')) query[key] = existing.concat(value as WireValue[])
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
    if (value instanceof UpdateCommand) {
      op = value.op
      operand = value.wire
    } else if (value instanceof DbCommand) {
      throw invalidArgument(api, `${value.op} is a query command; update() takes values and update commands such as _.inc()`)
    } else {
      op = '$set'
      operand = encodeData(value, api)
    }
    ;(out[op] = out[op] || {})[key] = operand
  }
  return out
}
