/**
 * Durable document storage: one SQLite file per environment (`:memory:` without a data dir), with an
 * in-memory copy of each collection for fast evaluation. A write is acknowledged only after its SQLite
 * transaction committed (WAL, `synchronous=FULL`); the in-memory copy changes only after that.
 */
import Database from 'better-sqlite3'
import { type ChangeSource, type Principal } from '../pipeline/principal'
import { storedRow } from '../query/storable'
import { decodeWire } from '../query/values'
import type { Doc } from './doc'
import { CollectionIndexes, type IndexSpec } from './indexes'

export type { Doc }

/** A committed change of one document, as watchers see it. */
export interface Change {
  collection: string
  id: string
  before: Doc | undefined
  after: Doc | null
}

/** Who made a write, and why: carried by every commit to its listeners. */
export interface WriteOrigin {
  principal: Principal
  source: ChangeSource
}

/** The origin of data loaded by the system itself (seeds, imports). */
export const IMPORT_ORIGIN: WriteOrigin = Object.freeze({ principal: Object.freeze({ kind: 'system', reason: 'import' }), source: 'import' })

/** One committed write, as the change feed hands it to listeners (watch, triggers, console). */
export interface Commit extends WriteOrigin {
  /** The commit sequence number this write got. */
  sequence: number
  changes: Change[]
}

/** One change of a write: put `doc` under `id`, or delete it (`doc: null`). */
export interface WriteOp {
  collection: string
  id: string
  doc: Doc | null
}

export class Store {
  private readonly db: Database.Database
  private readonly cache = new Map<string, Map<string, Doc>>()
  private readonly indexes = new Map<string, CollectionIndexes>()
  /** Commit sequence: bumped by every write; `versions` holds the sequence that last changed each document. */
  private seq = 0
  private readonly versions = new Map<string, number>()
  private readonly listeners = new Set<(commit: Commit) => void>()
  private readonly statements: {
    put: Database.Statement
    remove: Database.Statement
    load: Database.Statement
    addCollection: Database.Statement
    putIndex: Database.Statement
    dropIndex: Database.Statement
  }

  /** `report` hears about a commit listener that threw (the write stands; the other listeners still run). */
  constructor(
    file: string,
    private readonly report: (message: string) => void = () => {},
  ) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS documents (
        collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, id)
      );
      CREATE TABLE IF NOT EXISTS indexes (
        collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (collection, name)
      );`)
    this.statements = {
      put: this.db.prepare('INSERT OR REPLACE INTO documents (collection, id, doc) VALUES (?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?'),
      load: this.db.prepare('SELECT id, doc FROM documents WHERE collection = ?'),
      addCollection: this.db.prepare('INSERT INTO collections (name) VALUES (?)'),
      putIndex: this.db.prepare('INSERT INTO indexes (collection, name, spec) VALUES (?, ?, ?)'),
      dropIndex: this.db.prepare('DELETE FROM indexes WHERE collection = ? AND name = ?'),
    }
    for (const { name } of this.db.prepare('SELECT name FROM collections').all() as { name: string }[]) {
      this.cache.set(name, this.load(name))
      this.indexes.set(name, new CollectionIndexes())
    }
    for (const row of this.db.prepare('SELECT collection, spec FROM indexes').all() as { collection: string; spec: string }[]) {
      this.indexes.get(row.collection)!.create(JSON.parse(row.spec) as IndexSpec, this.cache.get(row.collection)!.values())
    }
  }

  private load(collection: string): Map<string, Doc> {
    const docs = new Map<string, Doc>()
    for (const row of this.statements.load.iterate(collection) as Iterable<{ id: string; doc: string }>) {
      try {
        docs.set(row.id, decodeWire(JSON.parse(row.doc), 0) as Doc)
      } catch (error) {
        // Only a data dir written before `write` checked what it commits holds such a row: say which one.
        throw new Error(`document ${row.id} of collection ${collection} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return docs
  }

  hasCollection(name: string): boolean {
    return this.cache.has(name)
  }

  /** Every collection's name, in creation order. */
  collectionNames(): string[] {
    return [...this.cache.keys()]
  }

  /** Creates a collection; false when it already exists. */
  createCollection(name: string): boolean {
    if (this.cache.has(name)) return false
    this.statements.addCollection.run(name)
    this.cache.set(name, new Map())
    this.indexes.set(name, new CollectionIndexes())
    return true
  }

  /** The indexes of an existing collection. */
  indexesOf(collection: string): CollectionIndexes {
    return this.indexes.get(collection)!
  }

  /** Builds and records an index (refused, with nothing recorded, if unique data is not). */
  createIndex(collection: string, spec: IndexSpec): void {
    this.indexesOf(collection).create(spec, this.cache.get(collection)!.values())
    try {
      this.statements.putIndex.run(collection, spec.name, JSON.stringify(spec))
    } catch (error) {
      this.indexesOf(collection).drop(spec.name)
      throw error
    }
  }

  dropIndex(collection: string, name: string): boolean {
    this.statements.dropIndex.run(collection, name)
    return this.indexesOf(collection).drop(name)
  }

  /** The documents that may match `filter`: an index's candidates, or all of them. */
  select(collection: string, filter: Record<string, unknown>): Iterable<Doc> {
    const docs = this.cache.get(collection)!
    const ids = this.indexesOf(collection).candidates(filter)
    if (!ids) return docs.values()
    const found: Doc[] = []
    for (const id of ids) found.push(docs.get(id)!)
    return found
  }

  /** Calls `listener` after every committed write (the change feed); returns the unsubscribe function. */
  onCommit(listener: (commit: Commit) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The current commit sequence (a transaction's snapshot point). */
  get sequence(): number {
    return this.seq
  }

  /** The commit sequence that last changed a document (0: not since this process started). */
  versionOf(collection: string, id: string): number {
    return this.versions.get(`${collection}\u0000${id}`) || 0
  }

  /** The documents of a collection (read-only: change them only through `write`). */
  documents(collection: string): ReadonlyMap<string, Doc> | undefined {
    return this.cache.get(collection)
  }

  /**
   * Commits every op in one transaction, then updates the in-memory copy and the indexes. All or
   * nothing: a unique-index violation, a document the store could not load again (nested deeper than
   * 100 levels, larger than 16 MB: storable.ts) or a failed commit changes nothing.
   */
  write(ops: readonly WriteOp[], origin: WriteOrigin): void {
    if (!ops.length) return
    const committed: Change[] = ops.map((op) => ({ collection: op.collection, id: op.id, before: this.cache.get(op.collection)!.get(op.id), after: op.doc }))
    const byCollection = new Map<string, Change[]>()
    for (const change of committed) {
      const list = byCollection.get(change.collection)
      if (list) list.push(change)
      else byCollection.set(change.collection, [change])
    }
    for (const [collection, changes] of byCollection) this.indexesOf(collection).check(changes)
    // What the store accepts it can always load again: a document the loader would refuse is refused now.
    const rows = ops.map((op) => (op.doc ? storedRow(op.id, op.doc) : null))
    this.db.transaction(() => {
      ops.forEach((op, i) => {
        if (op.doc) this.statements.put.run(op.collection, op.id, rows[i])
        else this.statements.remove.run(op.collection, op.id)
      })
    })()
    for (const [collection, changes] of byCollection) this.indexesOf(collection).apply(changes)
    this.seq++
    for (const op of ops) {
      this.versions.set(`${op.collection}\u0000${op.id}`, this.seq)
      const docs = this.cache.get(op.collection)!
      if (op.doc) docs.set(op.id, op.doc)
      else docs.delete(op.id)
    }
    const commit: Commit = { sequence: this.seq, changes: committed, principal: origin.principal, source: origin.source }
    for (const listener of this.listeners) {
      // The write is committed whatever a listener does: one that throws is reported, never the writer's error.
      try {
        listener(commit)
      } catch (error) {
        this.report(`a commit listener threw: ${error instanceof Error ? error.stack || error.message : String(error)}`)
      }
    }
  }

  close(): void {
    this.db.close()
  }
}
