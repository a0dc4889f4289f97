/**
 * The shared decoder: wire queries, updates and aggregation stages (docs/protocol.md §3.1, §3.3, §4) back into
 * calls on a host's CloudBase-style builder, whose own serializer then sends them again.
 *
 * Commands are used wherever the host has them, because a host `where()` flattens plain nested objects
 * into dot paths. Where the official serializer (js-sdk's @cloudbase/database 0.12.1, the lineage of
 * the mini program clients) is known to change a command's meaning, the decoder picks a form it sends
 * faithfully instead; each is marked "official bug" below and tested in test/native:
 * - `_.set(x)`, `_.min(x)`, `_.max(x)`, `_.push({ each })`: their operands are sent without type encoding
 *   (§14 item 2), so a Date would arrive as an ISO string and `serverDate()` as `{ offset }`. Plain
 *   values are sent as plain `update()` values (which are encoded), and the rest already in wire form
 *   (`{ $date: ms }` passes through unencoded operands unchanged, and an encoding serializer keeps it too);
 * - `_.addToSet({ each })` is sent verbatim as `{ each }` (§14 item 4): `{ $each }` is passed instead;
 * - commands inside `_.elemMatch()` / `_.pull()` lose `neq`, `all`, chains and Dates (differential D1–D4):
 *   their conditions are passed in wire form, which the host sends unchanged;
 * - `_.not()` of several operators sends `{ f: {} }` (D5): it becomes `_.or()` of single `_.not()`s (De Morgan);
 * - `where().remove()` encodes the query twice and breaks GeoJSON values (D6): they go through `_.eq()`;
 * - `_.geoWithin({ centerSphere })` throws (§14 item 3): it is sent as an operator document in wire form,
 *   which the host keeps as it is; `_.mod(d, r)` drops r (§14 item 3): `_.mod([d, r])` is sent;
 * - arrays in a query are not encoded (a Date in one becomes an ISO string): they are sent in wire form;
 * - `doc().field()` turns projection operators into 1 (§14 item 12): such reads go through `where()`.
 */
import type { WireObject, WireValue } from '../protocol/codec'
import type { StageSpec } from '../protocol/database'
import { isArray, isObjectLike, keysOf } from '../internal/is'
import { textOf, unsupported } from './errors'
import type { HostAggregate, HostCommand } from './host'
import { copy, jsRegExp, markerOf, toHost, type HostContext } from './values'

/** Options of {@link decodeQuery}. */
export interface QueryContext extends HostContext {
  /** The query is for `where().remove()`, which the official client encodes twice (D6). */
  remove?: boolean
}

/** Calls `db.command[name]`, or says that the host has no such command. */
export function command(ctx: HostContext, name: keyof HostCommand, args: unknown[]): unknown {
  const _ = ctx.db.command as Record<string, unknown> | undefined
  const fn = _ && _[name]
  if (typeof fn !== 'function') throw unsupported(`${ctx.host.name} has no db.command.${name}()`)
  try {
    return fn.apply(_, args)
  } catch (error) {
    throw unsupported(`${ctx.host.name} refused db.command.${name}(): ${textOf(error)}`)
  }
}

/**
 * A decoded condition: on the field (`{ f: cond }`; `raw` when it is an operator document in wire form,
 * not a command), or a whole query part that must also hold.
 */
type Decoded = { field: unknown; raw?: true } | { part: unknown }

const COMPARE: Record<string, keyof HostCommand> = {
  $eq: 'eq',
  $ne: 'neq',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
  $in: 'in',
  $nin: 'nin',
  $all: 'all',
}

/** `{ $geometry: GeoJSON }` → the host's Geo value, or undefined for other forms. */
function geometry(operand: WireValue | undefined, ctx: HostContext, types?: string[]): unknown {
  if (!isObjectLike(operand) || !isObjectLike(operand.$geometry) || markerOf(operand.$geometry) !== 'geo') return undefined
  if (types && types.indexOf(operand.$geometry.type as string) < 0) return undefined
  return toHost(operand.$geometry, ctx)
}

/** One operator of a field's operator document. */
function decodeOperator(path: string, op: string, operand: WireValue, whole: WireObject, ctx: QueryContext): Decoded | undefined {
  const field = (value: unknown): Decoded => ({ field: value })
  const raw = (): Decoded => ({ field: { [op]: copy(operand) }, raw: true })
  const name = COMPARE[op]
  if (name) return field(command(ctx, name, [toHost(operand, ctx)]))
  switch (op) {
    case '$exists':
      return field(command(ctx, 'exists', [operand]))
    case '$size':
      return field(command(ctx, 'size', [operand]))
    case '$mod':
      // `_.mod([d, r])`: both official serializers send it whole (0.12.1 drops r from `mod(d, r)`).
      return field(command(ctx, 'mod', [copy(operand)]))
    case '$elemMatch':
      // Official bug (D1–D4): commands inside elemMatch are sent wrong; the wire condition is sent as it is.
      return field(command(ctx, 'elemMatch', [copy(operand)]))
    case '$regex':
      return field(toHost(whole.$options === undefined ? { $regex: operand } : { $regex: operand, $options: whole.$options }, ctx))
    case '$options':
      return undefined
    case '$nearSphere': {
      const point = geometry(operand, ctx, ['Point'])
      const o = operand as WireObject
      if (point === undefined || keysOf(o).some((k) => k !== '$geometry' && k !== '$maxDistance' && k !== '$minDistance')) return raw()
      const options: Record<string, unknown> = { geometry: point }
      if (o.$maxDistance !== undefined) options.maxDistance = o.$maxDistance
      if (o.$minDistance !== undefined) options.minDistance = o.$minDistance
      return field(command(ctx, 'geoNear', [options]))
    }
    case '$geoWithin': {
      // Official bug: `geoWithin({ centerSphere })` throws in js-sdk; that form stays an operator document.
      const area = keysOf(operand as WireObject).length === 1 ? geometry(operand, ctx, ['Polygon', 'MultiPolygon']) : undefined
      return area === undefined ? raw() : field(command(ctx, 'geoWithin', [{ geometry: area }]))
    }
    case '$geoIntersects': {
      const shape = keysOf(operand as WireObject).length === 1 ? geometry(operand, ctx) : undefined
      return shape === undefined ? raw() : field(command(ctx, 'geoIntersects', [{ geometry: shape }]))
    }
    case '$not':
      return decodeNot(path, operand, ctx)
    default:
      // Operators without a command ($type, $near, ...): an operator document, which hosts keep as it is.
      return raw()
  }
}

/** `{ f: { $not: ... } }`. */
function decodeNot(path: string, inner: WireValue, ctx: QueryContext): Decoded {
  const raw: Decoded = { field: { $not: copy(inner) }, raw: true }
  if (!isObjectLike(inner)) return raw
  // The official client takes a RegExp (not db.RegExp) in not().
  if (markerOf(inner) === 'regex') return { field: command(ctx, 'not', [jsRegExp(inner, ctx)]) }
  const nots: unknown[] = []
  for (const op of keysOf(inner)) {
    const decoded = op === '$not' || op === '$regex' || op === '$options' ? undefined : decodeOperator(path, op, inner[op]!, inner, ctx)
    if (!decoded || !('field' in decoded) || decoded.raw) return raw
    nots.push(command(ctx, 'not', [decoded.field]))
  }
  if (nots.length === 1) return { field: nots[0] }
  // Official bug (D5): not() of a chain sends { f: {} }. not(a and b) is (not a) or (not b).
  return { part: command(ctx, 'or', [nots.map((not) => ({ [path]: not }))]) }
}

/** One field of a query: its value or operator document. */
function decodeField(path: string, value: WireValue, ctx: QueryContext, fields: Record<string, unknown>, parts: unknown[]): void {
  if (!isObjectLike(value)) {
    // Scalars as they are; arrays in wire form, as the official client leaves query arrays unencoded.
    fields[path] = copy(value)
    return
  }
  const marker = markerOf(value)
  if (marker) {
    const host = toHost(value, ctx)
    // Official bug (D6): remove() encodes its query a second time and flattens GeoJSON into paths.
    fields[path] = marker === 'geo' && ctx.remove ? command(ctx, 'eq', [host]) : host
    return
  }
  const keys = keysOf(value)
  if (!keys.length || keys.some((k) => k[0] !== '$')) {
    // An object compared whole: a host where() would flatten it into paths (and drop `{}`).
    fields[path] = command(ctx, 'eq', [copy(value)])
    return
  }
  const decoded: Decoded[] = []
  for (const op of keys) {
    const one = decodeOperator(path, op, value[op]!, value, ctx)
    if (one) decoded.push(one)
  }
  if (decoded.length === 1 && 'field' in decoded[0]!) {
    fields[path] = decoded[0].field
    return
  }
  // Several operators on one field: each is its own condition, all must hold.
  for (const one of decoded) parts.push('field' in one ? { [path]: one.field } : one.part)
}

/** A wire query as the argument of the host's `where()` (or `aggregate().match()`). */
export function decodeQuery(query: WireObject, ctx: QueryContext): unknown {
  const fields: Record<string, unknown> = {}
  const parts: unknown[] = []
  for (const key of keysOf(query)) {
    const value = query[key]!
    if ((key === '$and' || key === '$or' || key === '$nor') && isArray(value)) {
      const subs = value.map((sub) => (isObjectLike(sub) ? decodeQuery(sub, ctx) : sub))
      parts.push(command(ctx, key.slice(1) as 'and', [subs]))
    } else if (key === '$expr' && ctx.db.command && typeof ctx.db.command.expr === 'function') {
      parts.push(command(ctx, 'expr', [copy(value)]))
    } else if (key[0] === '$') {
      // $expr, $jsonSchema, $text, ...: operator documents, which hosts keep as they are.
      fields[key] = copy(value)
    } else decodeField(key, value, ctx, fields, parts)
  }
  const hasFields = keysOf(fields).length > 0
  if (!parts.length) return fields
  if (!hasFields && parts.length === 1) return parts[0]
  return command(ctx, 'and', [hasFields ? ([fields] as unknown[]).concat(parts) : parts])
}

/** Update operators with a command. */
const UPDATES = ['$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$bit', '$push', '$pop', '$pull', '$pullAll', '$addToSet']

/** One field of one update operator. */
function decodeUpdateField(op: string, value: WireValue, ctx: HostContext): unknown {
  switch (op) {
    case '$set':
      // Official bug (§14 item 2): `_.set(x)` sends x unencoded. Sub-documents go in wire form through
      // `_.set` (a plain object would be flattened into paths); other values as plain values, which are encoded.
      return isObjectLike(value) && !markerOf(value) ? command(ctx, 'set', [copy(value)]) : toHost(value, ctx)
    case '$unset':
      return command(ctx, 'remove', [])
    case '$inc':
      return command(ctx, 'inc', [value])
    case '$mul':
      return command(ctx, 'mul', [value])
    case '$min':
    case '$max':
      // Official bug (§14 item 2): a Date operand would be sent as an ISO string; `{ $date }` passes as it is.
      return command(ctx, op === '$min' ? 'min' : 'max', [copy(value)])
    case '$rename':
      return command(ctx, 'rename', [value])
    case '$bit':
      return command(ctx, 'bit', [copy(value)])
    case '$pop':
      return command(ctx, value === -1 ? 'shift' : 'pop', [])
    case '$pull':
      // Official bug (D1–D4): commands inside pull are sent wrong; the wire condition is sent as it is.
      return command(ctx, 'pull', [copy(value)])
    case '$pullAll':
      return command(ctx, 'pullAll', [toHost(value, ctx)])
    case '$addToSet':
      // Official bug (§14 item 4): `_.addToSet({ each })` is sent as `{ each }`; `{ $each }` passes as it is.
      return command(ctx, 'addToSet', [isObjectLike(value) && '$each' in value ? copy(value) : toHost(value, ctx)])
    default:
      return decodePush(value, ctx)
  }
}

/** `{ $push: { f: { $each, $position, $sort, $slice } } }`. */
function decodePush(value: WireValue, ctx: HostContext): unknown {
  if (!isObjectLike(value) || !isArray(value.$each)) return command(ctx, 'push', [[toHost(value, ctx)]])
  const { $each, $position, $sort, $slice } = value
  const keys = keysOf(value)
  if (keys.length === 1) return command(ctx, 'push', [toHost($each, ctx)])
  if (keys.length === 2 && $position === 0) return command(ctx, 'unshift', [toHost($each, ctx)])
  // Official bug (§14 item 2): the options form sends `each` unencoded, so it goes in wire form.
  const options: Record<string, unknown> = { each: copy($each) }
  if ($position !== undefined) options.position = $position
  if ($sort !== undefined) options.sort = copy($sort)
  if ($slice !== undefined) options.slice = $slice
  return command(ctx, 'push', [options])
}

/** A wire update (`{ $set: {...}, $inc: {...} }`) as the `data` of the host's `update()`. */
export function decodeUpdate(data: WireObject, ctx: HostContext): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const set = (path: string, value: unknown) => {
    if (path in out) throw unsupported(`the update changes "${path}" with two operators, which no host can replay`)
    out[path] = value
  }
  for (const op of keysOf(data)) {
    const fields = data[op]!
    if (op[0] !== '$') set(op, decodeUpdateField('$set', fields, ctx))
    else if (UPDATES.indexOf(op) < 0 || !isObjectLike(fields)) {
      // $setOnInsert, $currentDate, ...: operator documents, which hosts keep as they are.
      out[op] = copy(fields)
    } else for (const path of keysOf(fields)) set(path, decodeUpdateField(op, fields[path]!, ctx))
  }
  return out
}

/** `$geoNear`: `near` as the host's Point, `query` as host commands (the host encodes both again). */
function geoNearStage(value: WireValue, ctx: HostContext): unknown {
  if (!isObjectLike(value)) return value
  const out: Record<string, unknown> = copy(value)
  if (isObjectLike(value.near) && markerOf(value.near) === 'geo') out.near = toHost(value.near, ctx)
  if (isObjectLike(value.query)) out.query = decodeQuery(value.query, ctx)
  return out
}

/**
 * Replays aggregation stages on `aggregate`: `$match` through the query decoder, `$geoNear` with host
 * values, the others in wire form (the official builder JSON-stringifies them, so values must already be
 * `{ $date }`, not Dates).
 */
export function decodeStages(aggregate: HostAggregate, stages: StageSpec[], ctx: HostContext): HostAggregate {
  const { host } = ctx
  let pipeline = aggregate as HostAggregate & Record<string, unknown>
  for (const stage of stages) {
    const name = String(stage && stage.stageKey).replace(/^\$/, '')
    if (host.stages && host.stages.indexOf(name) < 0) {
      throw unsupported(`the aggregation stage $${name} is not supported by ${host.name}, which runs only ${host.stages.map((s) => '$' + s).join(', ')}`)
    }
    let value: WireValue
    try {
      value = JSON.parse(stage.stageValue) as WireValue
    } catch {
      throw unsupported(`the aggregation stage $${name} has a value that is not JSON: ${String(stage.stageValue)}`)
    }
    const argument = name === 'match' && isObjectLike(value) ? decodeQuery(value, ctx) : name === 'geoNear' ? geoNearStage(value, ctx) : value
    const method = pipeline[name]
    if (typeof method !== 'function') throw unsupported(`${host.name}'s aggregate() has no ${name}() stage`)
    try {
      pipeline = method.call(pipeline, argument) as HostAggregate & Record<string, unknown>
    } catch (error) {
      throw unsupported(`${host.name} refused the aggregation stage $${name}: ${textOf(error)}`)
    }
  }
  return pipeline
}
