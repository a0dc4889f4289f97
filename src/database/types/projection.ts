/**
 * `field()`'s argument and the shape of the documents it returns.
 *
 * `field({ title: true })` is typed as `{ _id, title }`: inclusion keeps the named paths (nested ones
 * too) and `_id`; exclusion (`{ secret: false }`) drops the named paths; projection operators keep their
 * field. When the values are not literal (`boolean`, a variable typed `Projection<T>`), the mode cannot
 * be known and the document type is kept whole.
 */
import type { FieldPath, Leaf } from './paths'

/** `_.project.slice(...)` and `_.project.elemMatch(...)`. */
export type ProjectionOperator = { readonly $slice: number | readonly [number, number] } | { readonly $elemMatch: unknown }

/** A value of `field()`'s argument: include (`true`, `1`), exclude (`false`, `0`) or an operator. */
export type ProjectionValue = boolean | 0 | 1 | ProjectionOperator

/** `field()`'s argument: field paths of `T` (and `_id`) to {@link ProjectionValue}s. */
export type Projection<T> = { [P in FieldPath<T> | '_id' | '_openid']?: ProjectionValue }

type KeysOf<P, V> = { [K in keyof P]-?: P[K] extends V ? K : never }[keyof P] & string

/** `'a'` of `'a.b'`. */
type Head<K> = K extends `${infer H}.${string}` ? H : K
/** `'b.c'` of `'a.b.c'` for field `'a'`. */
type Tail<K, F> = F extends string ? (K extends `${F}.${infer R}` ? R : never) : never

/**
 * `T` with only paths `K` (dot paths pick inside nested objects and array elements). Index signatures
 * are kept: any key of an untyped object may have been picked.
 */
export type PickPaths<T, K extends string> = T extends Leaf
  ? T
  : T extends readonly (infer E)[]
    ? PickPaths<E, K>[]
    : {
        [F in keyof T as string extends F ? F : F extends Head<K> ? F : never]: F extends K
          ? T[F]
          : string extends F
            ? T[F]
            : PickPaths<T[F], Tail<K, F>>
      }

/** `T` without paths `K`. */
export type OmitPaths<T, K extends string> = [K] extends [never]
  ? T
  : T extends Leaf
    ? T
    : T extends readonly (infer E)[]
      ? OmitPaths<E, K>[]
      : { [F in keyof T as F extends K ? never : F]: OmitPaths<T[F], Tail<K, F>> }

/** Keys whose value is not a literal `true`, `1`, `false`, `0` or an operator: the mode is unknown. */
type Undecided<P> = {
  [K in keyof P]-?: P[K] extends true | 1 ? never : P[K] extends false | 0 ? never : P[K] extends ProjectionOperator ? never : K
}[keyof P]

/**
 * The documents `field(P)` returns from documents `T` (MongoDB's rules): any included path (`true`,
 * `1`) means inclusion: those paths, the fields with operators, and `_id` unless excluded; otherwise the
 * excluded paths are dropped. An unknown mode keeps `T`.
 */
export type Projected<T, P> = string extends keyof P
  ? T
  : [Undecided<P>] extends [never]
    ? [Exclude<KeysOf<P, true | 1>, '_id'>] extends [never]
      ? OmitPaths<T, KeysOf<P, false | 0>>
      : PickPaths<T, KeysOf<P, true | 1 | ProjectionOperator> | ('_id' extends KeysOf<P, false | 0> ? never : '_id')>
    : T
