/**
 * Update commands (`_.set`, `_.inc`, `_.push`, ...): each validates and encodes its operand when built.
 *
 * Operands are type-encoded, unlike the official serializer, which sends `_.set(new Date())` as an ISO
 * string and `_.set(db.serverDate())` as `{ offset }` (docs/protocol.md §14 item 2), and `_.addToSet({ each })`
 * verbatim (item 4).
 */
import type { WireObject, WireValue } from '../../protocol/codec'
import { invalidArgument } from '../../protocol/errors'
import { isArray, isDate, isObjectLike, isPlainObject, keysOf } from '../../internal/is'
import { DbCommand } from './base'
import { encodeCondition, encodeData } from '../encode'
import { spread } from './query-command'
import type { AnyValue, updateField } from '../types/brand'
import type { ElementCondition } from '../types/filter'

/**
 * One update operator on one field; `wire` is the operand as sent: `{ [op]: { [field]: wire } }`.
 * `V` is a phantom: the value the command leaves in the field (`_.inc(1)` is `UpdateCommand<number>`),
 * so a command fits the fields whose type `V` is assignable to.
 */
export class UpdateCommand<V = any> extends DbCommand {
  /** @internal compile-time only: the value this command leaves in the field. */
  declare readonly [updateField]: V
  constructor(
    readonly op: string,
    readonly wire: WireValue,
  ) {
    super()
  }
  /** @internal */
  override _update(): [string, WireValue] {
    return [this.op, this.wire]
  }
}

const api = (name: string) => `command.${name}`

function numeric(op: string, name: string, dates?: boolean) {
  return (value: number): UpdateCommand => {
    if (!(typeof value === 'number' && isFinite(value)) && !(dates && isDate(value))) {
      throw invalidArgument(api(name), `takes a finite number${dates ? ' or a Date' : ''}, got ${String(value)}`)
    }
    return new UpdateCommand(op, encodeData(value, api(name)))
  }
}

/** Replaces the field with `value` as a whole (objects are not merged); fits fields of `value`'s type. */
export function set<V extends AnyValue>(value: V): UpdateCommand<V>
export function set(value: unknown): UpdateCommand {
  if (value === undefined) throw invalidArgument(api('set'), 'takes a value; use _.remove() to delete a field')
  return new UpdateCommand('$set', encodeData(value, api('set')))
}

/**
 * Deletes the field. Typed `UpdateCommand<undefined>`: it fits optional fields (and `any`), because
 * removing a required field would leave a document that no longer has its declared type.
 */
export function remove(): UpdateCommand<undefined> {
  return new UpdateCommand('$unset', '')
}

/** `_.min()` / `_.max()`: numbers fit number fields, Dates fit Date fields. */
export interface MinMaxCommand {
  (value: number): UpdateCommand<number>
  (value: Date): UpdateCommand<Date>
}

/** Adds `n` (atomic); fits number fields. */
export const inc: (n: number) => UpdateCommand<number> = /*#__PURE__*/ numeric('$inc', 'inc')
/** Multiplies by `n` (atomic); fits number fields. */
export const mul: (n: number) => UpdateCommand<number> = /*#__PURE__*/ numeric('$mul', 'mul')
/** Sets the field to `value` when `value` is smaller. */
export const min: MinMaxCommand = /*#__PURE__*/ numeric('$min', 'min', true) as MinMaxCommand
/** Sets the field to `value` when `value` is larger. */
export const max: MinMaxCommand = /*#__PURE__*/ numeric('$max', 'max', true) as MinMaxCommand

/** Renames the field to `name` (a field path); fits any field. */
export function rename(name: string): UpdateCommand<any> {
  if (typeof name !== 'string' || !name) throw invalidArgument(api('rename'), 'takes the new field name')
  return new UpdateCommand('$rename', name)
}

/** Bitwise `{ and | or | xor: integer }`; fits number fields. */
export function bit(operation: { and?: number; or?: number; xor?: number }): UpdateCommand<number> {
  const keys = isObjectLike(operation) ? keysOf(operation) : []
  const ok = keys.length > 0 && keys.every((k) => /^(and|or|xor)$/.test(k) && Number.isInteger((operation as Record<string, unknown>)[k]))
  if (!ok) throw invalidArgument(api('bit'), 'takes { and | or | xor: integer }')
  return new UpdateCommand('$bit', operation as WireObject)
}

/** Options of `_.push`: MongoDB's `$each`, `$position`, `$sort`, `$slice`. */
export interface PushOptions<E = unknown> {
  each: readonly E[]
  position?: number
  sort?: 1 | -1 | Record<string, 1 | -1>
  slice?: number
}

/**
 * Appends values: `_.push(a, b)`, `_.push([a, b])`, or `_.push({ each, position, sort, slice })`.
 * Fits array fields whose elements the values are.
 */
export function push<E extends AnyValue>(options: PushOptions<E>): UpdateCommand<E[]>
export function push<E extends AnyValue>(values: readonly E[]): UpdateCommand<E[]>
export function push<E extends AnyValue>(...values: E[]): UpdateCommand<E[]>
export function push(...args: unknown[]): UpdateCommand {
  const first = args[0]
  if (args.length === 1 && isPlainObject(first) && 'each' in first) {
    const { each, position, sort, slice } = first as unknown as PushOptions
    if (!isArray(each)) throw invalidArgument(api('push'), '{ each } must be an array')
    for (const [name, value] of [['position', position], ['slice', slice]] as const) {
      if (value !== undefined && !Number.isInteger(value)) throw invalidArgument(api('push'), `${name} must be an integer`)
    }
    if (sort !== undefined && sort !== 1 && sort !== -1 && !isObjectLike(sort)) {
      throw invalidArgument(api('push'), 'sort must be 1, -1 or { field: 1 | -1 }')
    }
    const modifiers: WireObject = { $each: encodeData(each, api('push')) }
    if (position !== undefined) modifiers.$position = position
    if (sort !== undefined) modifiers.$sort = sort as WireValue
    if (slice !== undefined) modifiers.$slice = slice
    return new UpdateCommand('$push', modifiers)
  }
  return new UpdateCommand('$push', { $each: encodeData(spread(args), api('push')) })
}

/** Prepends values: `_.unshift(a, b)` or `_.unshift([a, b])`; fits array fields of those values. */
export function unshift<E extends AnyValue>(values: readonly E[]): UpdateCommand<E[]>
export function unshift<E extends AnyValue>(...values: E[]): UpdateCommand<E[]>
export function unshift(...values: unknown[]): UpdateCommand {
  return new UpdateCommand('$push', { $each: encodeData(spread(values), api('unshift')), $position: 0 })
}

/** Removes the last element; fits array fields. */
export function pop(): UpdateCommand<any[]> {
  return new UpdateCommand('$pop', 1)
}

/** Removes the first element; fits array fields. */
export function shift(): UpdateCommand<any[]> {
  return new UpdateCommand('$pop', -1)
}

/**
 * Removes every element equal to `value` or matching a condition (`_.pull(_.gt(5))`,
 * `_.pull({ done: true })` on an array of objects); the element type comes from the field.
 */
export function pull<E = any>(condition: NoInfer<ElementCondition<E>>): UpdateCommand<E[]>
export function pull(condition: unknown): UpdateCommand {
  if (condition === undefined) throw invalidArgument(api('pull'), 'takes a value or a condition')
  return new UpdateCommand('$pull', encodeCondition(condition, api('pull')))
}

/** Removes every element equal to one of `values`; fits array fields of those values. */
export function pullAll<E extends AnyValue>(values: readonly E[]): UpdateCommand<E[]>
export function pullAll(values: readonly unknown[]): UpdateCommand {
  if (!isArray(values)) throw invalidArgument(api('pullAll'), 'takes an array')
  return new UpdateCommand('$pullAll', encodeData(values, api('pullAll')))
}

/** Appends `value` unless present; `{ each: [...] }` appends each missing value. Fits arrays of them. */
export function addToSet<E extends AnyValue>(value: { each: readonly E[] }): UpdateCommand<E[]>
export function addToSet<E extends AnyValue>(value: E): UpdateCommand<E[]>
export function addToSet(value: unknown): UpdateCommand {
  if (isPlainObject(value) && keysOf(value).length === 1 && 'each' in value) {
    if (!isArray(value.each)) throw invalidArgument(api('addToSet'), '{ each } must be an array')
    return new UpdateCommand('$addToSet', { $each: encodeData(value.each, api('addToSet')) })
  }
  if (value === undefined) throw invalidArgument(api('addToSet'), 'takes a value or { each: [...] }')
  return new UpdateCommand('$addToSet', encodeData(value, api('addToSet')))
}
