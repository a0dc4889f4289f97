/**
 * Where a database operation reads and writes: the committed store, or an open transaction (committed
 * data plus its own pending writes). Operations are written once against this interface.
 */
import { collectionMissing } from '../errors'
import type { Doc, Store, WriteOp } from '../store/store'
import type { Transactions } from './transactions'

export interface Workspace {
  /** Fails with DATABASE_COLLECTION_NOT_EXIST unless the collection exists. */
  require(collection: string): void
  /** The documents that may match `filter` (all of them, or an index's candidates). */
  candidates(collection: string, filter: Record<string, unknown>): Iterable<Doc>
  get(collection: string, id: string): Doc | undefined
  /** Applies the writes atomically (or buffers them, in a transaction). */
  write(ops: WriteOp[]): void
}

export function storeWorkspace(store: Store): Workspace {
  return {
    require(collection) {
      if (!store.hasCollection(collection)) throw collectionMissing(collection)
    },
    candidates: (collection, filter) => store.select(collection, filter),
    get: (collection, id) => store.documents(collection)!.get(id),
    write: (ops) => store.write(ops),
  }
}

export function transactionWorkspace(store: Store, transactions: Transactions, transactionId: unknown): Workspace {
  return {
    require(collection) {
      if (!store.hasCollection(collection)) throw collectionMissing(collection)
    },
    candidates: (collection) => transactions.view(transactionId, collection),
    get: (collection, id) => transactions.read(transactionId, collection, id),
    write: (ops) => ops.forEach((op) => transactions.write(transactionId, op)),
  }
}
