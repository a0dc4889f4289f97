/**
 * `/web`: the client classic dialect A (reference §1.1). Dispatches `action` to its handler and wraps
 * the result as CloudBase does: `{ requestId, data }`, or `{ code, message, requestId }`.
 */
import type { IncomingMessage } from 'node:http'
import { webAuthActions } from '../auth/actions'
import type { Tokens } from '../auth/tokens'
import * as database from '../database/actions'
import type { ActionContext } from '../database/actions'
import { TRANSACTION_ACTIONS } from '../database/transaction-actions'
import type { Transactions } from '../database/transactions'
import type { Store } from '../store/store'
import { EmulatorError, invalidParam } from '../errors'

type Handler = (ctx: ActionContext, body: Record<string, unknown>) => unknown

/** The signed-in actions this endpoint answers. */
export const WEB_ACTIONS: Record<string, Handler> = {
  'database.queryDocument': database.queryDocument,
  'database.countDocument': database.countDocument,
  'database.addDocument': database.addDocument,
  'database.updateDocument': database.updateDocument,
  'database.deleteDocument': database.deleteDocument,
  'database.aggregate': database.aggregate,
  'database.addCollection': database.addCollection,
  'database.createIndex': database.createIndex,
  'database.dropIndex': database.dropIndex,
}

/** Who sends a request to a service action: the signed-in user (none on `/admin`), and the emulator's URL as they reach it. */
export interface Caller {
  /** The user's openid on `/web`; undefined on `/admin`, where the server SDKs act as the administrator. */
  openid?: string
  /** `http://<host>` from the request's Host header: the base of the URLs handed back (uploads, downloads). */
  origin: string
}

/** An action of a service beside the database (functions, storage): returns the whole answer (`{ data }`). */
export type ServiceAction = (request: Record<string, unknown>, caller: Caller) => Record<string, unknown> | Promise<Record<string, unknown>>

/** `http://<host>` as the client addressed the emulator, or `fallback` without a Host header. */
export function requestOrigin(req: IncomingMessage | undefined, fallback: string): string {
  const host = req && req.headers.host
  return host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : fallback
}

/** What `/web` serves: one env's store and its tokens. */
export interface WebContext {
  env: string
  store: Store
  tokens: Tokens
  /** Shared with `/admin`: one set of open transactions per store. */
  transactions: Transactions
  /** The realtime endpoint, known once the server listens (`ws://127.0.0.1:<port>/ws`). */
  wsUrl: () => string
  /** Signed-in actions of the other services (`functions.*`, `storage.*`), by action name. */
  services?: Record<string, ServiceAction>
  /** The emulator's own URL (`http://127.0.0.1:<port>`), for requests without a Host header. */
  url?: () => string
}

/**
 * Answers one `/web` request body (already parsed JSON). Every action but sign-in needs a valid
 * `access_token`; its user is the caller (`_openid` of what it adds).
 */
export function createWebHandler(
  web: WebContext,
): (body: unknown, bearer?: string, req?: IncomingMessage) => Record<string, unknown> | Promise<Record<string, unknown>> {
  const auth = webAuthActions(web.tokens)
  return (body, _bearer, req) => handleWeb(web, auth, body, req)
}

function handleWeb(
  web: WebContext,
  auth: Record<string, (body: Record<string, unknown>) => unknown>,
  body: unknown,
  req: IncomingMessage | undefined,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidParam('the request body must be a JSON object')
  const request = body as Record<string, unknown>
  if (typeof request.action !== 'string') throw invalidParam('action is required')
  if (request.env !== undefined && request.env !== web.env) {
    throw new EmulatorError('INVALID_ENV', `this emulator serves env "${web.env}", not "${String(request.env)}"`)
  }
  const own = (table: object, key: string) => Object.prototype.hasOwnProperty.call(table, key)
  if (own(auth, request.action)) {
    return { data: auth[request.action]!(request) }
  }
  const handler = own(WEB_ACTIONS, request.action) ? WEB_ACTIONS[request.action] : undefined
  const transactional = own(TRANSACTION_ACTIONS, request.action) ? TRANSACTION_ACTIONS[request.action] : undefined
  const service = web.services && own(web.services, request.action) ? web.services[request.action] : undefined
  if (!handler && !transactional && !service && request.action !== 'auth.wsWebSign') {
    throw new EmulatorError('INVALID_ACTION', `unknown action ${request.action}`)
  }
  const { sub, scope } = web.tokens.verify(request.access_token, 'access')
  if (service) return service(request, { openid: sub, origin: requestOrigin(req, web.url ? web.url() : '') })
  if (request.action === 'auth.wsWebSign') {
    // The sign is a fresh access token of the caller: LOGIN on the socket proves the same identity.
    return { data: { signStr: web.tokens.issue(sub, 'access', scope), wsUrl: web.wsUrl(), secretVersion: 1, envId: web.env } }
  }
  const ctx = { store: web.store, openid: sub, transactions: web.transactions }
  // Transaction answers carry their fields at the top level (reference §5).
  return handler ? { data: handler(ctx, request) } : transactional!(ctx, request)
}
