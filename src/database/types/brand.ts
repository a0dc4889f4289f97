/**
 * Phantom members that carry, at compile time only, which fields a command fits. They are declared
 * (`declare readonly [queryField]: V`) on the command classes and never exist at run time.
 *
 * Kept in a leaf module that imports nothing from the commands, so that `types/` and `command/` do not
 * import each other (docs/architecture.md, import rule 8).
 */
import type { Geometry, GeoLineString, GeoMultiLineString, GeoMultiPoint, GeoMultiPolygon, GeoPoint, GeoPolygon } from '../../protocol/geo'

/** Phantom key: the field values a query or logic command compares with. */
export declare const queryField: unique symbol
/** Phantom key: the field values an update command writes. */
export declare const updateField: unique symbol
/** Phantom key of {@link DocumentLevel}. */
export declare const documentLevel: unique symbol

/**
 * A condition on a field: a query command (`_.gt(5)`) or a field-level logic command
 * (`_.gt(1).and(_.lt(5))`). `V` is the type of the values it compares with: the command fits a field of
 * type `F` when `V` is assignable to `F` (so `_.gt(5)` fits `number | undefined`, `_.gt('s')` does not
 * fit `number`).
 */
export interface FieldCondition<V> {
  readonly [queryField]: V
}

/**
 * The `V` of a logic command that combines whole query objects of documents `T`:
 * `where(_.or([{ done: true }, { priority: _.gt(2) }]))`. It fits no field, only `where()`.
 */
export interface DocumentLevel<T> {
  readonly [documentLevel]: T
}

/**
 * An update command; `V` is the type of the value it leaves in the field: the command fits a field of
 * type `F` when `V` is assignable to `F` (`_.inc(1)` is `number`, `_.push('a')` is `string[]`,
 * `_.remove()` is `undefined`, so it fits optional fields only).
 */
export interface FieldUpdate<V> {
  readonly [updateField]: V
}

/**
 * The phantom value of the geo commands: assignable to every Geo class and to {@link Geometry}, and to
 * no other field type, so `_.geoNear()` fits `location: GeoPoint` but not `title: string`.
 */
export type GeoValue = GeoPoint & GeoLineString & GeoPolygon & GeoMultiPoint & GeoMultiLineString & GeoMultiPolygon

/**
 * Any value. A type parameter constrained by it keeps literal types (`_.eq('open')` infers `'open'`, not
 * `string`), because the constraint names the primitive types.
 */
export type AnyValue = string | number | boolean | bigint | symbol | object | null | undefined

export type { Geometry }
