/**
 * The types that make the database API checked by the compiler. Untyped use (`collection('x')`) keeps
 * working: every type degrades to "any object" when the document type is `AnyDocument`.
 */
import type { LogicCommand } from './command/query-command'

/** A document of an untyped collection. */
export type AnyDocument = Record<string, any>

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

/** The argument of `where()`. */
export type Filter<T> = { [key: string]: unknown } | LogicCommand

/** The `data` of `update()`. */
export type UpdateData<T> = { [key: string]: unknown }

/** The `data` of `add()` and `set()`. */
export type NewDocument<T> = { [key: string]: unknown }

/** The argument of `field()`. */
export type Projection<T> = { [key: string]: unknown }

/** A document as read back: `_id` is always there. */
export type Stored<T> = T & { _id: string | number }
