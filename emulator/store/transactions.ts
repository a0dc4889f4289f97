/**
 * Transactions of the client dialect (docs/protocol.md §5): writes are buffered per transaction and committed
 * atomically; a transaction that writes a document another open transaction wrote, or one changed since
 * it started, fails with DATABASE_TRANSACTION_CONFLICT (so `runTransaction` retries), and so does a commit
 * whose documents changed underneath it. Reads see committed data plus the transaction's own writes.
 */
import { randomBytes } from 'node:crypto'
import { collectionMissing, EmulatorError, shown } from '../errors'
import type { Doc, Store, WriteOp, WriteOrigin } from './store'

/** A transaction left idle this long is aborted (CloudBase limits transactions to seconds as well). */
export const TRANSACTION_IDLE_MS = 30_000

interface Transaction {
  id: string
  /** The commit sequence when it started: a document changed after that is a conflict. */
  snapshot: number
  /** Pending writes by `collection\0id` (null: delete). */
  writes: Map<string, WriteOp>
  touched: number
}

const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`

/**
 * CloudBase's answer to a conflicting write, word for word (docs/transactions.md): the official SDKs' runTransaction
 * retries on the code, and code that runs under wx-server-sdk (whose wrapper replaces the code with −501001) can
 * only recognise it by the tag in the message.
 */
export const CONFLICT_MESSAGE =
  '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.'

function conflict(): EmulatorError {
  return new EmulatorError('DATABASE_TRANSACTION_CONFLICT', CONFLICT_MESSAGE)
}

export class Transactions {
  private readonly open = new Map<string, Transaction>()
  /** Which open transaction holds each document it wrote. */
  private readonly locks = new Map<string, string>()

  constructor(private readonly store: Store) {}

  start(): string {
    this.expire()
    const id = randomBytes(12).toString('hex')
    this.open.set(id, { id, snapshot: this.store.sequence, writes: new Map(), touched: Date.now() })
    return id
  }

  private get(id: unknown): Transaction {
    this.expire()
    const tx = typeof id === 'string' ? this.open.get(id) : undefined
    // CloudBase's tag, then what happened; a transaction that met a conflict has ended too, as CloudBase's (MongoDB's) aborts itself.
    if (!tx) throw new EmulatorError('DATABASE_TRANSACTION_FAIL', `[ResourceUnavailable.TransactionNotExist] transaction ${shown(id)} does not exist or has ended: a transaction must be committed or aborted within 30 seconds`)
    tx.touched = Date.now()
    return tx
  }

  /** The documents of `collection` as the transaction sees them. */
  view(id: unknown, collection: string): Doc[] {
    const tx = this.get(id)
    const docs = this.store.documents(collection)
    if (!docs) throw collectionMissing(collection)
    const result: Doc[] = []
    for (const doc of docs.values()) if (!tx.writes.has(keyOf(collection, doc._id))) result.push(doc)
    for (const op of tx.writes.values()) if (op.collection === collection && op.doc) result.push(op.doc)
    return result
  }

  /** The transaction's version of one document (undefined when missing). */
  read(id: unknown, collection: string, docId: string): Doc | undefined {
    const tx = this.get(id)
    const pending = tx.writes.get(keyOf(collection, docId))
    if (pending) return pending.doc || undefined
    return this.store.documents(collection)?.get(docId)
  }

  /** Buffers a write; conflicts are detected now, as MongoDB does, not only at commit. */
  write(id: unknown, op: WriteOp): void {
    const tx = this.get(id)
    const key = keyOf(op.collection, op.id)
    const holder = this.locks.get(key)
    if ((holder && holder !== tx.id) || this.store.versionOf(op.collection, op.id) > tx.snapshot) {
      this.end(tx)
      throw conflict()
    }
    this.locks.set(key, tx.id)
    tx.writes.set(key, op)
  }

  /** Applies every buffered write at once, unless a document changed underneath the transaction. */
  commit(id: unknown, origin: WriteOrigin): void {
    const tx = this.get(id)
    try {
      for (const op of tx.writes.values()) {
        if (this.store.versionOf(op.collection, op.id) > tx.snapshot) throw conflict()
      }
      this.store.write([...tx.writes.values()], origin)
    } finally {
      this.end(tx)
    }
  }

  abort(id: unknown): void {
    this.end(this.get(id))
  }

  private end(tx: Transaction): void {
    this.open.delete(tx.id)
    for (const key of tx.writes.keys()) if (this.locks.get(key) === tx.id) this.locks.delete(key)
  }

  /** Aborts transactions left idle, releasing their documents. */
  private expire(): void {
    const limit = Date.now() - TRANSACTION_IDLE_MS
    for (const tx of this.open.values()) if (tx.touched < limit) this.end(tx)
  }
}
