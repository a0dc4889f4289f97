/**
 * The emulator's HTTP server: reads a bounded JSON body, routes it, answers in CloudBase's form, logs one
 * line per request, and never lets a bad request take it down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { EmulatorError, invalidParam } from '../errors'

/** Largest request body accepted; larger ones get HTTP 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** One endpoint. */
export interface Route {
  method: 'GET' | 'POST'
  /**
   * Takes the parsed body (`{}` for GET), the bearer token if any and the request (for its headers); returns
   * the success body, or a promise of it (cloud functions answer later).
   */
  handle(body: unknown, bearer: string | undefined, req: IncomingMessage): Record<string, unknown> | Promise<Record<string, unknown>>
  /** How failures look here; default: CloudBase's `{ code, message, requestId }`. */
  failure?(error: EmulatorError): { status: number; body: Record<string, unknown> }
}

/**
 * Paths under `prefix` answered by hand, not as JSON (storage uploads and downloads): the handler writes
 * the response itself and resolves the outcome to log. A rejection gets a 500 if nothing was sent yet.
 */
export interface RawRoute {
  prefix: string
  handle(req: IncomingMessage, res: ServerResponse): Promise<string>
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (declared > MAX_BODY_BYTES) return reject(new EmulatorError('INVALID_PARAM', `request body larger than ${MAX_BODY_BYTES} bytes`, 413))
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new EmulatorError('INVALID_PARAM', `request body larger than ${MAX_BODY_BYTES} bytes`, 413))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' })
  res.end(JSON.stringify(body))
}

/** Creates the server over `routes` (path → route); `log` receives one line per request. */
export function createEmulatorServer(routes: Record<string, Route>, log: (line: string) => void, raw: RawRoute[] = []): Server {
  return createServer((req, res) => {
    const started = process.hrtime.bigint()
    const requestId = randomBytes(8).toString('hex')
    const path = (req.url || '/').split('?')[0]!
    let action = '-'
    const logLine = (outcome: string) => log(`${req.method} ${path} ${action} ${outcome} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)}ms`)
    const finish = (status: number, body: Record<string, unknown>, outcome: string) => {
      send(res, status, body)
      logLine(outcome)
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
        'access-control-allow-methods': 'POST, GET, PUT, HEAD, OPTIONS',
      })
      return res.end()
    }
    const rawRoute = raw.find((r) => path.startsWith(r.prefix))
    if (rawRoute) {
      rawRoute
        .handle(req, res)
        .catch((error: unknown) => {
          log(`internal error: ${error instanceof Error ? error.stack : String(error)}`)
          if (!res.headersSent) send(res, 500, { code: 'SYS_ERR', message: 'internal emulator error', requestId })
          else res.destroy()
          return 'SYS_ERR'
        })
        .then(logLine)
      return
    }
    const route = Object.prototype.hasOwnProperty.call(routes, path) ? routes[path] : undefined
    if (!route || req.method !== route.method) {
      return finish(404, { code: 'INVALID_REQUEST_SOURCE', message: `no endpoint ${req.method} ${path}`, requestId }, '404')
    }
    const authorization = req.headers.authorization
    const bearer = authorization && /^Bearer /i.test(authorization) ? authorization.slice(7) : undefined
    ;(route.method === 'GET' ? Promise.resolve('') : readBody(req))
      .then((text) => {
        let body: unknown = {}
        try {
          if (text) body = JSON.parse(text)
        } catch {
          throw invalidParam('the request body is not valid JSON')
        }
        if (body && typeof body === 'object' && typeof (body as { action?: unknown }).action === 'string') {
          action = (body as { action: string }).action
        }
        return route.handle(body, bearer, req)
      })
      .then((answer) => finish(200, Object.assign({ requestId }, answer), 'ok'))
      .catch((error: unknown) => {
        if (error instanceof EmulatorError) {
          const failure = route.failure ? route.failure(error) : { status: error.status, body: { code: error.code, message: error.message } }
          finish(failure.status, Object.assign(failure.body, { requestId }), error.code)
        } else {
          // A bug in the emulator: report it, keep serving.
          log(`internal error: ${error instanceof Error ? error.stack : String(error)}`)
          finish(500, { code: 'SYS_ERR', message: 'internal emulator error', requestId }, 'SYS_ERR')
        }
      })
  })
}
