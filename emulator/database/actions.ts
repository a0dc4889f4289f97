/**
 * The database actions of the client dialect A (`/web`, docs/protocol.md §2.1): plain JSON with `$date` and
 * `$regex` markers in, the response's `data` out. Each decodes its parameters and runs an operation.
 */
import { collectionMissing, EmulatorError, invalidParam, shown } from '../errors'
import { toEJSON } from '../query/ejson'
import { decodeWire, encodeWire } from '../query/values'
import type { Store } from '../store/store'
import type { Workspace } from '../store/workspace'
import * as op from './operations'

type Body = Record<string, unknown>

/** Default and maximum page sizes of the client dialect (docs/protocol.md §2.5). */
export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

export function collectionParam(body: Body): string {
  const name = body.collectionName
  if (typeof name !== 'string' || !name) throw invalidParam('collectionName is required')
  return name
}

export function objectParam(body: Body, key: string, now: number, required: boolean): Record<string, unknown> {
  const value = body[key]
  if (value === undefined && !required) return {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${key} must be an object`)
  return decodeWire(value, now) as Record<string, unknown>
}

export function integerParam(body: Body, key: string, fallback: number): number {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'number' || value < 0 || value % 1 !== 0) throw invalidParam(`${key} must be a non-negative integer`)
  return value
}

export function flag(body: Body, key: string, fallback: boolean): boolean {
  const value = body[key]
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw invalidParam(`${key} must be true or false`)
  return value
}

/** The page size asked for: 100 when absent or 0, never more than 1000 (both dialects, docs/protocol.md §2.5). */
export function limitParam(body: Body): number {
  return Math.min(integerParam(body, 'limit', DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT)
}

/** `order` as the client sends it: `[{ field, direction }]` in call order. */
export function orderParam(body: Body): { field: string; direction: 'asc' | 'desc' }[] {
  const order = body.order === undefined ? [] : body.order
  if (!Array.isArray(order) || !order.every((o) => o && typeof o.field === 'string' && (o.direction === 'asc' || o.direction === 'desc'))) {
    throw invalidParam("order must be an array of { field, direction: 'asc' | 'desc' }")
  }
  return order
}

/**
 * The pipeline of `stages: [{ stageKey, stageValue: '<JSON>' }]`. `parse` reads one stage value, once,
 * and refuses a text that is not JSON with `notJSON` as the message.
 */
export function pipelineParam(body: Body, parse: (text: string, notJSON: string) => unknown): Record<string, unknown>[] {
  if (!Array.isArray(body.stages) || !body.stages.length) throw invalidParam('stages must be a non-empty array')
  return body.stages.map((stage: unknown) => {
    const { stageKey, stageValue } = (stage || {}) as { stageKey?: unknown; stageValue?: unknown }
    if (typeof stageKey !== 'string' || stageKey[0] !== '$' || typeof stageValue !== 'string') {
      throw invalidParam('each stage is { stageKey: "$stage", stageValue: "<JSON>" }')
    }
    return { [stageKey]: parse(stageValue, `stageValue of ${stageKey} is not JSON`) }
  })
}

export function queryDocument(ws: Workspace, body: Body): { list: unknown[] } {
  const now = Date.now()
  const list = op.query(ws, collectionParam(body), objectParam(body, 'query', now, false), {
    order: orderParam(body),
    offset: integerParam(body, 'offset', 0),
    limit: limitParam(body),
    projection: objectParam(body, 'projection', now, false),
  })
  return { list: list.map(encodeWire) }
}

export function countDocument(ws: Workspace, body: Body): { total: number } {
  return { total: op.count(ws, collectionParam(body), objectParam(body, 'query', Date.now(), false)) }
}

export function addDocument(ws: Workspace, body: Body): { _id: string } | { insertedIds: string[] } {
  const name = collectionParam(body)
  const many = Array.isArray(body.data)
  const items = (many ? body.data : [body.data]) as unknown[]
  if (!items.length) throw invalidParam('data must be a document or a non-empty array of documents')
  const now = Date.now()
  const docs = items.map((item) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalidParam('each document must be an object')
    return decodeWire(item, now) as Record<string, unknown>
  })
  const ids = op.insert(ws, name, docs)
  return many ? { insertedIds: ids } : { _id: ids[0]! }
}

export function updateDocument(ws: Workspace, body: Body): { updated: number; upserted_id: string | null } {
  const now = Date.now()
  const { updated, upsertedId } = op.update(
    ws,
    collectionParam(body),
    objectParam(body, 'query', now, body.queryType === 'DOC'),
    objectParam(body, 'data', now, true),
    { multi: flag(body, 'multi', false), merge: flag(body, 'merge', true), upsert: flag(body, 'upsert', false) },
  )
  return { updated, upserted_id: upsertedId }
}

export function deleteDocument(ws: Workspace, body: Body): { deleted: number } {
  const filter = objectParam(body, 'query', Date.now(), body.queryType === 'DOC')
  return { deleted: op.remove(ws, collectionParam(body), filter, flag(body, 'multi', false)) }
}

export function aggregate(ws: Workspace, body: Body): { list: string } {
  const now = Date.now()
  const pipeline = pipelineParam(body, (text, notJSON) => {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw invalidParam(notJSON)
    }
    return decodeWire(value, now)
  })
  const list = op.aggregate(ws, collectionParam(body), pipeline)
  // The client dialect sends a JSON string of an array of EJSON strings (docs/protocol.md §2.1).
  return { list: JSON.stringify(list.map(toEJSON)) }
}

export function addCollection(store: Store, body: Body): Record<string, never> {
  op.addCollection(store, body.collectionName)
  return {}
}

function requireCollection(store: Store, collection: string): void {
  if (!store.hasCollection(collection)) throw collectionMissing(collection)
}

/** `database.createIndex`: `{ collectionName, name?, keys: { field: 1 | -1 }, unique? }` (emulator's own action). */
export function createIndex(store: Store, body: Body): { name: string } {
  const collection = collectionParam(body)
  requireCollection(store, collection)
  const keys = body.keys
  if (!keys || typeof keys !== 'object' || Array.isArray(keys) || !Object.keys(keys).length) {
    throw invalidParam('keys must be an object such as { field: 1 }')
  }
  for (const [field, direction] of Object.entries(keys)) {
    if (!field || field[0] === '$' || (direction !== 1 && direction !== -1)) throw invalidParam(`keys.${field} must be 1 or -1`)
  }
  const name = body.name === undefined ? Object.entries(keys).map(([f, d]) => `${f}_${d}`).join('_') : body.name
  if (typeof name !== 'string' || !name) throw invalidParam('name must be a non-empty string')
  if (store.indexesOf(collection).has(name)) throw new EmulatorError('DATABASE_INDEX_ALREADY_EXIST', `index ${name} already exists`)
  store.createIndex(collection, { name, keys: keys as Record<string, 1 | -1>, unique: flag(body, 'unique', false) })
  return { name }
}

/** `database.dropIndex`: `{ collectionName, name }`. */
export function dropIndex(store: Store, body: Body): Record<string, never> {
  const collection = collectionParam(body)
  requireCollection(store, collection)
  if (typeof body.name !== 'string' || !store.dropIndex(collection, body.name)) {
    throw new EmulatorError('DATABASE_INDEX_NOT_EXIST', `index ${shown(body.name)} does not exist`)
  }
  return {}
}
