/**
 * Field paths (`'title'`, `'author.name'`, `'items.price'`) and the type found at a path.
 *
 * Compile-time cost is the design constraint (peer-sdks.md §4): MongoDB's driver dropped dot-path
 * typing from its default `Filter` because it was slow. So paths stop at {@link MaxDepth} levels, array
 * elements are reached through the array's own name (MongoDB matches any element) and are never
 * enumerated by index in queries, and `any` stops the recursion at once (its paths are `string`).
 */
import type { DbRegExp } from '../../protocol/regexp'
import type { ServerDate } from '../../protocol/server-date'
import type { Geometry } from './brand'

/** Values a path ends at: primitives and the values the codec keeps whole. */
export type Leaf =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | Date
  | RegExp
  | DbRegExp
  | ServerDate
  | Geometry
  | ((...args: never[]) => unknown)

/** How many `.` segments a path may have past the first: `a.b.c.d.e.f` is the deepest typed path. */
export type MaxDepth = 5

/** Depth counter: `Next[5]` is 4, ..., `Next[0]` is never. */
type Next = [never, 0, 1, 2, 3, 4, 5]

/**
 * True for `any`. Written with `T` only in the checked position (not the usual `0 extends 1 & T`), so
 * that TypeScript can relate `IsAny<A>` to `IsAny<B>` when it measures the variance of the builders
 * (see `Filter`).
 */
export type IsAny<T> = (T extends never ? 1 : 0) extends 0 ? false : true

/**
 * True when `T` says nothing about its fields: `any`, or an object with a string index signature
 * (`AnyDocument`, `Record<string, unknown>`).
 */
export type IsLoose<T> = IsAny<T> extends true ? true : string extends keyof T ? true : false

/** The elements of an array type (distributes over unions; `never` for non-arrays). */
export type ElementOf<F> = F extends readonly (infer E)[] ? E : never

/** The plain objects among `F` (not leaves, not arrays): those a nested query or update object describes. */
export type PlainObject<F> = F extends Leaf ? never : F extends readonly unknown[] ? never : F

/**
 * Every dot path of `T` a query, a projection or `orderBy()` may name: each field, each field of a
 * nested object (`'author.name'`) and each field of the objects in an array (`'items.price'`, which
 * matches when any element matches). Index paths (`'items.0.price'`) are not listed: naming them would
 * multiply the paths of every array; write them on an untyped collection or with a cast.
 */
export type FieldPath<T, D extends number = MaxDepth> = [D] extends [never]
  ? never
  : IsAny<T> extends true
    ? string
    : T extends Leaf
      ? never
      : T extends readonly (infer E)[]
        ? FieldPath<E, D>
        : { [K in keyof T & string]-?: K | `${K}.${FieldPath<NonNullable<T[K]>, Next[D]>}` }[keyof T & string]

/** A segment that picks array elements in an update: an index, the matched element `$`, or all `$[]`. */
export type ArrayIndex = `${number}` | '$' | '$[]'

/**
 * Every dot path of `T` an update may write. Arrays are entered only through an index, `$` (the element
 * the query matched) or `$[]` (every element), as MongoDB requires for writes: `'tags.0'`,
 * `'items.$.done'`, `'items.$[].done'`.
 */
export type UpdatePath<T, D extends number = MaxDepth> = [D] extends [never]
  ? never
  : IsAny<T> extends true
    ? string
    : T extends Leaf
      ? never
      : T extends readonly (infer E)[]
        ? ArrayIndex | `${ArrayIndex}.${UpdatePath<E, Next[D]>}`
        : { [K in keyof T & string]-?: K | `${K}.${UpdatePath<NonNullable<T[K]>, Next[D]>}` }[keyof T & string]

/**
 * The type at path `P` of `T`: `PathValue<Todo, 'author.name'>` is `string`. Through an array it is the
 * elements' field (`'items.price'` is `number`); an index segment picks an element; a key of a map
 * (`Record<string, V>`) is `V | undefined`.
 */
export type PathValue<T, P extends string> = IsAny<T> extends true
  ? any
  : T extends readonly (infer E)[]
    ? P extends ArrayIndex
      ? E
      : P extends `${infer H}.${infer R}`
        ? H extends ArrayIndex
          ? PathValue<NonNullable<E>, R>
          : PathValue<NonNullable<E>, P>
        : PathValue<NonNullable<E>, P>
    : P extends keyof T
      ? string extends keyof T
        ? T[P] | undefined // a key of a map (`Record<string, V>`) may be missing
        : T[P]
      : P extends `${infer H}.${infer R}`
        ? H extends keyof T
          ? PathValue<NonNullable<T[H]>, R>
          : never
        : never
