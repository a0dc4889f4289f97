/**
 * The transaction actions of the client dialect (reference §5, J25/J26). Their answers carry their
 * fields at the top level of the response (`transactionId`, `data` as an EJSON string, `updated`,
 * `deleted`, `inserted`/`ok`), as js-sdk reads them; `data` of writes is a canonical EJSON string.
 */
import { EJSON, BSONRegExp, ObjectId, Decimal128 } from 'bson'
import { EmulatorError, invalidParam } from '../errors'
import { applyUpdate, checkUpdate, findDocs, upsertBase } from '../query/engine'
import { decodeWire } from '../query/values'
import type { Doc } from '../store/store'
import { newId, type ActionContext } from './actions'
import type { Transactions } from './transactions'

type Body = Record<string, unknown>
/** Transaction actions need the emulator's transaction manager. */
export type TransactionContext = ActionContext & { transactions: Transactions }

/** BSON values from `EJSON.parse` as the engine holds them. */
function fromBSON(value: unknown): unknown {
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''))
  if (value instanceof ObjectId) return value.toHexString()
  if (value instanceof Decimal128) return Number(value.toString())
  if (Array.isArray(value)) return value.map(fromBSON)
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value)) out[key] = fromBSON((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

/** Parses the EJSON string `data` of a transaction write. */
function ejsonParam(body: Body, key: string): Record<string, unknown> {
  const text = body[key]
  if (typeof text !== 'string') throw invalidParam(`${key} must be an EJSON string`)
  let value: unknown
  try {
    value = EJSON.parse(text, { relaxed: true })
  } catch {
    throw invalidParam(`${key} is not valid EJSON`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalidParam(`${key} must encode an object`)
  return decodeWire(fromBSON(value), Date.now()) as Record<string, unknown>
}

function collectionName(body: Body): string {
  if (typeof body.collectionName !== 'string' || !body.collectionName) throw invalidParam('collectionName is required')
  return body.collectionName
}

/** `{ _id: { $eq: id } }` (or `{ _id: id }`): the document form of a transaction request. */
function docIdOf(query: Record<string, unknown>): string | undefined {
  const keys = Object.keys(query)
  if (keys.length !== 1 || keys[0] !== '_id') return undefined
  const id = query._id
  if (typeof id === 'string') return id
  if (id && typeof id === 'object' && Object.keys(id).length === 1 && typeof (id as { $eq?: unknown }).$eq === 'string') return (id as { $eq: string }).$eq
  return undefined
}

function queryParam(body: Body): Record<string, unknown> {
  if (body.query === undefined) return {}
  if (!body.query || typeof body.query !== 'object' || Array.isArray(body.query)) throw invalidParam('query must be an object')
  return decodeWire(body.query, Date.now()) as Record<string, unknown>
}

/** The documents a transaction write targets. */
function targets(ctx: TransactionContext, body: Body, name: string, query: Record<string, unknown>): Doc[] {
  const id = docIdOf(query)
  if (id !== undefined) {
    const doc = ctx.transactions.read(body.transactionId, name, id)
    return doc ? [doc] : []
  }
  return findDocs(ctx.transactions.view(body.transactionId, name), query) as Doc[]
}

const json = (value: unknown) => EJSON.stringify(value, { relaxed: false })

export const TRANSACTION_ACTIONS: Record<string, (ctx: TransactionContext, body: Body) => Record<string, unknown>> = {
  'database.startTransaction': (ctx) => ({ transactionId: ctx.transactions.start() }),

  'database.commitTransaction': (ctx, body) => (ctx.transactions.commit(body.transactionId), {}),

  'database.abortTransaction': (ctx, body) => (ctx.transactions.abort(body.transactionId), {}),

  'database.getInTransaction': (ctx, body) => {
    const name = collectionName(body)
    const query = queryParam(body)
    const id = docIdOf(query)
    if (id !== undefined && body.order === undefined && body.limit === undefined) {
      const doc = ctx.transactions.read(body.transactionId, name, id)
      return { data: doc ? json(doc) : 'null' }
    }
    const limit = typeof body.limit === 'number' && body.limit > 0 ? Math.min(body.limit, 1000) : 100
    const list = findDocs(ctx.transactions.view(body.transactionId, name), query, {
      order: Array.isArray(body.order) ? body.order : [],
      offset: typeof body.offset === 'number' ? body.offset : 0,
      limit,
      projection: (body.projection as Record<string, unknown>) || {},
    })
    return { data: json(list) }
  },

  'database.insertDocInTransaction': (ctx, body) => {
    const name = collectionName(body)
    const doc = ejsonParam(body, 'data') as Doc
    const id = typeof body._id === 'string' ? body._id : typeof doc._id === 'string' ? doc._id : newId()
    if (ctx.transactions.read(body.transactionId, name, id)) {
      throw new EmulatorError('DATABASE_REQUEST_FAILED', `duplicate _id: a document with _id ${id} already exists`)
    }
    if (ctx.openid && doc._openid === undefined) doc._openid = ctx.openid
    ctx.transactions.write(body.transactionId, { collection: name, id, doc: Object.assign({ _id: id }, doc, { _id: id }) })
    return { inserted: 1, ok: 1 }
  },

  'database.updateDocInTransaction': (ctx, body) => {
    const name = collectionName(body)
    const query = queryParam(body)
    const data = ejsonParam(body, 'data')
    const merge = Object.keys(data).some((k) => k[0] === '$')
    if (merge) checkUpdate(data)
    const found = targets(ctx, body, name, query)
    if (!found.length && body.upsert === true) {
      const id = docIdOf(query) || newId()
      const base = upsertBase(id, query)
      const doc = merge ? applyUpdate(base, data, true) : (Object.assign({}, data, { _id: id }) as Doc)
      if (ctx.openid && doc._openid === undefined) doc._openid = ctx.openid
      ctx.transactions.write(body.transactionId, { collection: name, id, doc })
      return { updated: 0, upserted: JSON.stringify([{ _id: id }]) }
    }
    for (const doc of found) {
      const next = merge ? applyUpdate(doc, data) : (Object.assign({}, data, { _id: doc._id }) as Doc)
      if (doc._openid !== undefined && next._openid === undefined) next._openid = doc._openid
      ctx.transactions.write(body.transactionId, { collection: name, id: doc._id, doc: next })
    }
    return { updated: found.length, upserted: '[]' }
  },

  'database.deleteDocInTransaction': (ctx, body) => {
    const name = collectionName(body)
    const found = targets(ctx, body, name, queryParam(body))
    for (const doc of found) ctx.transactions.write(body.transactionId, { collection: name, id: doc._id, doc: null })
    return { deleted: found.length }
  },
}
