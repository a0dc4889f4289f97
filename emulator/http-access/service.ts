/**
 * CloudBase's HTTP access service (docs/http-access.md; reference cloudbase-backend.md §3b): routes such as
 * `{ "/api": "api" }` let any HTTP client call a cloud function by URL, on a port of its own (CloudBase serves
 * them on another domain than its APIs). Each request becomes the function's event as CloudBase builds it
 * (`event.ts`), and what the function returns becomes the response (`response.ts`).
 *
 * The function runs for a guest: a URL call carries no sign-in, and the functions' security rules do not
 * apply to HTTP access on CloudBase (§1.7). `getWXContext().SOURCE` is `http`: CloudBase documents `wx_http`
 * for WeChat's HTTP API (`invokecloudfunction`), a different entry point, and any other value for calls from
 * outside WeChat; `http` is what uniCloud's URL calls report. Every request is one event of the log (dialect
 * `http`, action `METHOD /path`, target the function), beside the function's own run and output.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EmulatorError } from '../errors'
import type { Dialect } from '../pipeline/events'
import { GUEST, type Principal } from '../pipeline/principal'
import type { Pipeline, Service, Trace } from '../pipeline/service'
import { bodyLimit, headersOf, httpAccessEvent } from './event'
import { BadIntegrationResponse, responseOf, type HttpAccessResponse } from './response'
import { matchRoute, parseRoutes, type Route } from './routes'

/** `getWXContext().SOURCE` of a function called over HTTP access. */
export const HTTP_ACCESS_SOURCE = 'http'

/** The largest response CloudBase sends back from a function (SCF's synchronous limit). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024

/**
 * How much of an oversized body is still read (and thrown away) so that the client, which is still sending,
 * gets the 413 instead of a reset connection; past this the connection is closed.
 */
const DRAIN_BYTES = 64 * 1024 * 1024

/** How a function is run: the functions service's `call`, handed in by `index.ts` (a service imports no other). */
export type Invoke = (name: string, event: unknown, origin: { principal: Principal; source?: string; dialect: Dialect; requestId?: string }) => Promise<string>

export interface HttpAccessOptions {
  env: string
  /** `{ "/api": "api" }`: a path prefix and the function that serves it and every path below it. */
  routes: Record<string, string>
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  host?: string
  invoke: Invoke
}

export interface HttpAccessService extends Service {
  /** Starts serving; resolves with the base URL (`http://127.0.0.1:9001`). */
  listen(): Promise<string>
  /** The routes served, longest prefix first. */
  readonly httpRoutes: readonly Route[]
}

/** The status HTTP access answers a failed call with, by the functions service's code, and the code it shows. */
function failureOf(error: unknown): unknown {
  if (error instanceof BadIntegrationResponse) return new EmulatorError('FUNCTION_EXECUTE_FAIL', error.message, 502)
  if (!(error instanceof EmulatorError)) return error
  switch (error.code) {
    case 'FUNCTIONS_EXECUTE_FAIL':
      return new EmulatorError('FUNCTION_EXECUTE_FAIL', error.message, 502)
    case 'FUNCTIONS_REQUEST_FAIL':
      // No such function: CloudBase's "the target resource for access does not exist in the environment". A
      // function that exists but cannot start (a wrong config.json) is the function's failure.
      return / not found: /.test(error.message) ? new EmulatorError('ENV_FEATURE_NOT_CONFIGURED', error.message, 404) : new EmulatorError('FUNCTION_EXECUTE_FAIL', error.message, 502)
    case 'EXCEED_CONCURRENT_REQUEST_LIMIT':
      return new EmulatorError(error.code, error.message, 429)
    default:
      return error.status === 200 ? new EmulatorError(error.code, error.message, 502) : error
  }
}

/** The body, up to `limit` bytes; a longer one fails with EXCEED_MAX_PAYLOAD_SIZE (413) once read off. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new EmulatorError(
        'EXCEED_MAX_PAYLOAD_SIZE',
        `the request body is larger than ${limit / 1024 >= 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`}, the most HTTP access takes for this content type (text 100 KB, binary 20 MB)`,
        413,
      )
    const chunks: Buffer[] = []
    let size = 0
    let over = Number(req.headers['content-length']) > limit
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) over = true
      if (!over) chunks.push(chunk)
      else if (size > limit + DRAIN_BYTES) {
        req.removeAllListeners('data')
        reject(Object.assign(tooLarge(), { close: true }))
      }
    })
    req.on('end', () => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}

/** The request target's path and query: origin-form (`/api?a=1`) or absolute-form (`http://host/api`). */
function targetOf(url: string): { pathname: string; search: string } | undefined {
  if (url.startsWith('/')) {
    const at = url.indexOf('?')
    return at < 0 ? { pathname: url, search: '' } : { pathname: url.slice(0, at), search: url.slice(at + 1) }
  }
  try {
    const parsed = new URL(url)
    return { pathname: parsed.pathname, search: parsed.search.slice(1) }
  } catch {
    return undefined
  }
}

function send(res: ServerResponse, response: HttpAccessResponse): void {
  if (res.headersSent || res.destroyed) return
  const bodiless = response.status === 204 || response.status === 304
  res.writeHead(response.status, bodiless ? response.headers : Object.assign({}, response.headers, { 'content-length': String(response.body.length) }))
  res.end(bodiless ? undefined : response.body)
}

function sendError(res: ServerResponse, error: EmulatorError, requestId: string, close = false): void {
  const body = Buffer.from(JSON.stringify({ code: error.code, message: error.message, requestId }), 'utf8')
  send(res, { status: error.status === 200 ? 500 : error.status, headers: close ? { 'content-type': 'application/json; charset=utf-8', connection: 'close' } : { 'content-type': 'application/json; charset=utf-8' }, body })
}

/** The HTTP access service: its own server, started by `listen()` once the pipeline exists. */
export function httpAccessService(options: HttpAccessOptions): HttpAccessService {
  const routes = parseRoutes(options.routes)
  const port = options.port === undefined ? 0 : options.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`the HTTP access port must be a whole number from 0 to 65535, got ${port}`)
  let pipeline: Pipeline | undefined
  let server: Server | undefined

  const handle = (req: IncomingMessage, res: ServerResponse, trace: Trace) => {
    const method = req.method || 'GET'
    const target = targetOf(req.url || '/')
    if (!target) throw new EmulatorError('INVALID_PATH', `the request target ${JSON.stringify((req.url || '').slice(0, 64))} is not a path`, 400)
    trace.action = `${method} ${target.pathname}`
    const matched = matchRoute(routes, target.pathname)
    if (!matched) {
      const served = routes.map((route) => `${route.prefix} → ${route.fn}`).join(', ')
      throw new EmulatorError('INVALID_PATH', `no HTTP access route serves ${target.pathname}${served ? `; the routes are ${served}` : ': no route is configured'}`, 404)
    }
    trace.target = matched.route.fn
    const headers = headersOf(req)
    return readBody(req, bodyLimit(headers['content-type']))
      .then((body) => {
        const event = httpAccessEvent({ path: matched.path, method, headers, search: target.search, body, requestId: trace.requestId, env: options.env })
        return options.invoke(matched.route.fn, event, { principal: GUEST, source: HTTP_ACCESS_SOURCE, dialect: 'http', requestId: trace.requestId })
      })
      .then((json) => {
        const response = responseOf(json)
        if (response.body.length > MAX_RESPONSE_BYTES) {
          throw new EmulatorError('FUNCTION_EXECUTE_FAIL', `function "${matched.route.fn}" answered ${response.body.length} bytes; HTTP access sends at most 6 MB`, 502)
        }
        send(res, response)
      })
  }

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const trace = pipeline!.begin('http', `${req.method || 'GET'} -`)
    const fail = (error: unknown) => {
      const failure = pipeline!.end(trace, failureOf(error))!
      // An error that came before the body was read (no route, a bad target): what is left of it is thrown away.
      req.resume()
      sendError(res, failure, trace.requestId, (error as { close?: boolean }).close === true)
    }
    try {
      handle(req, res, trace)!.then(() => void pipeline!.end(trace), fail)
    } catch (error) {
      fail(error)
    }
  }

  return {
    name: 'http-access',
    httpRoutes: routes,
    attach(_server, given) {
      pipeline = given
    },
    listen() {
      if (!pipeline) throw new Error('the HTTP access service listens once it is attached to the pipeline')
      const created = createServer(serve)
      server = created
      return new Promise((resolve, reject) => {
        created.once('error', reject)
        created.listen(port, options.host || '127.0.0.1', () => {
          created.off('error', reject)
          const { address, port: bound } = created.address() as AddressInfo
          const reachable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address
          resolve(`http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound}`)
        })
      })
    },
    stop() {
      const running = server
      server = undefined
      if (!running || !running.listening) return
      return new Promise<void>((resolve) => {
        running.close(() => resolve())
        running.closeAllConnections()
      })
    },
  }
}
