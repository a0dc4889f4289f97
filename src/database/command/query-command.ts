/**
 * Query and logic commands (`_.gt`, `_.in`, `_.elemMatch`, `_.geoNear`, `_.and`, `_.not`, ...).
 *
 * A query command validates and encodes its operand when it is built, so a bad value fails at the call
 * that introduced it. Logic commands keep their operands (commands or query objects) until the query
 * encoder asks for their condition on a field (`_at`), or on whole documents (`_where`).
 */
import { encodeValue, type WireObject, type WireValue } from '../../protocol/codec'
import { invalidArgument } from '../../protocol/errors'
import { isGeometry, type GeoMultiPolygon, type GeoPoint, type GeoPolygon, type Geometry } from '../../protocol/geo'
import { isArray, isNonNegativeInteger, isObjectLike, isRegExp, keysOf } from '../../internal/is'
import { encodeCondition, encodeData, encodeQuery, type QueryObject } from '../encode'
import { DbCommand } from './base'
import type { DbRegExp } from '../../protocol/regexp'
import type { AnyValue, DocumentLevel, FieldCondition, GeoValue, queryField } from '../types/brand'
import type { AnyDocument } from '../types/document'
import type { ElementCondition, Filter } from '../types/filter'

/** What a logic command combines: commands (on a field) or whole query objects. */
export type LogicOperand = DbCommand | QueryObject | RegExp

/** An operand of a field-level logic command: a command on the field, or a pattern for string fields. */
export type FieldOperand = FieldCondition<any> | RegExp | DbRegExp

/** The field values a {@link FieldOperand} compares with (a pattern compares with strings). */
export type OperandValue<C> = C extends FieldCondition<infer V> ? V : string

/**
 * A logic command over whole query objects of documents `T`: `_.or([{ done: true }, { priority: 1 }])`.
 *
 * It is also typed as a `Filter<T>` (a type-level statement only: it has none of the filter's fields, all
 * optional), so that `where()` takes one parameter type, `Filter<T>`, and a logic command fits it; `T`
 * is inferred from that parameter. The alternatives cost more (test/types/bench/README.md): a union
 * parameter `Filter<T> | LogicCommand` makes TypeScript resolve every property of the filter whenever it
 * checks an object literal (~58k type instantiations for 10 queries on a 617-path document instead of
 * ~11k), and two `where()` overloads lose the contextual typing of `_.elemMatch()` inside the query.
 */
export type WhereCommand<T> = LogicCommand<DocumentLevel<T>> & Filter<T>

/** An operand of a document-level logic command: a query object or another such logic command. */
export type DocumentOperand<T> = Filter<T>

/**
 * The arguments of the logic commands: `(a, b, c)` or `([a, b, c])`.
 * @typeParam C - the operand type
 */
export type Operands<C> = C[] | [C[]]

/** `and()` / `or()` on any condition, as wx's `DatabaseLogicCommand`. `V` is a phantom (see `types.ts`). */
abstract class Condition<V = any> extends DbCommand {
  /** @internal compile-time only: the values this condition compares with. */
  declare readonly [queryField]: V
  /** This condition and all of `conditions` (`$and`). */
  and<C extends FieldOperand>(...conditions: Operands<C>): LogicCommand<V | OperandValue<C>>
  and(...conditions: Operands<QueryObject | LogicCommand>): LogicCommand<V>
  and(...conditions: LogicOperand[] | [LogicOperand[]]): LogicCommand {
    return new LogicCommand('$and', [this as LogicOperand].concat(spread(conditions)))
  }
  /** This condition or any of `conditions` (`$or`). */
  or<C extends FieldOperand>(...conditions: Operands<C>): LogicCommand<V | OperandValue<C>>
  or(...conditions: Operands<QueryObject | LogicCommand>): LogicCommand<V>
  or(...conditions: LogicOperand[] | [LogicOperand[]]): LogicCommand {
    return new LogicCommand('$or', [this as LogicOperand].concat(spread(conditions)))
  }
}

/**
 * `_.and(a, b)`, `_.or([a, b])`, `_.nor(...)`, `_.not(cmd)` and chained `.and()` / `.or()`. On a field,
 * `V` is the union of its operands' values; on whole documents (`where(_.or([...]))`) it is
 * `DocumentLevel<T>`, which fits no field.
 */
export class LogicCommand<V = any> extends Condition<V> {
  constructor(
    readonly op: '$and' | '$or' | '$nor' | '$not',
    readonly operands: LogicOperand[],
  ) {
    super()
  }

  /** @internal */
  override _at(field: string, api: string): WireObject {
    if (this.op !== '$not') return this._parts(field, api)
    const operand = this.operands[0]!
    const inner = operand instanceof DbCommand ? notOperand(field, operand, api) : encodeValue(operand, api)
    return { [field]: { $not: inner } }
  }

  /** @internal `{ $gt: 1, $lt: 5 }` for `_.gt(1).lt(5)`: the `$and` parts merged when no operator repeats. */
  override _expression(api: string): WireObject {
    const parts = this.operands.map((operand) => (isRegExp(operand) ? encodeValue(operand, api) : encodeCondition(operand, api)) as WireObject)
    if (this.op === '$not') return { $not: parts[0]! }
    if (this.op === '$and') {
      const merged: WireObject = {}
      let clash = false
      for (const part of parts) {
        for (const key in part) {
          if (key in merged || key[0] !== '$') clash = true
          merged[key] = part[key]!
        }
      }
      if (!clash) return merged
    }
    return { [this.op]: parts }
  }

  /** @internal */
  override _where(api: string): WireObject {
    if (this.op === '$not') throw invalidArgument(api, 'not() applies to a field: where({ field: _.not(...) })')
    return this._parts(undefined, api)
  }

  /** `{ $or: [...] }` of the operands: conditions on `field`, or whole query objects without one. */
  private _parts(field: string | undefined, api: string): WireObject {
    const name = this.op.slice(1)
    const parts = this.operands.map((operand) => {
      if (operand instanceof DbCommand) return field === undefined ? operand._where(api, name) : operand._at(field, api)
      if (!isObjectLike(operand)) throw invalidArgument(api, `${name}() takes commands or query objects`)
      return encodeQuery(operand, api)
    })
    return { [this.op]: parts }
  }
}

/** The operator object `{ $gt: 1, $lt: 5 }` of a command on one field, for `_.not()`. */
function notOperand(field: string, command: DbCommand, api: string): WireValue {
  const encoded = command._at(field, api)
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

/**
 * A comparison, element, array or geo condition on one field, its operand already encoded. `V` is a
 * phantom: the values it compares with (`_.gt(5)` is `QueryCommand<5>`, which fits `number` fields).
 */
export class QueryCommand<V = any> extends Condition<V> {
  constructor(
    readonly op: string,
    readonly wire: WireValue,
  ) {
    super()
  }
  /** @internal */
  override _at(field: string): WireObject {
    return { [field]: this._expression() }
  }
  /** @internal */
  override _expression(): WireObject {
    return { [this.op]: this.wire }
  }
  eq<W extends AnyValue>(value: W): LogicCommand<V | W>
  eq(value: AnyValue): LogicCommand {
    return this.and(eq(value))
  }
  neq<W extends AnyValue>(value: W): LogicCommand<V | W>
  neq(value: AnyValue): LogicCommand {
    return this.and(neq(value))
  }
  gt<W extends AnyValue>(value: W): LogicCommand<V | W>
  gt(value: AnyValue): LogicCommand {
    return this.and(gt(value))
  }
  gte<W extends AnyValue>(value: W): LogicCommand<V | W>
  gte(value: AnyValue): LogicCommand {
    return this.and(gte(value))
  }
  lt<W extends AnyValue>(value: W): LogicCommand<V | W>
  lt(value: AnyValue): LogicCommand {
    return this.and(lt(value))
  }
  lte<W extends AnyValue>(value: W): LogicCommand<V | W>
  lte(value: AnyValue): LogicCommand {
    return this.and(lte(value))
  }
  in<W extends AnyValue>(values: readonly W[]): LogicCommand<V | W>
  in(values: readonly AnyValue[]): LogicCommand {
    return this.and(inArray(values))
  }
  nin<W extends AnyValue>(values: readonly W[]): LogicCommand<V | W>
  nin(values: readonly AnyValue[]): LogicCommand {
    return this.and(nin(values))
  }
  exists(value: boolean): LogicCommand<V> {
    return this.and(exists(value))
  }
  mod(divisor: number | [number, number], remainder?: number): LogicCommand<V | number> {
    return this.and(mod(divisor, remainder))
  }
  size(value: number): LogicCommand<V | any[]> {
    return this.and(size(value))
  }
  all<W extends AnyValue>(values: readonly W[]): LogicCommand<V | W[]>
  all(values: readonly AnyValue[]): LogicCommand {
    return this.and(all(values))
  }
  elemMatch(condition: ElementCondition<any>): LogicCommand<V | any[]>
  elemMatch(condition: unknown): LogicCommand {
    return this.and(elemMatch(condition as ElementCondition<any>))
  }
  geoNear(options: GeoNearOptions): LogicCommand<V | GeoValue> {
    return this.and(geoNear(options))
  }
  geoWithin(options: GeoWithinOptions): LogicCommand<V | GeoValue> {
    return this.and(geoWithin(options))
  }
  geoIntersects(options: GeoIntersectsOptions): LogicCommand<V | GeoValue> {
    return this.and(geoIntersects(options))
  }
}

/** `_.and(a, b)` and `_.and([a, b])` mean the same. */
export function spread<T>(args: T[] | [T[]]): T[] {
  return args.length === 1 && isArray(args[0]) ? (args[0] as T[]) : (args as T[])
}

const api = (name: string) => `command.${name}`

function compare(op: string, name: string) {
  return (value: unknown): QueryCommand => new QueryCommand(op, encodeData(value, api(name)))
}

/**
 * A comparison command; the literal type of `value` is kept (`_.eq('open')` is `QueryCommand<'open'>`),
 * so it fits `'open' | 'closed'` fields and `_.eq('opne')` does not.
 */
export type CompareCommand = <V extends AnyValue>(value: V) => QueryCommand<V>

/** Equal to `value` (for objects: exactly equal). */
export const eq: CompareCommand = /*#__PURE__*/ compare('$eq', 'eq')
/** Not equal to `value`. */
export const neq: CompareCommand = /*#__PURE__*/ compare('$ne', 'neq')
/** Greater than `value`. */
export const gt: CompareCommand = /*#__PURE__*/ compare('$gt', 'gt')
/** Greater than or equal to `value`. */
export const gte: CompareCommand = /*#__PURE__*/ compare('$gte', 'gte')
/** Less than `value`. */
export const lt: CompareCommand = /*#__PURE__*/ compare('$lt', 'lt')
/** Less than or equal to `value`. */
export const lte: CompareCommand = /*#__PURE__*/ compare('$lte', 'lte')

function list(op: string, name: string) {
  return (values: readonly unknown[]): QueryCommand => {
    if (!isArray(values)) throw invalidArgument(api(name), `takes an array, got ${typeof values}`)
    return new QueryCommand(op, encodeData(values, api(name)))
  }
}

/** Equal to one of `values`. */
export const inArray: <V extends AnyValue>(values: readonly V[]) => QueryCommand<V> = /*#__PURE__*/ list('$in', 'in')
/** Equal to none of `values`. */
export const nin: <V extends AnyValue>(values: readonly V[]) => QueryCommand<V> = /*#__PURE__*/ list('$nin', 'nin')
/** An array containing all of `values`. */
export const all: <V extends AnyValue>(values: readonly V[]) => QueryCommand<V[]> = /*#__PURE__*/ list('$all', 'all')

/** The field exists (`true`) or does not (`false`); fits any field. */
export function exists(value: boolean): QueryCommand<any> {
  if (typeof value !== 'boolean') throw invalidArgument(api('exists'), `takes true or false, got ${typeof value}`)
  return new QueryCommand('$exists', value)
}

/** An array of exactly `value` elements; fits array fields. */
export function size(value: number): QueryCommand<any[]> {
  if (!isNonNegativeInteger(value)) throw invalidArgument(api('size'), `takes a non-negative integer, got ${String(value)}`)
  return new QueryCommand('$size', value)
}

/**
 * `field % divisor === remainder`. Both `mod(4, 1)` and `mod([4, 1])` are accepted; the official client
 * drops the remainder of the first form (docs/protocol.md §14 item 3), we do not.
 */
export function mod(divisor: number | [number, number], remainder?: number): QueryCommand<number> {
  const pair = isArray(divisor) ? divisor : [divisor, remainder === undefined ? 0 : remainder]
  if (pair.length !== 2 || !pair.every((n) => typeof n === 'number' && isFinite(n)) || pair[0] === 0) {
    throw invalidArgument(api('mod'), 'takes (divisor, remainder) or [divisor, remainder]: numbers, divisor not 0')
  }
  return new QueryCommand('$mod', pair)
}

/**
 * An array with at least one element matching `condition` (a query object or a command). The element
 * type comes from the field: `{ items: _.elemMatch({ price: _.gt(5) }) }` checks `price` against the
 * elements of `items`.
 */
export function elemMatch<E = any>(condition: NoInfer<ElementCondition<E>>): QueryCommand<E[]>
export function elemMatch(condition: unknown): QueryCommand {
  if (!(condition instanceof Condition) && !isObjectLike(condition)) {
    throw invalidArgument(api('elemMatch'), 'takes a query object or a command')
  }
  return new QueryCommand('$elemMatch', encodeCondition(condition, api('elemMatch')))
}

/** Options of `_.geoNear`: distances in metres. */
export interface GeoNearOptions {
  geometry: GeoPoint
  maxDistance?: number
  minDistance?: number
}
/** Options of `_.geoWithin`: a (multi)polygon, or a circle `[centre, radius in radians]`. */
export type GeoWithinOptions =
  | { geometry: GeoPolygon | GeoMultiPolygon }
  | { centerSphere: [GeoPoint | [number, number], number] }
/** Options of `_.geoIntersects`. */
export interface GeoIntersectsOptions {
  geometry: Geometry
}

function geometryOf(name: string, options: { geometry?: unknown } | undefined, types: string[]): WireObject {
  const geometry = options && options.geometry
  if (!isGeometry(geometry) || types.indexOf(geometry._internalType) < 0) {
    throw invalidArgument(api(name), `takes { geometry } with a ${types.join(' or ')} from db.Geo`)
  }
  return geometry.toJSON() as unknown as WireObject
}

function distance(name: string, value: unknown): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
    throw invalidArgument(api(name), `distances are non-negative numbers of metres, got ${String(value)}`)
  }
  return value
}

/** Sorted by distance from a point, optionally within `[minDistance, maxDistance]` metres. */
export function geoNear(options: GeoNearOptions): QueryCommand<GeoValue> {
  const near: WireObject = { $geometry: geometryOf('geoNear', options, ['Point']) }
  const max = distance('geoNear', options.maxDistance)
  const min = distance('geoNear', options.minDistance)
  if (max !== undefined) near.$maxDistance = max
  if (min !== undefined) near.$minDistance = min
  return new QueryCommand('$nearSphere', near)
}

/**
 * Inside a (multi)polygon or a sphere cap. The official client throws a TypeError on `centerSphere`
 * (docs/protocol.md §14 item 3); we send `$centerSphere` as MongoDB defines it.
 */
export function geoWithin(options: GeoWithinOptions): QueryCommand<GeoValue> {
  const circle = options && (options as { centerSphere?: unknown }).centerSphere
  if (circle === undefined) {
    return new QueryCommand('$geoWithin', { $geometry: geometryOf('geoWithin', options as { geometry: unknown }, ['Polygon', 'MultiPolygon']) })
  }
  const [centre, radius] = isArray(circle) ? circle : []
  const lngLat = isGeometry(centre) && centre._internalType === 'Point' ? (centre as GeoPoint).toJSON().coordinates : centre
  if (!isArray(lngLat) || lngLat.length !== 2 || !lngLat.every((n) => typeof n === 'number') || typeof radius !== 'number' || !(radius >= 0)) {
    throw invalidArgument(api('geoWithin'), 'centerSphere takes [Point or [longitude, latitude], radius in radians]')
  }
  return new QueryCommand('$geoWithin', { $centerSphere: [lngLat as number[], radius] })
}

/** Intersecting a geometry. */
export function geoIntersects(options: GeoIntersectsOptions): QueryCommand<GeoValue> {
  const all = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']
  return new QueryCommand('$geoIntersects', { $geometry: geometryOf('geoIntersects', options, all) })
}

function logic(op: '$and' | '$or' | '$nor') {
  return (...conditions: LogicOperand[] | [LogicOperand[]]): LogicCommand => {
    const operands = spread(conditions)
    if (!operands.length) throw invalidArgument(api(op.slice(1)), 'takes at least one condition')
    return new LogicCommand(op, operands)
  }
}

/**
 * A logic command: on a field, of commands (`{ age: _.or(_.lt(18), _.gt(65)) }`); on whole documents,
 * of query objects (`where(_.or([{ done: true }, { priority: _.gt(2) }]))`), checked against the
 * collection's document type.
 */
export interface LogicFunction {
  <C extends FieldOperand>(...conditions: Operands<C>): LogicCommand<OperandValue<C>>
  <T = AnyDocument>(...conditions: Operands<NoInfer<DocumentOperand<T>>>): WhereCommand<T>
}

/** All conditions hold: `_.and(a, b)` or `_.and([a, b])`. */
export const and: LogicFunction = /*#__PURE__*/ logic('$and') as LogicFunction
/** Any condition holds. */
export const or: LogicFunction = /*#__PURE__*/ logic('$or') as LogicFunction
/** No condition holds. */
export const nor: LogicFunction = /*#__PURE__*/ logic('$nor') as LogicFunction

/** The field does not match `condition` (a command or a RegExp). */
export function not<C extends FieldOperand>(condition: C): LogicCommand<OperandValue<C>>
export function not(condition: QueryCommand | LogicCommand | RegExp): LogicCommand {
  if (!(condition instanceof Condition) && !isRegExp(condition)) {
    throw invalidArgument(api('not'), 'takes a command such as _.gt(5), or a RegExp')
  }
  return new LogicCommand('$not', [condition])
}
