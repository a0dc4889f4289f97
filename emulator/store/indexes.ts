/**
 * Secondary indexes of one collection, in memory beside the cached documents: single-field or compound,
 * optionally unique. They narrow a query to candidate documents (the engine still evaluates the full
 * filter on them, so an index can only make a query faster, never different).
 *
 * Keys follow MongoDB's equality: an array field is indexed by each element (a "multikey" index), and a
 * dot path reaches through arrays. Only numbers, strings, booleans and Dates are keyed; queries on other
 * values, `null` or missing fields fall back to a scan.
 */
import { EmulatorError } from '../errors'
import type { Doc } from './doc'

/** An index definition: `{ field: 1 | -1 }` in order, as `createIndex` takes it. */
export interface IndexSpec {
  name: string
  keys: Record<string, 1 | -1>
  unique: boolean
}

type Key = string | number | boolean | Date

/** A typed key string: `n:5`, `s:abc`, `b:true`, `d:1700000000000` (so 5 and '5' differ, as in MongoDB). */
function keyOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return value === value ? `n:${value}` : undefined
    case 'string':
      return `s:${value}`
    case 'boolean':
      return `b:${value}`
  }
  return value instanceof Date ? `d:${value.getTime()}` : undefined
}

/** Every keyable value at `path` in `doc`, reaching through arrays (MongoDB's dot-path semantics). */
function valuesAt(doc: unknown, path: string[]): Key[] {
  if (!path.length) {
    if (Array.isArray(doc)) return doc.flatMap((item) => (keyOf(item) !== undefined ? [item as Key] : []))
    return keyOf(doc) !== undefined ? [doc as Key] : []
  }
  if (Array.isArray(doc)) return doc.flatMap((item) => valuesAt(item, path))
  if (!doc || typeof doc !== 'object' || doc instanceof Date) return []
  return valuesAt((doc as Record<string, unknown>)[path[0]!], path.slice(1))
}

/** Sortable form of a key for range scans: numbers and Dates by value, strings by code units. */
type Sortable = { type: 'n' | 's' | 'd'; value: number | string }
function sortable(value: unknown): Sortable | undefined {
  if (typeof value === 'number' && value === value) return { type: 'n', value }
  if (typeof value === 'string') return { type: 's', value }
  if (value instanceof Date) return { type: 'd', value: value.getTime() }
  return undefined
}

class Index {
  readonly paths: string[][]
  /** Composite key string → ids. */
  private readonly byKey = new Map<string, Set<string>>()
  /** First field only, per type, sorted: for range queries. */
  private readonly sorted: Record<'n' | 's' | 'd', { value: number | string; id: string }[]> = { n: [], s: [], d: [] }

  constructor(readonly spec: IndexSpec) {
    this.paths = Object.keys(spec.keys).map((field) => field.split('.'))
  }

  /** The composite keys of a document (a multikey field gives several). */
  keys(doc: Doc): string[] {
    let keys = ['']
    for (const path of this.paths) {
      const values = valuesAt(doc, path).map(keyOf) as string[]
      // A document missing a field is indexed under "missing", so unique indexes see it (as MongoDB: null).
      const parts = values.length ? [...new Set(values)] : ['x:']
      keys = keys.flatMap((prefix) => parts.map((part) => (prefix ? `${prefix}|${part}` : part)))
    }
    return keys
  }

  /** The error of a unique index that already has `key`. */
  duplicate(key: string): EmulatorError {
    return new EmulatorError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error: index ${this.spec.name} already has ${key.replace(/(^|\|)[a-z]:/g, '$1')}`)
  }

  /** Throws when `key` is held by a document other than `id` (its own previous version does not count). */
  checkKey(key: string, id: string): void {
    for (const holder of this.byKey.get(key) || []) if (holder !== id) throw this.duplicate(key)
  }

  /** Throws when adding `doc` (replacing its previous version) would break uniqueness. */
  checkUnique(doc: Doc): void {
    if (!this.spec.unique) return
    for (const key of this.keys(doc)) this.checkKey(key, doc._id)
  }

  add(doc: Doc): void {
    for (const key of this.keys(doc)) {
      let ids = this.byKey.get(key)
      if (!ids) this.byKey.set(key, (ids = new Set()))
      ids.add(doc._id)
    }
    for (const value of valuesAt(doc, this.paths[0]!)) {
      const s = sortable(value)
      if (!s) continue
      const list = this.sorted[s.type]
      list.splice(lowerBound(list, s.value), 0, { value: s.value, id: doc._id })
    }
  }

  remove(doc: Doc): void {
    for (const key of this.keys(doc)) {
      const ids = this.byKey.get(key)
      if (ids && ids.delete(doc._id) && !ids.size) this.byKey.delete(key)
    }
    for (const value of valuesAt(doc, this.paths[0]!)) {
      const s = sortable(value)
      if (!s) continue
      const list = this.sorted[s.type]
      for (let i = lowerBound(list, s.value); i < list.length && list[i]!.value === s.value; i++) {
        if (list[i]!.id === doc._id) {
          list.splice(i, 1)
          break
        }
      }
    }
  }

  /** Ids whose key equals `values` (one per field, in index order). */
  equal(values: unknown[]): Set<string> {
    const parts = values.map(keyOf)
    return this.byKey.get(parts.join('|')) || new Set()
  }

  /** Ids whose first field lies within the bounds (same type as the bounds, as MongoDB compares). */
  range(bounds: { $gt?: unknown; $gte?: unknown; $lt?: unknown; $lte?: unknown }): Set<string> | undefined {
    const lower = bounds.$gt !== undefined ? bounds.$gt : bounds.$gte
    const upper = bounds.$lt !== undefined ? bounds.$lt : bounds.$lte
    const lo = lower === undefined ? undefined : sortable(lower)
    const hi = upper === undefined ? undefined : sortable(upper)
    const type = (lo || hi) && (lo || hi)!.type
    if (!type || (lo && hi && lo.type !== hi.type)) return undefined
    const list = this.sorted[type]
    const ids = new Set<string>()
    for (let i = lo ? lowerBound(list, lo.value) : 0; i < list.length; i++) {
      const { value, id } = list[i]!
      if (lo && (bounds.$gt !== undefined ? value <= lo.value : value < lo.value)) continue
      if (hi && (bounds.$lt !== undefined ? value >= hi.value : value > hi.value)) break
      ids.add(id)
    }
    return ids
  }
}

function lowerBound(list: { value: number | string }[], value: number | string): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]!.value < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

const RANGE_OPS = ['$gt', '$gte', '$lt', '$lte']

/** The indexes of one collection. */
export class CollectionIndexes {
  private readonly indexes = new Map<string, Index>()

  list(): IndexSpec[] {
    return [...this.indexes.values()].map((index) => index.spec)
  }

  has(name: string): boolean {
    return this.indexes.has(name)
  }

  /** Builds an index over `docs`; a unique index over duplicate data is refused. */
  create(spec: IndexSpec, docs: Iterable<Doc>): void {
    const index = new Index(spec)
    for (const doc of docs) {
      index.checkUnique(doc)
      index.add(doc)
    }
    this.indexes.set(spec.name, index)
  }

  drop(name: string): boolean {
    return this.indexes.delete(name)
  }

  /**
   * Throws if writing these versions (null = delete) would break a unique index: a new version's key
   * held by another stored document, or by another document of the same write.
   */
  check(changes: { before: Doc | undefined; after: Doc | null }[]): void {
    for (const index of this.indexes.values()) {
      if (!index.spec.unique) continue
      // The keys claimed so far by this write (key → id): only a write of several documents needs them.
      const claimed = changes.length > 1 ? new Map<string, string>() : undefined
      for (const { after } of changes) {
        if (!after) continue
        const keys = index.keys(after)
        for (const key of keys) index.checkKey(key, after._id) // against the stored documents...
        if (!claimed) continue
        for (const key of keys) {
          // ...and against the other documents of the same write
          const holder = claimed.get(key)
          if (holder !== undefined && holder !== after._id) throw index.duplicate(key)
        }
        for (const key of keys) claimed.set(key, after._id)
      }
    }
  }

  /** Applies a committed write. */
  apply(changes: { before: Doc | undefined; after: Doc | null }[]): void {
    for (const index of this.indexes.values()) {
      for (const { before, after } of changes) {
        if (before) index.remove(before)
        if (after) index.add(after)
      }
    }
  }

  /**
   * Candidate ids for `filter`, or undefined when no index applies (scan everything). Uses equality on
   * every field of an index, or a range on a single-field index's field.
   */
  candidates(filter: Record<string, unknown>): Set<string> | undefined {
    let best: Set<string> | undefined
    for (const index of this.indexes.values()) {
      const fields = Object.keys(index.spec.keys)
      const values = fields.map((field) => equalityValue(filter[field]))
      let found: Set<string> | undefined
      if (values.every((v) => v !== undefined)) found = index.equal(values)
      else if (fields.length === 1) {
        const condition = filter[fields[0]!]
        if (isOperatorObject(condition) && Object.keys(condition).every((op) => RANGE_OPS.indexOf(op) >= 0)) {
          found = index.range(condition)
        }
      }
      if (found && (!best || found.size < best.size)) best = found
    }
    return best
  }
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !(value instanceof Date) && !(value instanceof RegExp) && !Array.isArray(value) && Object.keys(value).every((k) => k[0] === '$')
}

/** The keyable value a condition demands equality with, if it is a plain equality. */
function equalityValue(condition: unknown): unknown {
  const value = isOperatorObject(condition) && Object.keys(condition).length === 1 && '$eq' in condition ? condition.$eq : condition
  return keyOf(value) !== undefined ? value : undefined
}
