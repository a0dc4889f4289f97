/**
 * Where a request reads and writes: the committed store, or an open transaction (committed data plus its
 * own pending writes). Every store read and write of a request goes through the workspace made for it,
 * which knows who is asking: writes carry the principal into the change feed, and the rules engine has
 * one place to guard reads (a `$lookup`'s other collections, a watch's query) as well as actions.
 */
import { collectionMissing } from '../errors'
import { sourceOf, type Principal } from '../pipeline/principal'
import type { Decide, Guard, WorkspaceGate } from '../pipeline/rule-checks'
import { withPlaceholders } from '../query/placeholders'
import type { Doc, Store, WriteOp } from './store'
import type { Transactions } from './transactions'

const ignore: Decide = () => {}

export interface Workspace {
  /** Who the reads and writes are for. */
  readonly principal: Principal
  /** The security rules to apply to this principal's requests; absent when none apply. */
  readonly gate?: WorkspaceGate
  /**
   * The caller's filter with its placeholders (`'{openid}'`, `'{uid}'`) replaced by a signed-in user's ids;
   * unchanged for anyone else. Every client filter is resolved before it is checked or run.
   */
  resolve(filter: Record<string, unknown>): Record<string, unknown>
  /** Fails with DATABASE_COLLECTION_NOT_EXIST unless the collection exists. */
  require(collection: string): void
  has(collection: string): boolean
  /** The documents that may match `filter` (all of them, or an index's candidates). */
  candidates(collection: string, filter: Record<string, unknown>): Iterable<Doc>
  get(collection: string, id: string): Doc | undefined
  /** Applies the writes atomically (or buffers them, in a transaction). */
  write(ops: WriteOp[]): void
}

function requireIn(store: Store): (collection: string) => void {
  return (collection) => {
    if (!store.hasCollection(collection)) throw collectionMissing(collection)
  }
}

/** How `principal`'s filters are resolved (Workspace.resolve). */
function resolverOf(principal: Principal): Workspace['resolve'] {
  if (principal.kind !== 'user') return (filter) => filter
  const ids = { openid: principal.openid, uid: principal.uid }
  return (filter) => withPlaceholders(filter, ids)
}

/** Adds the gate `guard` makes for the workspace's principal, reading through the workspace itself. */
function guarded(workspace: Workspace, guard: Guard | undefined, decide: Decide): Workspace {
  const gate = guard && guard(workspace.principal, (collection, id) => (workspace.has(collection) ? workspace.get(collection, id) : undefined), decide)
  return gate ? { ...workspace, gate } : workspace
}

export function storeWorkspace(store: Store, principal: Principal, guard?: Guard, decide: Decide = ignore): Workspace {
  return guarded(
    {
      principal,
      resolve: resolverOf(principal),
      require: requireIn(store),
      has: (collection) => store.hasCollection(collection),
      candidates: (collection, filter) => store.select(collection, filter),
      get: (collection, id) => store.documents(collection)!.get(id),
      write: (ops) => store.write(ops, { principal, source: sourceOf(principal) }),
    },
    guard,
    decide,
  )
}

export function transactionWorkspace(store: Store, transactions: Transactions, transactionId: unknown, principal: Principal, guard?: Guard, decide: Decide = ignore): Workspace {
  return guarded(
    {
      principal,
      resolve: resolverOf(principal),
      require: requireIn(store),
      has: (collection) => store.hasCollection(collection),
      candidates: (collection) => transactions.view(transactionId, collection),
      get: (collection, id) => transactions.read(transactionId, collection, id),
      write: (ops) => ops.forEach((op) => transactions.write(transactionId, op)),
    },
    guard,
    decide,
  )
}
