/**
 * The database actions of the client dialect A (`/web`, reference §2.1): each takes the request body and
 * returns the response's `data`, or throws an `EmulatorError`.
 */
import { randomBytes } from 'node:crypto'
import { EJSON } from 'bson'
import { EmulatorError, invalidParam } from '../errors'
import { aggregateDocs, applyUpdate, checkUpdate, findDocs, upsertBase } from '../query/engine'
import { decodeWire, encodeWire } from '../query/values'
import type { Doc, Store, WriteOp } from '../store/store'

type Body = Record<string, unknown>

/** What an action needs besides its body. */
export interface ActionContext {
  store: Store
  /** The caller's openid, stamped on the documents it adds (as CloudBase does). */
  openid?: string
}

/** Default and maximum page sizes of the client dialect (reference §2.5). */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

/** A CloudBase-style `_id`: 32 hex characters. */
export function newId(): string {
  return randomBytes(16).toString('hex')
}

function collectionOf(ctx: ActionContext, body: Body): { name: string; docs: ReadonlyMap<string, Doc> } {
  const name = body.collectionName
  if (typeof name !== 'string' || !name) throw invalidParam('collectionName is required')
  const docs = ctx.store.documents(name)
  if (!docs) throw new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', `collection ${name} not exists`)
  return { name, docs }
}

function objectParam(body: Body, key: string, now: number, required: boolean): Record<string, unknown> {
  const value = body[key]
  if (value === undefined && !required) return {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${key} must be an object`)
  return decodeWire(value, now) as Record<string, unknown>
}

function integerParam(body: Body, key: string, fallback: number): number {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || value < 0 || value % 1 !== 0) throw invalidParam(`${key} must be a non-negative integer`)
  return value
}

function flag(body: Body, key: string, fallback: boolean): boolean {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalidParam(`${key} must be true or false`)
  return value
}

/** The documents a DOC or WHERE request targets. */
function targets(ctx: ActionContext, name: string, docs: ReadonlyMap<string, Doc>, filter: Record<string, unknown>, multi: boolean): Doc[] {
  const found = findDocs(ctx.store.select(name, filter), filter, multi ? {} : { limit: 1 }) as Doc[]
  // findDocs returns the stored objects: use them by id, never mutate them.
  return found.map((doc) => docs.get(doc._id)!)
}

export function queryDocument(ctx: ActionContext, body: Body): { list: unknown[] } {
  const { name } = collectionOf(ctx, body)
  const now = Date.now()
  const filter = objectParam(body, 'query', now, false)
  const order = body.order === undefined ? [] : body.order
  if (!Array.isArray(order) || !order.every((o) => o && typeof o.field === 'string' && (o.direction === 'asc' || o.direction === 'desc'))) {
    throw invalidParam("order must be an array of { field, direction: 'asc' | 'desc' }")
  }
  const limit = Math.min(integerParam(body, 'limit', DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT)
  const list = findDocs(ctx.store.select(name, filter), filter, {
    order,
    offset: integerParam(body, 'offset', 0),
    limit,
    projection: objectParam(body, 'projection', now, false),
  })
  return { list: list.map(encodeWire) }
}

export function countDocument(ctx: ActionContext, body: Body): { total: number } {
  const { name } = collectionOf(ctx, body)
  const filter = objectParam(body, 'query', Date.now(), false)
  return { total: findDocs(ctx.store.select(name, filter), filter).length }
}

export function addDocument(ctx: ActionContext, body: Body): { _id: string } | { insertedIds: string[] } {
  const { name, docs } = collectionOf(ctx, body)
  const now = Date.now()
  const many = Array.isArray(body.data)
  const items = (many ? body.data : [body.data]) as unknown[]
  if (!items.length) throw invalidParam('data must be a document or a non-empty array of documents')
  const ops: WriteOp[] = items.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalidParam('each document must be an object')
    const doc = decodeWire(item, now) as Doc
    const id = doc._id === undefined ? newId() : doc._id
    if (typeof id !== 'string' || !id) throw invalidParam('_id must be a non-empty string')
    if (ctx.openid && doc._openid === undefined) doc._openid = ctx.openid
    return { collection: name, id, doc: Object.assign({ _id: id }, doc) }
  })
  const ids = ops.map((op) => op.id)
  if (ids.some((id, i) => docs.has(id) || ids.indexOf(id) !== i)) {
    throw new EmulatorError('DATABASE_REQUEST_FAILED', 'duplicate _id: a document with this _id already exists')
  }
  ctx.store.write(ops)
  return many ? { insertedIds: ids } : { _id: ids[0]! }
}

export function updateDocument(ctx: ActionContext, body: Body): { updated: number; upserted_id: string | null } {
  const { name, docs } = collectionOf(ctx, body)
  const now = Date.now()
  const filter = objectParam(body, 'query', now, body.queryType === 'DOC')
  const data = objectParam(body, 'data', now, true)
  const multi = flag(body, 'multi', false)
  const merge = flag(body, 'merge', true)
  const upsert = flag(body, 'upsert', false)
  if (merge) checkUpdate(data)
  else if (Object.keys(data).some((k) => k[0] === '$')) throw invalidParam('a replacement document cannot contain update operators')
  const replace = (doc: Doc): Doc => Object.assign({ _id: doc._id }, data, { _id: doc._id }) as Doc
  const found = targets(ctx, name, docs, filter, multi)
  if (!found.length && upsert) {
    const id = typeof filter._id === 'string' ? filter._id : newId()
    const base = upsertBase(id, filter)
    const doc = merge ? applyUpdate(base, data, true) : replace(base)
    if (ctx.openid && doc._openid === undefined) doc._openid = ctx.openid
    ctx.store.write([{ collection: name, id, doc }])
    return { updated: 0, upserted_id: id }
  }
  const ops: WriteOp[] = found.map((doc) => {
    const next = merge ? applyUpdate(doc, data) : replace(doc)
    if (doc._openid !== undefined && next._openid === undefined) next._openid = doc._openid
    return { collection: name, id: doc._id, doc: next }
  })
  ctx.store.write(ops)
  return { updated: ops.length, upserted_id: null }
}

export function deleteDocument(ctx: ActionContext, body: Body): { deleted: number } {
  const { name, docs } = collectionOf(ctx, body)
  const filter = objectParam(body, 'query', Date.now(), body.queryType === 'DOC')
  const found = targets(ctx, name, docs, filter, flag(body, 'multi', false))
  ctx.store.write(found.map((doc) => ({ collection: name, id: doc._id, doc: null })))
  return { deleted: found.length }
}

export function aggregate(ctx: ActionContext, body: Body): { list: string } {
  const { docs } = collectionOf(ctx, body)
  const now = Date.now()
  if (!Array.isArray(body.stages) || !body.stages.length) throw invalidParam('stages must be a non-empty array')
  const pipeline = body.stages.map((stage: unknown) => {
    const { stageKey, stageValue } = (stage || {}) as { stageKey?: unknown; stageValue?: unknown }
    if (typeof stageKey !== 'string' || stageKey[0] !== '$' || typeof stageValue !== 'string') {
      throw invalidParam('each stage is { stageKey: "$stage", stageValue: "<JSON>" }')
    }
    let value: unknown
    try {
      value = JSON.parse(stageValue)
    } catch {
      throw invalidParam(`stageValue of ${stageKey} is not JSON`)
    }
    return { [stageKey]: decodeWire(value, now) }
  })
  const resolve = (collection: string) => [...(ctx.store.documents(collection) || new Map()).values()]
  const list = aggregateDocs(docs.values(), pipeline, resolve)
  // The client dialect sends a JSON string of an array of EJSON strings (reference §2.1).
  return { list: JSON.stringify(list.map((doc) => EJSON.stringify(doc, { relaxed: false }))) }
}

export function addCollection(ctx: ActionContext, body: Body): Record<string, never> {
  const name = body.collectionName
  if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}$/.test(name)) {
    throw invalidParam('collectionName must be 1-32 letters, digits, "-" or "_", starting with a letter or digit')
  }
  if (!ctx.store.createCollection(name)) {
    throw new EmulatorError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`)
  }
  return {}
}

/** `database.createIndex`: `{ collectionName, name?, keys: { field: 1 | -1 }, unique? }` (emulator's own action). */
export function createIndex(ctx: ActionContext, body: Body): { name: string } {
  const { name: collection } = collectionOf(ctx, body)
  const keys = body.keys
  if (!keys || typeof keys !== 'object' || Array.isArray(keys) || !Object.keys(keys).length) {
    throw invalidParam('keys must be an object such as { field: 1 }')
  }
  for (const [field, direction] of Object.entries(keys)) {
    if (!field || field[0] === '$' || (direction !== 1 && direction !== -1)) throw invalidParam(`keys.${field} must be 1 or -1`)
  }
  const name = body.name === undefined ? Object.entries(keys).map(([f, d]) => `${f}_${d}`).join('_') : body.name
  if (typeof name !== 'string' || !name) throw invalidParam('name must be a non-empty string')
  if (ctx.store.indexesOf(collection).has(name)) throw new EmulatorError('DATABASE_INDEX_ALREADY_EXIST', `index ${name} already exists`)
  ctx.store.createIndex(collection, { name, keys: keys as Record<string, 1 | -1>, unique: flag(body, 'unique', false) })
  return { name }
}

/** `database.dropIndex`: `{ collectionName, name }`. */
export function dropIndex(ctx: ActionContext, body: Body): Record<string, never> {
  const { name: collection } = collectionOf(ctx, body)
  if (typeof body.name !== 'string' || !ctx.store.dropIndex(collection, body.name)) {
    throw new EmulatorError('DATABASE_INDEX_NOT_EXIST', `index ${String(body.name)} does not exist`)
  }
  return {}
}
