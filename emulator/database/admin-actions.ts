/**
 * The admin dialect C (`/admin`, docs/protocol.md §1.2, §2.2): what `@cloudbase/node-sdk` and `wx-server-sdk`
 * send. `query`, `data`, `order`, `projection` and stage values are canonical EJSON strings, documents
 * come back as EJSON strings, and any action may run inside a transaction (`transactionId`). The server
 * SDKs sign with the environment's secret: they act as the administrator (no `_openid` stamped).
 */
import { invalidParam } from '../errors'
import type { Answer, Request } from '../pipeline/service'
import { parseEJSON, parseEJSONObject, toEJSON } from '../query/ejson'
import { storeWorkspace, transactionWorkspace, type Workspace } from '../store/workspace'
import { collectionParam, flag, integerParam, limitParam, pipelineParam } from './actions'
import * as op from './operations'
import { TRANSACTION_CONTROL, type DatabaseContext } from './transaction-actions'

type Body = Record<string, unknown>

/** Any admin action may run inside a transaction: it names it with `transactionId`. */
// The guard applies no rule to the administrator; it records that none applied (`admin` in the request's event).
const workspace = (db: DatabaseContext, { body, principal, decide }: Request): Workspace =>
  body.transactionId === undefined
    ? storeWorkspace(db.store, principal, db.guard, decide)
    : transactionWorkspace(db.store, db.transactions, body.transactionId, principal, db.guard, decide)

/** `order`: the EJSON of `{ field: 1 | -1 }`, in call order. */
function orderOf(body: Body): { field: string; direction: 'asc' | 'desc' }[] {
  const order = parseEJSONObject(body.order, 'order', 0)
  return Object.keys(order).map((field) => {
    if (order[field] !== 1 && order[field] !== -1) throw invalidParam(`order.${field} must be 1 or -1`)
    return { field, direction: order[field] === -1 ? 'desc' : 'asc' }
  })
}

/** The `/admin` database actions (each reads `body` and `now` once, through its defaults). */
export const ADMIN_ACTIONS: Record<string, (db: DatabaseContext, request: Request) => Answer> = {
  ...TRANSACTION_CONTROL,

  'database.getDocument': (db, request, body = request.body, now = Date.now()) => {
    const list = op.query(workspace(db, request), collectionParam(body), parseEJSONObject(body.query, 'query', now), {
      order: orderOf(body),
      offset: integerParam(body, 'offset', 0),
      limit: limitParam(body),
      projection: parseEJSONObject(body.projection, 'projection', now),
    })
    return { data: { list: list.map(toEJSON) } }
  },

  'database.calculateDocument': (db, request, body = request.body, now = Date.now()) => ({
    data: { total: op.count(workspace(db, request), collectionParam(body), parseEJSONObject(body.query, 'query', now)) },
  }),

  'database.insertDocument': (db, request, body = request.body, now = Date.now()) => {
    if (!Array.isArray(body.data) || !body.data.length) throw invalidParam('data must be a non-empty array of EJSON strings')
    const docs = body.data.map((text) => {
      const doc = parseEJSON(text, 'data', now)
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidParam('each document must be an object')
      return doc as Body
    })
    const ids = op.insert(workspace(db, request), collectionParam(body), docs)
    return { data: { insertedIds: ids, inserted: ids.length, ok: 1, id: ids[0] } }
  },

  'database.modifyDocument': (db, request, body = request.body, now = Date.now()) => {
    const data = parseEJSONObject(body.data, 'data', now)
    const result = op.update(workspace(db, request), collectionParam(body), parseEJSONObject(body.query, 'query', now), data, {
      multi: flag(body, 'multi', false),
      merge: flag(body, 'merge', true),
      upsert: flag(body, 'upsert', false),
    })
    const upserted = result.upsertedId ? [{ _id: result.upsertedId }] : []
    return { data: { updated: result.updated, upsert_id: result.upsertedId, upserted } }
  },

  'database.modifyAndReturnDoc': (db, request, body = request.body, now = Date.now()) => {
    const result = op.update(workspace(db, request), collectionParam(body), parseEJSONObject(body.query, 'query', now), parseEJSONObject(body.data, 'data', now), {
      multi: false,
      merge: true,
      upsert: flag(body, 'upsert', false),
    })
    return { data: { updated: result.updated, doc: result.docs[0] ? toEJSON(result.docs[0]) : null } }
  },

  'database.removeDocument': (db, request, body = request.body, now = Date.now()) => ({
    data: { deleted: op.remove(workspace(db, request), collectionParam(body), parseEJSONObject(body.query, 'query', now), flag(body, 'multi', false)) },
  }),

  'database.aggregateDocuments': (db, request, body = request.body, now = Date.now()) => {
    // Object stages are canonical EJSON, others plain JSON (docs/protocol.md §4): both parse as EJSON, once.
    const pipeline = pipelineParam(body, (text, notJSON) => parseEJSON(text, 'stageValue', now, notJSON))
    return { data: { list: op.aggregate(workspace(db, request), collectionParam(body), pipeline).map(toEJSON) } }
  },

  'database.addCollection': (db, request) => (op.addCollection(db.store, request.body.collectionName), { data: {} }),
}
