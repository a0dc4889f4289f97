/**
 * Seed data: documents a project starts with (`startEmulator({ seed })`, `mpcloud.json`'s `"seed"`). A
 * collection is seeded only when it is empty at start, so a data dir that already holds the user's work
 * keeps it, and restarting never duplicates the seed. The documents are written by the system in one
 * commit before the emulator listens: no database trigger fires for them (as none fires for a CloudBase
 * console import), and they carry no `_openid` unless the seed gives one.
 */
import { refuseOversized } from '../query/storable'
import { IMPORT_ORIGIN, type Doc, type Store, type WriteOp } from '../store/store'
import { addCollection, newId } from './operations'

/** Documents per collection, as engine values (Dates, RegExps; EJSON already decoded). */
export type SeedDocuments = Record<string, readonly Record<string, unknown>[]>

/** What a start did with each seeded collection: how many documents it wrote, 0 when it found some there. */
export interface SeedOutcome {
  collection: string
  inserted: number
}

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

/** Checks `seed` whole, then writes the documents of its empty collections in one commit. Errors name the collection and the document. */
export function seedCollections(store: Store, seed: SeedDocuments): SeedOutcome[] {
  if (!isObject(seed)) throw new Error(`seed must be an object of collection name → array of documents, not ${JSON.stringify(seed)}`)
  const outcomes: SeedOutcome[] = []
  const ops: WriteOp[] = []
  for (const [collection, docs] of Object.entries(seed)) {
    const where = `seed "${collection}"`
    if (!Array.isArray(docs)) throw new Error(`${where} must be an array of documents`)
    if (!store.hasCollection(collection)) {
      try {
        addCollection(store, collection)
      } catch (error) {
        throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    if (store.documents(collection)!.size > 0) {
      outcomes.push({ collection, inserted: 0 })
      continue
    }
    const ids = new Set<string>()
    docs.forEach((given, index) => {
      if (!isObject(given)) throw new Error(`${where}[${index}] must be a document (an object)`)
      const id = given._id === undefined ? newId() : given._id
      if (typeof id !== 'string' || !id) throw new Error(`${where}[${index}]: _id must be a non-empty string`)
      if (ids.has(id)) throw new Error(`${where}[${index}]: _id ${JSON.stringify(id)} appears twice`)
      ids.add(id)
      const doc = Object.assign({ _id: id }, given, { _id: id }) as Doc
      try {
        refuseOversized(id, doc)
      } catch (error) {
        throw new Error(`${where}[${index}]: ${error instanceof Error ? error.message : String(error)}`)
      }
      ops.push({ collection, id, doc })
    })
    outcomes.push({ collection, inserted: docs.length })
  }
  if (ops.length) store.write(ops, IMPORT_ORIGIN)
  return outcomes
}
