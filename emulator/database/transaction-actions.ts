/**
 * The transaction actions of the client dialect (docs/protocol.md §5, J25/J26). Their answers carry their
 * fields at the top level of the response (`transactionId`, `data` as an EJSON string, `updated`,
 * `deleted`, `inserted`/`ok`), as js-sdk reads them; `data` of writes is a canonical EJSON string.
 */
import { sourceOf } from '../pipeline/principal'
import type { Answer, Request } from '../pipeline/service'
import { parseEJSONObject, toEJSON } from '../query/ejson'
import { idOf } from '../query/id-filter'
import type { Store } from '../store/store'
import type { Transactions } from '../store/transactions'
import type { Guard } from '../pipeline/rule-checks'
import { transactionWorkspace, type Workspace } from '../store/workspace'
import { collectionParam, integerParam, limitParam, objectParam, orderParam } from './actions'
import * as op from './operations'

type Body = Record<string, unknown>

/** One env's committed data and its open transactions. */
export interface DatabaseContext {
  store: Store
  transactions: Transactions
  /** The security rules client requests are checked against; absent when the emulator enforces none. */
  guard?: Guard
}

const workspace = (db: DatabaseContext, request: Request): Workspace =>
  transactionWorkspace(db.store, db.transactions, request.body.transactionId, request.principal, db.guard, request.decide)

/** Start, commit and abort: the same on `/web` and `/admin`. */
export const TRANSACTION_CONTROL: Record<string, (db: DatabaseContext, request: Request) => Answer> = {
  'database.startTransaction': (db) => ({ transactionId: db.transactions.start() }),

  'database.commitTransaction': (db, { body, principal }) => (db.transactions.commit(body.transactionId, { principal, source: sourceOf(principal) }), {}),

  'database.abortTransaction': (db, { body }) => (db.transactions.abort(body.transactionId), {}),
}

/** The reads and writes inside a transaction (the client dialect; `/admin` sends its usual actions with a `transactionId`). */
export const TRANSACTION_ACTIONS: Record<string, (db: DatabaseContext, request: Request) => Answer> = {
  ...TRANSACTION_CONTROL,

  'database.getInTransaction': (db, request) => {
    const body: Body = request.body
    const name = collectionParam(body)
    const filter = objectParam(body, 'query', Date.now(), false)
    const ws = workspace(db, request)
    const id = idOf(filter)
    // A document request (`doc(id).get()`) answers the document itself, a query request a list.
    if (id !== undefined && body.order === undefined && body.limit === undefined) {
      const doc = op.document(ws, name, filter, id)
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

  'database.insertDocInTransaction': (db, request) => {
    const doc = parseEJSONObject(request.body.data, 'data', Date.now())
    if (typeof request.body._id === 'string') doc._id = request.body._id
    op.insert(workspace(db, request), collectionParam(request.body), [doc])
    return { inserted: 1, ok: 1 }
  },

  'database.updateDocInTransaction': (db, request) => {
    const body: Body = request.body
    const data = parseEJSONObject(body.data, 'data', Date.now())
    const filter = objectParam(body, 'query', Date.now(), false)
    const result = op.update(workspace(db, request), collectionParam(body), filter, data, {
      // A document request changes that document; a query request every match.
      multi: idOf(filter) === undefined,
      merge: Object.keys(data).some((k) => k[0] === '$'),
      upsert: body.upsert === true,
    })
    return { updated: result.updated, upserted: JSON.stringify(result.upsertedId ? [{ _id: result.upsertedId }] : []) }
  },

  'database.deleteDocInTransaction': (db, request) => {
    const filter = objectParam(request.body, 'query', Date.now(), false)
    return { deleted: op.remove(workspace(db, request), collectionParam(request.body), filter, idOf(filter) === undefined) }
  },
}
