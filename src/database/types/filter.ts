/**
 * `where()`'s argument: a query object keyed by field paths, each value a value to match or a command.
 *
 * `Filter<T>` is one mapped type over {@link FieldPath}: the shape peer-sdks.md §4.3 measured as the
 * cheapest that still checks keys, values and command operands.
 */
import type { DbRegExp } from '../../protocol/regexp'
import type { FieldCondition } from './brand'
import type { Stored } from './document'
import type { ElementOf, FieldPath, IsAny, IsLoose, PathValue, PlainObject } from './paths'

/** `$`-keyed operators written by hand (`{ $gt: 5 }`, `{ $or: [...] }`): allowed, not checked. */
export type RawOperators = { [operator: `$${string}`]: unknown }

/**
 * The values a condition on a field of type `F` compares with: `F`; an element when `F` is an array
 * (`{ tags: 'x' }` matches arrays containing `'x'`); `null` when the field is optional (matches a
 * missing field).
 */
export type Comparable<F> = F | ElementOf<F> | (undefined extends F ? null : never)

/** Query objects for the fields of a nested object (they flatten to dot paths at run time). */
export type NestedFilter<O> = { [K in keyof O]?: Condition<O[K]> | undefined } & RawOperators

/**
 * What a field of type `F` may be given in a query: a value ({@link Comparable}), a RegExp for string
 * fields, a nested query object for object fields, a command that fits (`_.gt(5)` on numbers, `_.size(2)`
 * on arrays), or raw `$` operators.
 */
export type Condition<F> = IsAny<F> extends true
  ? any
  :
      | Comparable<F>
      | FieldCondition<Comparable<F>>
      | ([Extract<Comparable<F>, string>] extends [never] ? never : RegExp | DbRegExp)
      | NestedFilter<PlainObject<NonNullable<Comparable<F>>>>
      | RawOperators

/** The permissive query object of untyped collections. */
export type LooseFilter = { [field: string]: any }

/**
 * A query object on documents `T`: keys are field paths (`'author.name'`, depth-capped), values what
 * {@link Condition} allows, plus `_id`, `_openid` and raw `$` operators. Unknown keys are errors.
 * `undefined` values are allowed (also under `exactOptionalPropertyTypes`): the query leaves such keys
 * out, so `where({ status: maybeStatus })` filters only when `maybeStatus` is set.
 *
 * For untyped collections (`AnyDocument`, `any`) anything goes: their paths are `string` and their
 * values `any`, so the mapped type is `{ [field: string]: any }`. This is deliberately not a
 * conditional type (`IsLoose<T> extends true ? ... : ...`): TypeScript cannot relate two instantiations
 * of such a conditional, which would make `Query<Todo>` unassignable to an untyped `Query` parameter.
 */
export type Filter<T> = TypedFilter<Stored<T>>

/**
 * The query object of a typed collection, over the paths of `T`, plus raw `$` operators. One mapped
 * type, not an intersection with {@link RawOperators}: TypeScript infers type arguments from a named
 * type only when it is not flattened into a larger intersection (`_.or([...])` infers `T` this way).
 */
export type TypedFilter<T> = {
  [P in FieldPath<T> | `$${string}`]?: P extends `$${string}` ? unknown : Condition<PathValue<T, P>> | undefined
}

/**
 * The condition `_.elemMatch()` and `_.pull()` put on one array element of type `E`: a query object on
 * its fields when it is an object, or a value or a command when it is a value.
 */
export type ElementCondition<E> = IsAny<E> extends true
  ? any
  : [PlainObject<NonNullable<E>>] extends [never]
    ? Condition<E>
    : IsLoose<NonNullable<E>> extends true
      ? LooseFilter
      : TypedFilter<NonNullable<E>> | Condition<E>
