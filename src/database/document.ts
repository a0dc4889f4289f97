/** `collection.doc(id)`: one document's get, set, update and remove (docs/protocol.md §2.1). */
import type { ProjectionSpec } from '../protocol/database'
import type { RealtimeListener, WatchOptions } from '../protocol/realtime'
import { CloudError, invalidArgument } from '../protocol/errors'
import { isObjectLike, keysOf } from '../internal/is'
import { settle, type Callbacks, type NoCallbacks, type PromiseOptions } from '../core/callbackify'
import { encodeData } from './encode'
import {
  decodeList,
  encodeProjection,
  encodeUpdateData,
  startWatch,
  type CollectionTarget,
  type ProjectionArgument,
  type RemoveResult,
  type UpdateOptions,
  type UpdateResult,
} from './query'
import { dataOf } from './response'
import type { AnyDocument, DocId, Projected, Projection, SetData, Stored } from './types'

/** `doc.get()` result. */
export interface DocumentGetResult<T> {
  data: T
  errMsg: string
}
/** `doc.set()` result: `created` is 1 when the document did not exist. */
export interface SetResult {
  _id: DocId
  stats: { updated: number; created: number }
  errMsg: string
}
/** Options of `set()`: the whole document, without `_id`. */
export type SetOptions<T, R> = { data: SetData<T> } & Callbacks<R>

/**
 * A reference to one document by `_id` in a collection of documents `T`; `R` is what `get()` returns
 * (`Stored<T>`, or the projected shape after `field()`).
 */
export class DocumentReference<T = AnyDocument, R = Stored<T>> {
  /** The document's `_id`. */
  readonly _id: string | number
  /** @internal */
  private readonly _target: CollectionTarget
  /** @internal */
  private readonly _projection: ProjectionSpec

  /** @internal */
  constructor(target: CollectionTarget, id: string | number, projection: ProjectionSpec = {}) {
    this._target = target
    this._id = id
    this._projection = projection
  }

  private get _query(): { _id: string | number } {
    return { _id: this._id }
  }

  /**
   * Chooses the fields `get()` returns. Projection operators are kept: the official client turns
   * `{ x: _.project.slice(2) }` into `{ x: 1 }` and rewrites the caller's object (docs/protocol.md §14 item 12).
   */
  field<const P extends Projection<T>>(projection: ProjectionArgument<T, P>): DocumentReference<T, Projected<Stored<T>, P>>
  field(projection: Projection<T>): DocumentReference<T, unknown> {
    return new DocumentReference<T, unknown>(this._target, this._id, encodeProjection(projection, 'document.field'))
  }

  /**
   * Follows the document in real time: `docs` holds it (or nothing while it does not exist), and
   * `docChanges` says what happened to it. `field()` does not apply.
   */
  watch(options: WatchOptions<R>): RealtimeListener {
    const api = 'document.watch'
    if (keysOf(this._projection).length) throw invalidArgument(api, 'follows the whole document: remove field() first')
    return startWatch(this._target, api, { collectionName: this._target.collectionName, query: this._query }, options)
  }

  /** Reads the document; fails with errCode -1 when it does not exist, as wx does. */
  get(options?: PromiseOptions<DocumentGetResult<R>>): Promise<DocumentGetResult<R>>
  get(options: Callbacks<DocumentGetResult<R>>): void
  get(options?: Callbacks<DocumentGetResult<R>>): Promise<DocumentGetResult<R>> | void {
    const api = 'document.get'
    return settle(options, () =>
      this._target
        .send(api, {
          action: 'database.queryDocument',
          collectionName: this._target.collectionName,
          query: this._query,
          queryType: 'DOC',
          multi: false,
          projection: this._projection,
        })
        .then((response) => {
          const doc = decodeList<R>(dataOf(response, api).list)[0]
          if (!doc) throw new CloudError(api, 'SDK_ERROR', `document with _id ${this._id} does not exist`, response.requestId)
          return { data: doc, errMsg: `${api}:ok` }
        }),
    )
  }

  /** Replaces the document with `data`, creating it when missing. Commands are not allowed. */
  set(options: SetOptions<T, SetResult> & NoCallbacks): Promise<SetResult>
  set(options: SetOptions<T, SetResult>): void
  set(options: SetOptions<T, SetResult>): Promise<SetResult> | void {
    const api = 'document.set'
    return settle(options, () => {
      const data = options && options.data
      if (!isObjectLike(data)) throw invalidArgument(api, 'takes { data: { ...the whole document } }')
      if ('_id' in data) throw invalidArgument(api, 'data must not contain _id: the document keeps the _id of doc(id)')
      return this._target
        .send(api, {
          action: 'database.updateDocument',
          collectionName: this._target.collectionName,
          queryType: 'DOC',
          data: encodeData(data, api),
          multi: false,
          merge: false,
          upsert: true,
          query: this._query,
        })
        .then((response) => {
          const result = dataOf(response, api)
          const created = result.upserted_id ? 1 : 0
          return { _id: this._id, stats: { updated: Number(result.updated) || 0, created }, errMsg: `${api}:ok` }
        })
    })
  }

  /** Changes some fields: values are set, commands applied; nested objects update by path. */
  update(options: UpdateOptions<T, UpdateResult> & NoCallbacks): Promise<UpdateResult>
  update(options: UpdateOptions<T, UpdateResult>): void
  update(options: UpdateOptions<T, UpdateResult>): Promise<UpdateResult> | void {
    const api = 'document.update'
    return settle(options, () =>
      this._target
        .send(api, {
          action: 'database.updateDocument',
          collectionName: this._target.collectionName,
          data: encodeUpdateData(options, api),
          query: this._query,
          queryType: 'DOC',
          multi: false,
          merge: true,
          upsert: false,
        })
        .then((response) => ({ stats: { updated: Number(dataOf(response, api).updated) }, errMsg: `${api}:ok` })),
    )
  }

  /** Deletes the document. */
  remove(options?: PromiseOptions<RemoveResult>): Promise<RemoveResult>
  remove(options: Callbacks<RemoveResult>): void
  remove(options?: Callbacks<RemoveResult>): Promise<RemoveResult> | void {
    const api = 'document.remove'
    return settle(options, () =>
      this._target
        .send(api, {
          action: 'database.deleteDocument',
          collectionName: this._target.collectionName,
          query: this._query,
          queryType: 'DOC',
          multi: false,
        })
        .then((response) => ({ stats: { removed: Number(dataOf(response, api).deleted) }, errMsg: `${api}:ok` })),
    )
  }
}
