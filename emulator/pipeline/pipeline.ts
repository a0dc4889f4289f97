/**
 * The one request pipeline. Services register their actions per dialect in one table; every request is
 * looked up once, its principal resolved once (by the dialect's authenticator), then one `authorize` hook
 * runs before the handler, and the request ends as one event in the log.
 *
 *   transport (http/server.ts, the realtime socket) → begin → dispatch: look up → principal → authorize
 *   → handler → end: one event
 */
import { randomBytes } from 'node:crypto'
import { EmulatorError } from '../errors'
import type { Dialect, EventLog } from './events'
import type { RuleDecision } from './rule-checks'
import { EMULATOR, GUEST, type Principal } from './principal'
import type { Action, Authenticator, Authorize, Incoming, Pipeline, Request, Service, Trace } from './service'

export interface PipelineOptions {
  env: string
  services: Service[]
  events: EventLog
  /** The rules hook: throws to refuse. Runs for every request, after its principal is known. */
  authorize?: Authorize
}

const key = (dialect: Dialect, action: string) => `${dialect} ${action}`

export function createPipeline(options: PipelineOptions): Pipeline {
  const { env, events } = options
  const authorize: Authorize = options.authorize || (() => {})
  const actions = new Map<string, Action>()
  const authenticators = new Map<Dialect, Authenticator>()
  for (const service of options.services) {
    for (const [dialect, table] of Object.entries(service.actions || {}) as [Dialect, Record<string, Action>][]) {
      for (const [name, action] of Object.entries(table)) {
        if (actions.has(key(dialect, name))) throw new Error(`service ${service.name}: ${dialect} action ${name} is registered twice`)
        actions.set(key(dialect, name), action)
      }
    }
    for (const [dialect, authenticator] of Object.entries(service.authenticators || {}) as [Dialect, Authenticator][]) {
      if (authenticators.has(dialect)) throw new Error(`service ${service.name}: the ${dialect} authenticator is registered twice`)
      authenticators.set(dialect, authenticator)
    }
  }

  const principalOf = (dialect: Dialect, incoming: Incoming): Principal => {
    const authenticator = authenticators.get(dialect)
    if (!authenticator) throw new EmulatorError('INVALID_REQUEST_SOURCE', `nobody can sign in on ${dialect}`)
    return authenticator(incoming)
  }

  const emit = (trace: Trace, error: EmulatorError | undefined, message?: string) =>
    events.emit({
      time: new Date().toISOString(),
      kind: 'request',
      requestId: trace.requestId,
      dialect: trace.dialect,
      action: trace.action,
      principal: trace.principal,
      ...(trace.target !== undefined ? { target: trace.target } : {}),
      outcome: error ? 'error' : 'ok',
      ...(error ? { code: error.code } : {}),
      ms: Number(process.hrtime.bigint() - trace.started) / 1e6,
      ...(message !== undefined ? { message } : {}),
      ...(trace.decisions.length ? { rules: trace.decisions } : {}),
    })

  return {
    env,
    events,
    principalOf,
    begin: (dialect, action = '-') => ({ requestId: randomBytes(8).toString('hex'), dialect, action, principal: GUEST, decisions: [], started: process.hrtime.bigint() }),

    async dispatch(trace, incoming) {
      trace.action = incoming.action
      const action = actions.get(key(incoming.dialect, incoming.action))
      if (!action) throw new EmulatorError('INVALID_ACTION', `unknown action ${incoming.action}`)
      if (action.quiet) trace.quiet = true
      const target = action.target ? action.target(incoming.body) : undefined
      if (target !== undefined) trace.target = target
      const principal = action.access === 'anyone' ? GUEST : principalOf(incoming.dialect, incoming)
      trace.principal = principal
      if (action.access === 'admin' && principal.kind !== 'admin') {
        throw new EmulatorError('PERMISSION_DENIED', `${incoming.action} is for the administrator only (the server SDKs, the console)`)
      }
      const request: Request = Object.assign({}, incoming, { requestId: trace.requestId, principal, decide: (decision: RuleDecision) => void trace.decisions.push(decision) })
      authorize(principal, incoming.action, request)
      return action.handle(request)
    },

    end(trace, error) {
      if (error === undefined) {
        if (!trace.quiet) emit(trace, undefined)
        return undefined
      }
      if (error instanceof EmulatorError) {
        emit(trace, error, error.message)
        return error
      }
      // A bug in the emulator: the details are for the log; the client learns only that it failed.
      const internal = new EmulatorError('SYS_ERR', 'internal emulator error')
      emit(trace, internal, error instanceof Error ? error.stack || error.message : String(error))
      return internal
    },

    notice(message, code) {
      events.emit({
        time: new Date().toISOString(),
        kind: 'notice',
        requestId: '-',
        dialect: 'http',
        action: 'emulator',
        principal: EMULATOR,
        outcome: code ? 'error' : 'ok',
        ...(code ? { code } : {}),
        ms: 0,
        message,
      })
    },
  }
}
