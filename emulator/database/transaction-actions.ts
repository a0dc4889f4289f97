/**
 * The transaction actions of the client dialect (reference §5, J25/J26). Their answers carry their
 * fields at the top level of the response (`transactionId`, `data` as an EJSON string, `updated`,
 * `deleted`, `inserted`/`ok`), as js-sdk reads them; `data` of writes is a canonical EJSON string.
 */
import { parseEJSONObject, toEJSON } from '../query/ejson'
import { type ActionContext, collectionParam, integerParam, limitParam, objectParam, orderParam } from './actions'
import * as op from './operations'
import type { Transactions } from './transactions'
import { transactionWorkspace, type Workspace } from './workspace'

type Body = Record<string, unknown>
/** Transaction actions need the emulator's transaction manager. */
export type TransactionContext = ActionContext & { transactions: Transactions }

const workspace = (ctx: TransactionContext, body: Body): Workspace => transactionWorkspace(ctx.store, ctx.transactions, body.transactionId)

export const TRANSACTION_ACTIONS: Record<string, (ctx: TransactionContext, body: Body) => Record<string, unknown>> = {
  'database.startTransaction': (ctx) => ({ transactionId: ctx.transactions.start() }),

  'database.commitTransaction': (ctx, body) => (ctx.transactions.commit(body.transactionId), {}),

  'database.abortTransaction': (ctx, body) => (ctx.transactions.abort(body.transactionId), {}),

  'database.getInTransaction': (ctx, body) => {
    const name = collectionParam(body)
    const filter = objectParam(body, 'query', Date.now(), false)
    const ws = workspace(ctx, body)
    const id = op.idOf(filter)
    // A document request (`doc(id).get()`) answers the document itself, a query request a list.
    if (id !== undefined && body.order === undefined && body.limit === undefined) {
      ws.require(name)
      const doc = ws.get(name, id)
      return { data: doc ? toEJSON(doc) : 'null' }
    }
    const list = op.query(ws, name, filter, {
      order: orderParam(body),
      offset: integerParam(body, 'offset', 0),
      limit: limitParam(body),
      projection: objectParam(body, 'projection', Date.now(), false),
    })
    return { data: toEJSON(list) }
  },

  'database.insertDocInTransaction': (ctx, body) => {
    const doc = parseEJSONObject(body.data, 'data', Date.now())
    if (typeof body._id === 'string') doc._id = body._id
    op.insert(workspace(ctx, body), ctx, collectionParam(body), [doc])
    return { inserted: 1, ok: 1 }
  },

  'database.updateDocInTransaction': (ctx, body) => {
    const data = parseEJSONObject(body.data, 'data', Date.now())
    const filter = objectParam(body, 'query', Date.now(), false)
    const result = op.update(workspace(ctx, body), ctx, collectionParam(body), filter, data, {
      // A document request changes that document; a query request every match.
      multi: op.idOf(filter) === undefined,
      merge: Object.keys(data).some((k) => k[0] === '$'),
      upsert: body.upsert === true,
    })
    return { updated: result.updated, upserted: JSON.stringify(result.upsertedId ? [{ _id: result.upsertedId }] : []) }
  },

  'database.deleteDocInTransaction': (ctx, body) => {
    const filter = objectParam(body, 'query', Date.now(), false)
    return { deleted: op.remove(workspace(ctx, body), collectionParam(body), filter, op.idOf(filter) === undefined) }
  },
}
