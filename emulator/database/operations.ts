/**
 * Database operations independent of the wire dialect: they take decoded values (Dates, RegExps) and a
 * workspace, and return engine values. `/web` (dialect A) and `/admin` (dialect C) only translate.
 */
import { randomBytes } from 'node:crypto'
import { EmulatorError, invalidParam } from '../errors'
import { ownerOf, sourceOf } from '../pipeline/principal'
import { idOf } from '../query/id-filter'
import { aggregateDocs, applyUpdate, checkUpdate, findDocs, upsertBase, type FindOptions } from '../query/engine'
import type { Doc, Store, WriteOp } from '../store/store'
import type { Workspace } from '../store/workspace'

type AnyObject = Record<string, unknown>

/** A CloudBase-style `_id`: 32 hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex')
}

/** The document `id` names, as a list (empty when there is none). */
function lookup(ws: Workspace, collection: string, id: string): Doc[] {
  const doc = ws.get(collection, id)
  return doc ? [doc] : []
}

/** The documents that may match `filter`: the one its id names, or the workspace's candidates. */
function candidates(ws: Workspace, collection: string, filter: AnyObject): Iterable<Doc> {
  const id = idOf(filter)
  return id === undefined ? ws.candidates(collection, filter) : lookup(ws, collection, id)
}

/** The documents `filter` selects, in the workspace's view. `one` stops at the first. */
function targets(ws: Workspace, collection: string, filter: AnyObject, one: boolean): Doc[] {
  const id = idOf(filter)
  if (id !== undefined) return lookup(ws, collection, id)
  const found = findDocs(ws.candidates(collection, filter), filter, one ? { limit: 1 } : {}) as Doc[]
  // Writes work on the stored objects (by id), never on projections or copies.
  return found.map((doc) => ws.get(collection, doc._id)!)
}

/** The filter a read runs with: the caller's, with the security rules applied when the workspace has them. */
function readable(ws: Workspace, collection: string, filter: AnyObject): AnyObject {
  const resolved = ws.resolve(filter)
  return ws.gate ? ws.gate.read(collection, resolved) : resolved
}

export function query(ws: Workspace, collection: string, filter: AnyObject, options: FindOptions): AnyObject[] {
  ws.require(collection)
  const allowed = readable(ws, collection, filter)
  return findDocs(candidates(ws, collection, allowed), allowed, options)
}

/** The document a `doc(id)` read names (`filter` selects it by `id`), if it exists and the caller may see it. */
export function document(ws: Workspace, collection: string, filter: AnyObject, id: string): Doc | undefined {
  ws.require(collection)
  const allowed = readable(ws, collection, filter)
  // A preset narrows the filter to the caller's documents: the one document must match it as well.
  return idOf(allowed) === id ? ws.get(collection, id) : (findDocs(candidates(ws, collection, allowed), allowed, { limit: 1 })[0] as Doc | undefined)
}

export function count(ws: Workspace, collection: string, filter: AnyObject): number {
  ws.require(collection)
  const allowed = readable(ws, collection, filter)
  return findDocs(candidates(ws, collection, allowed), allowed).length
}

/**
 * `_openid` belongs to the server: a client's new document is stamped with its user's openid (a guest's
 * has none), whatever the data says. The administrator and the system write what they are given.
 */
function stampOwner(ws: Workspace, doc: Doc): Doc {
  if (sourceOf(ws.principal) !== 'client') return doc
  const owner = ownerOf(ws.principal)
  if (owner) doc._openid = owner
  else delete doc._openid
  return doc
}

const OWNER_MESSAGE = '_openid is set by the server to the user who created the document: a client cannot change it'

/** Refuses a client's update operators that would change `_openid` (any operator on it, or a rename onto it). */
function checkOwnerKept(ws: Workspace, data: AnyObject): void {
  if (sourceOf(ws.principal) !== 'client') return
  const isOwner = (path: unknown) => typeof path === 'string' && (path === '_openid' || path.startsWith('_openid.'))
  for (const [operator, fields] of Object.entries(data)) {
    if (!fields || typeof fields !== 'object') continue
    for (const [path, value] of Object.entries(fields as AnyObject)) {
      if (isOwner(path) || (operator === '$rename' && isOwner(value))) throw invalidParam(OWNER_MESSAGE)
    }
  }
}

/** Inserts documents (all or none); returns their ids. A client's documents carry their user's `_openid`. */
export function insert(ws: Workspace, collection: string, docs: AnyObject[]): string[] {
  ws.require(collection)
  const ops: WriteOp[] = docs.map((doc) => {
    const id = doc._id === undefined ? newId() : doc._id
    if (typeof id !== 'string' || !id) throw invalidParam('_id must be a non-empty string')
    const stored = stampOwner(ws, Object.assign({ _id: id }, doc, { _id: id }) as Doc)
    if (ws.gate) ws.gate.create(collection, stored)
    return { collection, id, doc: stored }
  })
  const ids = ops.map((op) => op.id)
  if (ids.some((id, i) => ws.get(collection, id) || ids.indexOf(id) !== i)) {
    throw new EmulatorError('DATABASE_REQUEST_FAILED', 'duplicate _id: a document with this _id already exists')
  }
  ws.write(ops)
  return ids
}

export interface UpdateOptions {
  multi: boolean
  /** true: `data` holds update operators; false: `data` replaces the document. */
  merge: boolean
  upsert: boolean
}

/** Updates (or replaces) the selected documents; upserts when asked and nothing matched. */
export function update(
  ws: Workspace,
  collection: string,
  filter: AnyObject,
  data: AnyObject,
  options: UpdateOptions,
): { updated: number; upsertedId: string | null; docs: Doc[] } {
  ws.require(collection)
  if (options.merge) {
    checkUpdate(data)
    checkOwnerKept(ws, data)
  } else if (Object.keys(data).some((k) => k[0] === '$')) throw invalidParam('a replacement document cannot contain update operators')
  const replace = (doc: Doc): Doc => Object.assign({ _id: doc._id }, data, { _id: doc._id }) as Doc
  const { gate } = ws
  const asked = ws.resolve(filter)
  const found = targets(ws, collection, gate ? gate.write(collection, asked, 'update', data) : asked, !options.multi)
  if (!found.length && options.upsert) {
    const id = typeof asked._id === 'string' ? asked._id : idOf(asked) ?? newId()
    // Under a rule, an id that is there but not the caller's must not be overwritten by the insert.
    if (gate && ws.get(collection, id)) throw new EmulatorError('DATABASE_REQUEST_FAILED', 'duplicate _id: a document with this _id already exists')
    const base = upsertBase(id, asked)
    const doc = stampOwner(ws, options.merge ? applyUpdate(base, data, true) : replace(base))
    if (gate) gate.create(collection, doc)
    ws.write([{ collection, id, doc }])
    return { updated: 0, upsertedId: id, docs: [doc] }
  }
  const ops: WriteOp[] = found.map((doc) => {
    const next = options.merge ? applyUpdate(doc, data, false, asked) : replace(doc)
    if (!options.merge && sourceOf(ws.principal) === 'client' && next._openid !== undefined && next._openid !== doc._openid) throw invalidParam(OWNER_MESSAGE)
    // The owner stays: `_openid` belongs to the server, not to the data being written.
    if (doc._openid !== undefined && next._openid === undefined) next._openid = doc._openid
    return { collection, id: doc._id, doc: next }
  })
  ws.write(ops)
  return { updated: ops.length, upsertedId: null, docs: ops.map((op) => op.doc!) }
}

export function remove(ws: Workspace, collection: string, filter: AnyObject, multi: boolean): number {
  ws.require(collection)
  const { gate } = ws
  const asked = ws.resolve(filter)
  const found = targets(ws, collection, gate ? gate.write(collection, asked, 'delete') : asked, !multi)
  ws.write(found.map((doc) => ({ collection, id: doc._id, doc: null })))
  return found.length
}

export function aggregate(ws: Workspace, collection: string, pipeline: AnyObject[]): AnyObject[] {
  ws.require(collection)
  const { gate } = ws
  // A `$lookup` reads its other collection through the same workspace (a missing one joins nothing, as in MongoDB).
  const resolve = (name: string) => {
    if (!ws.has(name)) return []
    if (!gate) return [...ws.candidates(name, {})]
    const joined = gate.join(name)
    return findDocs(ws.candidates(name, joined), joined)
  }
  return aggregateDocs(ws.candidates(collection, {}), gate ? readablePipeline(ws, collection, pipeline) : pipeline, resolve)
}

/**
 * The pipeline a client's aggregation runs under the rules: its read is its leading `$match` (`{}` when
 * it starts with another stage: a later `$match` may test fields an earlier stage computed, so it proves
 * nothing of the stored documents), which the rules check or narrow. A leading `$geoNear` (which must stay
 * first) reads by its own `query`.
 */
function readablePipeline(ws: Workspace, collection: string, pipeline: AnyObject[]): AnyObject[] {
  const [first, ...rest] = pipeline
  if (first && isObject(first.$geoNear)) {
    const geoNear = first.$geoNear
    return [{ $geoNear: { ...geoNear, query: readable(ws, collection, isObject(geoNear.query) ? geoNear.query : {}) } }, ...rest]
  }
  const leading = first && Object.keys(first).length === 1 && isObject(first.$match) ? first.$match : undefined
  const allowed = readable(ws, collection, leading || {})
  return [{ $match: allowed }, ...(leading ? rest : pipeline)]
}

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)

export function addCollection(store: Store, name: unknown): void {
  if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}$/.test(name)) {
    throw invalidParam('collectionName must be 1-32 letters, digits, "-" or "_", starting with a letter or digit')
  }
  if (!store.createCollection(name)) throw new EmulatorError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`)
}
