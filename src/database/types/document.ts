/** Document shapes: what is stored, what is read back, what is written. */
import type { ServerDate } from '../../protocol/server-date'
import type { Leaf } from './paths'

/** A document of an untyped collection. */
export type AnyDocument = Record<string, any>

/** A document `_id`: generated ids are strings, `add()` and `doc()` also accept numbers. */
export type DocId = string | number

/** The fields the database adds to every document. */
export interface SystemFields {
  /** The document id. */
  _id: DocId
  /** The user who created the document, when created from a mini program. */
  _openid?: string
}

/** A document as read back: `_id` is always there, `_openid` when a mini program user created it. */
export type Stored<T> = T & SystemFields

/**
 * A value as it may be written: a `Date` anywhere in it may also be `db.serverDate()`. Objects and
 * arrays are mapped homomorphically, so optional fields, readonly arrays and tuples keep their shape.
 */
export type Writable<V> = V extends Date ? V | ServerDate : V extends Leaf ? V : { [K in keyof V]: Writable<V[K]> }

/**
 * The `data` of `doc(id).set()`: the whole document without `_id` (the document keeps `doc(id)`'s).
 * Untyped documents stay untyped (`Omit` of an index signature keeps it).
 */
export type SetData<T> = (T extends unknown ? Writable<Omit<T, '_id' | '_openid'>> : never) & { _openid?: string }

/** The `data` of `add()`: the document; `_id` and `_openid` are optional (the database fills them in). */
export type NewDocument<T> = SetData<T> & { _id?: DocId }
