/**
 * The types that make the database API checked by the compiler (docs/architecture.md: "types are a
 * product"). Untyped use (`collection('x')`) keeps working: every type degrades to "any object" when
 * the document type is `AnyDocument` (or `any`, or has a string index signature).
 *
 * How the checks work:
 * - field paths are template-literal unions ({@link FieldPath}, depth-capped, arrays entered by name,
 *   never by index in queries);
 * - commands carry a phantom value type: `_.gt(5)` is a `QueryCommand<5>`, and a command fits a field of
 *   type `F` when its value type is assignable to `F`; `_.inc(1)` is an `UpdateCommand<number>`,
 *   `_.push('a')` an `UpdateCommand<'a'[]>`, `_.remove()` an `UpdateCommand<undefined>` (optional fields);
 * - literal types are kept (`_.eq('open')` is `QueryCommand<'open'>`), so commands fit literal-union
 *   fields and catch values outside them;
 * - untyped documents (`AnyDocument`, `any`) need no special case: their paths are `string` and their
 *   values `any`, so every mapped type collapses to `{ [field: string]: any }`.
 *
 * Compile cost (`tsc --extendedDiagnostics`, test/types/bench): on a document of 617 dot paths, 10
 * `where()` calls cost ~11k type instantiations (TS 5.9.3: +0.1-0.2 s check time; TS 7: +0.02 s), and
 * 4 `update()` + 2 `field()` + 1 `orderBy()` ~23k. peer-sdks.md §4.3 measured ~9k for a bare mapped
 * filter and ~295k for mingo's `Criteria` on the same shape of document.
 *
 * Not typed (by design or because the cost outweighs the gain): array index paths in queries
 * (`'items.0.price'`), paths deeper than {@link MaxDepth}, and `where()` inside generic helpers
 * (`Filter<T>` of a type parameter `T` is deferred: cast, or use `doc(id)`).
 */
export type { AnyDocument, DocId, NewDocument, SetData, Stored, SystemFields, Writable } from './types/document'
export type { ArrayIndex, ElementOf, FieldPath, IsAny, IsLoose, Leaf, MaxDepth, PathValue, PlainObject, UpdatePath } from './types/paths'
export type { Comparable, Condition, ElementCondition, Filter, LooseFilter, NestedFilter, TypedFilter, RawOperators } from './types/filter'
export type { NestedUpdate, TypedUpdate, UpdateData, UpdateValue } from './types/update'
export type { OmitPaths, PickPaths, Projected, Projection, ProjectionOperator, ProjectionValue } from './types/projection'
export type {
  AddFieldsResult,
  AggregateOperators,
  BucketResult,
  CountResult as AggregateCountResult,
  ExpressionType,
  Given,
  GroupResult,
  ProjectResult,
  ReplaceRootResult,
  Simplify,
  SortByCountResult,
  UnwindResult,
  UnwindSpec,
} from './types/aggregate'
export type { AnyValue, DocumentLevel, FieldCondition, FieldUpdate, GeoValue } from './types/brand'

/**
 * Document types by collection name. Augment it once and `db.collection('todos')` is typed everywhere:
 *
 * @example
 * declare module 'mpcloud' {
 *   interface CollectionTypes { todos: { title: string; done: boolean } }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CollectionTypes {}
