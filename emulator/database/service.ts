/**
 * The database service: the client dialect's actions on `/web` (and their transaction actions), the
 * admin dialect's on `/admin`, over one env's store and its open transactions.
 */
import type { Action, Answer, Request, Service } from '../pipeline/service'
import type { Store } from '../store/store'
import { Transactions } from '../store/transactions'
import type { Guard } from '../pipeline/rule-checks'
import { storeWorkspace, type Workspace } from '../store/workspace'
import * as web from './actions'
import { ADMIN_ACTIONS } from './admin-actions'
import { TRANSACTION_ACTIONS, type DatabaseContext } from './transaction-actions'

/** The collection a request names, for the log. */
const collectionOf = (body: Record<string, unknown>) => (typeof body.collectionName === 'string' ? body.collectionName : undefined)

const action = (handle: (request: Request) => Answer): Action => ({ access: 'principal', target: collectionOf, handle })

/**
 * @param guard the security rules every client request is checked against (`emulator/rules/gate.ts`);
 *   without it, no rule applies.
 */
export function databaseService(store: Store, guard?: Guard): Service {
  const db: DatabaseContext = Object.assign({ store, transactions: new Transactions(store) }, guard ? { guard } : {})
  // The client dialect answers `{ data }`; its reads and writes are the caller's, on the committed store.
  const onStore = (handle: (ws: Workspace, body: Record<string, unknown>) => unknown) =>
    action((request) => ({ data: handle(storeWorkspace(store, request.principal, guard, request.decide), request.body) }))
  const onCatalog = (handle: (store: Store, body: Record<string, unknown>) => unknown) => action((request) => ({ data: handle(store, request.body) }))
  // Index management is not a client operation in CloudBase: the administrator's on either endpoint.
  const indexes: Record<string, Action> = {
    'database.createIndex': { ...onCatalog(web.createIndex), access: 'admin' },
    'database.dropIndex': { ...onCatalog(web.dropIndex), access: 'admin' },
  }
  const withContext = (table: Record<string, (db: DatabaseContext, request: Request) => Answer>) =>
    Object.fromEntries(Object.entries(table).map(([name, handle]) => [name, action((request) => handle(db, request))]))

  return {
    name: 'database',
    actions: {
      web: {
        'database.queryDocument': onStore(web.queryDocument),
        'database.countDocument': onStore(web.countDocument),
        'database.addDocument': onStore(web.addDocument),
        'database.updateDocument': onStore(web.updateDocument),
        'database.deleteDocument': onStore(web.deleteDocument),
        'database.aggregate': onStore(web.aggregate),
        'database.addCollection': onCatalog(web.addCollection),
        ...indexes,
        // Transaction answers carry their fields at the top level (docs/protocol.md §5).
        ...withContext(TRANSACTION_ACTIONS),
      },
      admin: { ...withContext(ADMIN_ACTIONS), ...indexes },
    },
  }
}
