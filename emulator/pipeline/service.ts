/**
 * What a service (auth, database, realtime, storage, functions, ...) gives the emulator: its actions per
 * dialect, the authenticators of the dialects it owns, raw HTTP routes, a hook onto the HTTP server and
 * a way to stop. `emulator/index.ts` is a list of services; adding one touches no other.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http'
import type { EmulatorError } from '../errors'
import type { Dialect, EventLog } from './events'
import type { RuleDecision } from './rule-checks'
import type { Principal } from './principal'

/** A request as a transport hands it over, before anyone knows who sent it. */
export interface Incoming<Channel = unknown> {
  dialect: Dialect
  action: string
  /** The parsed body (a socket frame for `ws`). */
  body: Record<string, unknown>
  /** HTTP headers (none for a socket frame). */
  headers: IncomingHttpHeaders
  method: string
  /** Path and query as received. */
  url: string
  /** `http://<host>` as the client addressed the emulator: the base of URLs handed back. */
  origin: string
  /** The transport's own handle (the realtime connection of a frame). */
  channel?: Channel
}

/** What a handler is given: the request and who sent it. */
export interface Request<Channel = unknown> extends Incoming<Channel> {
  requestId: string
  principal: Principal
  /** Records a security-rule decision in the request's event. */
  decide(decision: RuleDecision): void
}

/** One request on its way through the pipeline; `end` turns it into an event. */
export interface Trace {
  readonly requestId: string
  readonly dialect: Dialect
  action: string
  principal: Principal
  target?: string
  /** Not logged (heartbeats). */
  quiet?: boolean
  /** The security-rule decisions met so far. */
  readonly decisions: RuleDecision[]
  readonly started: bigint
}

export interface Pipeline {
  readonly env: string
  readonly events: EventLog
  begin(dialect: Dialect, action?: string): Trace
  /** Looks the action up, resolves the principal, authorizes, runs the handler. Fills `trace` as it goes. */
  dispatch(trace: Trace, incoming: Incoming): Promise<Answer>
  /**
   * Ends a request: one event, ok or failed. Returns the error to answer with: `error` itself when it is an
   * EmulatorError, otherwise (a bug in the emulator) a SYS_ERR whose details go to the log, not the client.
   */
  end(trace: Trace, error?: unknown): EmulatorError | undefined
  /** The principal `incoming` proves to be, by its dialect's authenticator (LOGIN on a socket uses the `web` one). */
  principalOf(dialect: Dialect, incoming: Incoming): Principal
  /** A line the emulator itself reports (a failing listener, a worker that would not end). */
  notice(message: string, code?: string): void
}


/** A handler's answer: the response body's fields (the transport adds `requestId`). */
export type Answer = Record<string, unknown>

export interface Action<Channel = any> {
  /**
   * Who may call it. `anyone`: sign-in and the like (no credentials read); `principal`: whoever the
   * dialect's authenticator accepts (a user, a guest where the env allows it, the administrator on
   * `/admin`); `admin`: the administrator only.
   */
  access: 'anyone' | 'principal' | 'admin'
  handle(request: Request<Channel>): Answer | Promise<Answer>
  /** What the request is about, for the log: a collection, a function, a path. */
  target?(body: Record<string, unknown>): string | undefined
  /** Not logged when it succeeds (heartbeats). */
  quiet?: boolean
}

/** Resolves who sent a request of one dialect; throws a CloudBase error when the credentials do not hold. */
export type Authenticator = (incoming: Incoming) => Principal

/** The rules hook: throws to refuse `action` to `principal`. */
export type Authorize = (principal: Principal, action: string, request: Request) => void

/**
 * Paths under `prefix` answered by hand, not as JSON (storage uploads and downloads): the handler writes
 * the response itself and resolves a short outcome, `<status> <detail>`, for the log.
 */
export interface RawRoute {
  prefix: string
  /** The dialect its events are logged under. */
  dialect: Dialect
  handle(req: IncomingMessage, res: ServerResponse, trace: Trace): Promise<string>
}

export interface Service {
  name: string
  actions?: Partial<Record<Dialect, Record<string, Action>>>
  authenticators?: Partial<Record<Dialect, Authenticator>>
  routes?: RawRoute[]
  /** Called once the pipeline exists and before the server listens (the realtime socket attaches here). */
  attach?(server: Server, pipeline: Pipeline): void
  stop?(): void | Promise<void>
}
