/**
 * `/web`: the client classic dialect A (reference §1.1). Dispatches `action` to its handler and wraps
 * the result as CloudBase does: `{ requestId, data }`, or `{ code, message, requestId }`.
 */
import * as database from '../database/actions'
import type { ActionContext } from '../database/actions'
import { EmulatorError, invalidParam } from '../errors'

type Handler = (ctx: ActionContext, body: Record<string, unknown>) => unknown

/** Every action this endpoint answers. */
export const WEB_ACTIONS: Record<string, Handler> = {
  'database.queryDocument': database.queryDocument,
  'database.countDocument': database.countDocument,
  'database.addDocument': database.addDocument,
  'database.updateDocument': database.updateDocument,
  'database.deleteDocument': database.deleteDocument,
  'database.aggregate': database.aggregate,
  'database.addCollection': database.addCollection,
}

/** Answers one `/web` request body (already parsed JSON). */
export function handleWeb(ctx: ActionContext & { env: string }, body: unknown): { data: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidParam('the request body must be a JSON object')
  const request = body as Record<string, unknown>
  if (typeof request.action !== 'string') throw invalidParam('action is required')
  if (request.env !== undefined && request.env !== ctx.env) {
    throw new EmulatorError('INVALID_ENV', `this emulator serves env "${ctx.env}", not "${String(request.env)}"`)
  }
  const handler = Object.prototype.hasOwnProperty.call(WEB_ACTIONS, request.action) ? WEB_ACTIONS[request.action] : undefined
  if (!handler) throw new EmulatorError('INVALID_ACTION', `unknown action ${request.action}`)
  return { data: handler(ctx, request) }
}
