/**
 * The gateway service: dialect B, what @cloudbase/js-sdk 3.x speaks unless told `endPointMode: 'CLOUD_API'`
 * (docs/protocol.md §1.3): REST paths under `/v1` with `Authorization: Bearer <access_token>`. It owns no
 * data: each path translates into the client dialect's actions (the very handlers `/web` dispatches to),
 * run for the caller the bearer names, after the pipeline's authorize hook, so rules, ownership, limits
 * and the log's decisions are the same as on `/web`.
 */
import { EmulatorError } from '../errors'
import { GUEST } from '../pipeline/principal'
import type { Action, Authenticator, Authorize, Request, Service } from '../pipeline/service'
import type { Call, GatewayBody } from './route'
import { GATEWAY_ROUTES } from './routes'

export interface GatewayOptions {
  /** The client dialect's actions by name: what `/web` serves. */
  client: Record<string, Action>
  /** The pipeline's authorize hook, run for every client action a path calls, as the pipeline runs it for `/web`. */
  authorize?: Authorize
  /** Who an `Authorization: Bearer` header names (the v3 auth paths' authenticator). */
  bearer: Authenticator
  /** CloudBase's "allow unauthenticated access": a request without a bearer acts as a guest instead of failing. */
  allowUnauthenticated: boolean
}

export function gatewayService(options: GatewayOptions): Service {
  const { client, authorize = () => {}, bearer, allowUnauthenticated } = options
  /** The client actions, called as `request`'s caller: the same checks the pipeline makes before a `/web` handler. */
  const callFor =
    (request: Request): Call =>
    async (name, body) => {
      const action = client[name]
      if (!action) throw new Error(`the gateway calls ${name}, which no service serves`)
      if (action.access === 'admin' && request.principal.kind !== 'admin') throw new EmulatorError('PERMISSION_DENIED', `${name} is for the administrator only`)
      const inner: Request = Object.assign({}, request, { action: name, body })
      authorize(request.principal, name, inner)
      return action.handle(inner)
    }
  const actions: Record<string, Action> = {}
  for (const [pattern, route] of Object.entries(GATEWAY_ROUTES)) {
    const { target } = route
    actions[pattern] = {
      access: 'principal',
      ...(target ? { target: (body: Record<string, unknown>) => target(body as unknown as GatewayBody) } : {}),
      handle: async (request) => ({ json: await route.run(request.body as unknown as GatewayBody, callFor(request)) }),
    }
  }
  const authenticate: Authenticator = (incoming) => (incoming.headers.authorization === undefined && allowUnauthenticated ? GUEST : bearer(incoming))
  return { name: 'gateway', actions: { gateway: actions }, authenticators: { gateway: authenticate } }
}
