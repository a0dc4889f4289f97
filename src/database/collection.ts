/** `db.collection(name)`: a query over the whole collection, plus `doc`, `add` and `aggregate`. */
import { CloudError, invalidArgument } from '../protocol/errors'
import { isArray, isObjectLike } from '../internal/is'
import { settle, type Callbacks, type NoCallbacks } from '../core/callbackify'
import type { Aggregate } from './aggregate/aggregate'
import { encodeData } from './encode'
import { DocumentReference } from './document'
import { Query } from './query'
import { dataOf } from './response'
import type { AnyDocument, DocId, NewDocument, Stored } from './types'

/** `add()` of one document: its new `_id`. */
export interface AddResult {
  _id: DocId
  errMsg: string
}
/** `add()` of several documents: their `_id`s, in order. */
export interface AddManyResult {
  _ids: DocId[]
  errMsg: string
}
/** Options of `add()`: one document or an array of them. */
export type AddOptions<T, R> = { data: NewDocument<T> | NewDocument<T>[] } & Callbacks<R>

/** A collection of documents `T`: query it directly, or reach one document, add documents, aggregate. */
export class CollectionReference<T = AnyDocument> extends Query<T, Stored<T>> {
  /** The collection's name. */
  get collectionName(): string {
    return this._target.collectionName
  }

  /** The document with this `_id`. */
  doc(id: DocId): DocumentReference<T> {
    if ((typeof id !== 'string' || !id) && (typeof id !== 'number' || !isFinite(id))) {
      throw invalidArgument('collection.doc', `takes a non-empty string or number id, got ${String(id)}`)
    }
    return new DocumentReference<T>(this._target, id)
  }

  /** Adds one document (`{ data: doc }` → `{ _id }`) or several (`{ data: [a, b] }` → `{ _ids }`). */
  add(options: { data: NewDocument<T>[] } & Callbacks<AddManyResult> & NoCallbacks): Promise<AddManyResult>
  add(options: { data: NewDocument<T> } & Callbacks<AddResult> & NoCallbacks): Promise<AddResult>
  add(options: { data: NewDocument<T>[] } & Callbacks<AddManyResult>): void
  add(options: { data: NewDocument<T> } & Callbacks<AddResult>): void
  add(options: AddOptions<T, any>): Promise<AddResult | AddManyResult> | void {
    const api = 'collection.add'
    return settle<AddResult | AddManyResult>(options, () => {
      const data = options && options.data
      const many = isArray(data)
      if (many ? !data.length || !data.every(isObjectLike) : !isObjectLike(data)) {
        throw invalidArgument(api, 'takes { data: document } or { data: [document, ...] } (objects, at least one)')
      }
      return this._target
        .send(api, { action: 'database.addDocument', collectionName: this.collectionName, data: encodeData(data, api) })
        .then((response): AddResult | AddManyResult => {
          const result = dataOf(response, api)
          return many
            ? { _ids: (result.insertedIds as string[]) || [], errMsg: `${api}:ok` }
            : { _id: result._id as string, errMsg: `${api}:ok` }
        })
    })
  }

  /** Starts an aggregation pipeline; `end()` runs it. */
  aggregate(): Aggregate<Stored<T>> {
    const Pipeline = this._target.aggregate
    if (!Pipeline) throw new CloudError('collection.aggregate', 'SDK_ERROR', 'this cloud was created without { aggregate: Aggregate }')
    return new Pipeline(this._target) as Aggregate<Stored<T>>
  }
}
