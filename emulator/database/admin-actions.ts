/**
 * The admin dialect C (`/admin`, reference §1.2, §2.2): what `@cloudbase/node-sdk` and `wx-server-sdk`
 * send. `query`, `data`, `order`, `projection` and stage values are canonical EJSON strings, documents
 * come back as EJSON strings, and any action may run inside a transaction (`transactionId`). The server
 * SDKs sign with the environment's secret: they act as the administrator (no `_openid` stamped).
 */
import { EmulatorError, invalidParam } from '../errors'
import type { Caller, ServiceAction } from '../http/web'
import { parseEJSON, parseEJSONObject, toEJSON } from '../query/ejson'
import type { Store } from '../store/store'
import { collectionParam, flag, integerParam, limitParam, pipelineParam } from './actions'
import * as op from './operations'
import { TRANSACTION_ACTIONS } from './transaction-actions'
import type { Transactions } from './transactions'
import { storeWorkspace, transactionWorkspace, type Workspace } from './workspace'

type Body = Record<string, unknown>

export interface AdminContext {
  env: string
  store: Store
  transactions: Transactions
  /** The other services' actions (`functions.invokeFunction`, `storage.*`), answered for the administrator. */
  services?: Record<string, ServiceAction>
}

const workspace = (ctx: AdminContext, body: Body): Workspace =>
  body.transactionId === undefined ? storeWorkspace(ctx.store) : transactionWorkspace(ctx.store, ctx.transactions, body.transactionId)

/** `order`: the EJSON of `{ field: 1 | -1 }`, in call order. */
function orderOf(body: Body): { field: string; direction: 'asc' | 'desc' }[] {
  const order = parseEJSONObject(body.order, 'order', 0)
  return Object.keys(order).map((field) => {
    if (order[field] !== 1 && order[field] !== -1) throw invalidParam(`order.${field} must be 1 or -1`)
    return { field, direction: order[field] === -1 ? 'desc' : 'asc' }
  })
}

const ADMIN_ACTIONS: Record<string, (ctx: AdminContext, body: Body, now: number) => Body> = {
  'database.getDocument': (ctx, body, now) => {
    const list = op.query(workspace(ctx, body), collectionParam(body), parseEJSONObject(body.query, 'query', now), {
      order: orderOf(body),
      offset: integerParam(body, 'offset', 0),
      limit: limitParam(body),
      projection: parseEJSONObject(body.projection, 'projection', now),
    })
    return { data: { list: list.map(toEJSON) } }
  },

  'database.calculateDocument': (ctx, body, now) => ({
    data: { total: op.count(workspace(ctx, body), collectionParam(body), parseEJSONObject(body.query, 'query', now)) },
  }),

  'database.insertDocument': (ctx, body, now) => {
    if (!Array.isArray(body.data) || !body.data.length) throw invalidParam('data must be a non-empty array of EJSON strings')
    const docs = body.data.map((text) => {
      const doc = parseEJSON(text, 'data', now)
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidParam('each document must be an object')
      return doc as Body
    })
    const ids = op.insert(workspace(ctx, body), {}, collectionParam(body), docs)
    return { data: { insertedIds: ids, inserted: ids.length, ok: 1, id: ids[0] } }
  },

  'database.modifyDocument': (ctx, body, now) => {
    const data = parseEJSONObject(body.data, 'data', now)
    const result = op.update(workspace(ctx, body), {}, collectionParam(body), parseEJSONObject(body.query, 'query', now), data, {
      multi: flag(body, 'multi', false),
      merge: flag(body, 'merge', true),
      upsert: flag(body, 'upsert', false),
    })
    const upserted = result.upsertedId ? [{ _id: result.upsertedId }] : []
    return { data: { updated: result.updated, upsert_id: result.upsertedId, upserted } }
  },

  'database.modifyAndReturnDoc': (ctx, body, now) => {
    const result = op.update(workspace(ctx, body), {}, collectionParam(body), parseEJSONObject(body.query, 'query', now), parseEJSONObject(body.data, 'data', now), {
      multi: false,
      merge: true,
      upsert: flag(body, 'upsert', false),
    })
    return { data: { updated: result.updated, doc: result.docs[0] ? toEJSON(result.docs[0]) : null } }
  },

  'database.removeDocument': (ctx, body, now) => ({
    data: { deleted: op.remove(workspace(ctx, body), collectionParam(body), parseEJSONObject(body.query, 'query', now), flag(body, 'multi', false)) },
  }),

  'database.aggregateDocuments': (ctx, body, now) => {
    // Object stages are canonical EJSON, others plain JSON (reference §4): both parse as EJSON, once.
    const pipeline = pipelineParam(body, (text, notJSON) => parseEJSON(text, 'stageValue', now, notJSON))
    return { data: { list: op.aggregate(workspace(ctx, body), ctx.store, collectionParam(body), pipeline).map(toEJSON) } }
  },

  'database.addCollection': (ctx, body) => (op.addCollection(ctx.store, body.collectionName), { data: {} }),
}

/** Answers one `/admin` request body; `caller` says where it came from (no user: the server SDKs are the administrator). */
export function handleAdmin(ctx: AdminContext, body: unknown, caller: Caller = { origin: '' }): Body | Promise<Body> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidParam('the request body must be a JSON object')
  const request = body as Body
  if (typeof request.action !== 'string') throw invalidParam('action is required')
  if (request.envName !== undefined && request.envName !== ctx.env) {
    throw new EmulatorError('INVALID_ENV', `this emulator serves env "${ctx.env}", not "${String(request.envName)}"`)
  }
  const action = request.action
  const own = (table: object) => Object.prototype.hasOwnProperty.call(table, action)
  if (own(ADMIN_ACTIONS)) return ADMIN_ACTIONS[action]!(ctx, request, Date.now())
  if (ctx.services && own(ctx.services)) return ctx.services[action]!(request, caller)
  // start/commit/abort are the same actions as the client's.
  if (/^database\.(start|commit|abort)Transaction$/.test(action) && own(TRANSACTION_ACTIONS)) {
    return TRANSACTION_ACTIONS[action]!({ store: ctx.store, transactions: ctx.transactions }, request)
  }
  throw new EmulatorError('INVALID_ACTION', `unknown action ${action}`)
}
