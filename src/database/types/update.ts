/** `update()`'s `data`: field paths to new values or update commands. */
import type { FieldUpdate } from './brand'
import type { Writable } from './document'
import type { IsAny, PathValue, PlainObject, UpdatePath } from './paths'

/** A nested update object: it flattens to dot paths, so it changes only the fields it names. */
export type NestedUpdate<O> = { [K in keyof O]?: UpdateValue<O[K]> }

/**
 * What a field of type `F` may be given in an update: a new value (a `Date` may be `db.serverDate()`),
 * an update command that fits (`_.inc(1)` on numbers, `_.push(x)` on arrays of `x`, `_.remove()` on
 * optional fields), or for object fields a nested update object naming some of their fields.
 */
export type UpdateValue<F> = IsAny<F> extends true
  ? any
  : Writable<F> | FieldUpdate<Writable<F>> | NestedUpdate<PlainObject<NonNullable<F>>>

/**
 * The `data` of `update()` on documents `T`: any subset of the update paths (`'author.name'`,
 * `'tags.0'`, `'items.$.done'`), each with an {@link UpdateValue}; raw `$` operators are kept. `_id`
 * cannot be updated. Untyped collections take anything (their paths are `string`, their values `any`;
 * not a conditional type, for the reason given on `Filter`).
 */
export type UpdateData<T> = TypedUpdate<T>

/** The update object of a typed collection (raw `$` operators folded in, as in `TypedFilter`). */
export type TypedUpdate<T> = {
  [P in Exclude<UpdatePath<T>, '_id'> | `$${string}`]?: P extends `$${string}` ? unknown : UpdateValue<PathValue<T, P>>
}

