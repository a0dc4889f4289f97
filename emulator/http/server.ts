/**
 * The emulator's HTTP surface: reads a bounded JSON body, hands it to the pipeline in the envelope of its
 * dialect (`/web`, `/admin`, the `/auth/v1` paths), answers in that dialect's form, and never lets a bad
 * request take it down. Raw routes (storage bytes) answer for themselves; every request ends as one event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import busboy from 'busboy'
import { EmulatorError, invalidParam, shown } from '../errors'
import type { Dialect } from '../pipeline/events'
import type { Answer, Pipeline, RawRoute, Trace } from '../pipeline/service'

/** Largest request body accepted; larger ones get HTTP 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** How one JSON endpoint wraps the pipeline: where the action and the env are, how failures look. */
interface Envelope {
  dialect: Dialect
  method: 'GET' | 'POST'
  /** The action a body asks for. */
  action(body: Record<string, unknown>, path: string, method: string): string
  /** The env a body names, if any (checked against the one served). */
  env?(body: Record<string, unknown>): unknown
  /** Browsers may call it (CORS). `/admin` is for server SDKs only: no page may read or wipe the local database. */
  cors: boolean
  failure(error: EmulatorError): { status: number; body: Record<string, unknown> }
}

const cloudbaseFailure = (error: EmulatorError) => ({ status: error.status, body: { code: error.code, message: error.message } })

/** OAuth's error form for the v3 paths: `{ error, error_description }` with 400 or 401 (docs/protocol.md §9.1). */
function oauthFailure(error: EmulatorError): { status: number; body: Record<string, unknown> } {
  const unauthenticated = ['CHECK_LOGIN_FAILED', 'ACCESS_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  const grant = ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  return {
    status: unauthenticated ? 401 : 400,
    body: { error: unauthenticated ? 'unauthenticated' : grant ? 'invalid_grant' : 'invalid_argument', error_description: error.message },
  }
}

const actionField = (body: Record<string, unknown>) => {
  if (typeof body.action !== 'string') throw invalidParam('action is required')
  return body.action
}

function envelopeOf(path: string, method: string): Envelope | undefined {
  if (path === '/web') return { dialect: 'web', method: 'POST', action: actionField, env: (body) => body.env, cors: true, failure: cloudbaseFailure }
  if (path === '/admin') return { dialect: 'admin', method: 'POST', action: actionField, env: (body) => body.envName, cors: false, failure: cloudbaseFailure }
  if (path.startsWith('/auth/')) {
    return { dialect: 'oauth', method: method === 'GET' ? 'GET' : 'POST', action: (_body, p, m) => `${m} ${p}`, cors: true, failure: oauthFailure }
  }
  return undefined
}

const CORS = { 'access-control-allow-origin': '*' }

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new EmulatorError('INVALID_PARAM', `request body larger than ${MAX_BODY_BYTES} bytes`, 413)
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return reject(tooLarge())
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(tooLarge())
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * A multipart body's text fields (node-sdk posts `wx.openApi` and its kin as multipart/form-data, with a
 * protobuf part). Bounded like JSON bodies; file parts are read off and left out.
 */
function readForm(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: req.headers, limits: { fields: 64, fieldSize: 64 * 1024, files: 8, fileSize: MAX_BODY_BYTES, parts: 72 } })
    } catch (error) {
      return reject(invalidParam(`the multipart body could not be read: ${error instanceof Error ? error.message : String(error)}`))
    }
    const fields: Record<string, unknown> = {}
    parser.on('field', (name, value) => {
      if (name !== '__proto__') fields[name] = value
    })
    parser.on('file', (_name, stream) => stream.resume())
    parser.on('error', (error: Error) => reject(invalidParam(`the multipart body could not be read: ${error.message}`)))
    parser.on('close', () => resolve(fields))
    req.pipe(parser)
  })
}

function parseBody(text: string): Record<string, unknown> {
  let body: unknown = {}
  try {
    if (text) body = JSON.parse(text)
  } catch {
    throw invalidParam('the request body is not valid JSON')
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalidParam('the request body must be a JSON object')
  return body as Record<string, unknown>
}

function send(res: ServerResponse, status: number, body: unknown, cors: boolean): void {
  res.writeHead(status, Object.assign({ 'content-type': 'application/json; charset=utf-8' }, cors ? CORS : {}))
  res.end(JSON.stringify(body))
}

/** `http://<host>` as the client addressed the emulator, or `fallback` without a usable Host header. */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host
  return host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : fallback
}

/** Creates the server over the pipeline and the services' raw routes; `url()` is the emulator's own URL once it listens. */
export function createEmulatorServer(pipeline: Pipeline, raw: RawRoute[], url: () => string): Server {
  const answerJSON = (req: IncomingMessage, res: ServerResponse, path: string, envelope: Envelope, trace: Trace) => {
    const method = req.method || 'GET'
    const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] || '')
    const read = envelope.method === 'GET' ? Promise.resolve({}) : multipart ? readForm(req) : readBody(req).then(parseBody)
    read
      .then((body) => {
        const action = envelope.action(body, path, method)
        trace.action = action
        const env = envelope.env ? envelope.env(body) : undefined
        if (env !== undefined && env !== pipeline.env) {
          throw new EmulatorError('INVALID_ENV', `this emulator serves env "${pipeline.env}", not ${shown(env)}`)
        }
        return pipeline.dispatch(trace, { dialect: envelope.dialect, action, body, headers: req.headers, method, url: req.url || path, origin: requestOrigin(req, url()) })
      })
      .then(
        (answer: Answer) => {
          send(res, 200, Object.assign({ requestId: trace.requestId }, answer), envelope.cors)
          pipeline.end(trace)
        },
        (error: unknown) => {
          const failure = envelope.failure(pipeline.end(trace, error)!)
          send(res, failure.status, Object.assign(failure.body, { requestId: trace.requestId }), envelope.cors)
        },
      )
  }

  const answerRaw = (req: IncomingMessage, res: ServerResponse, route: RawRoute, trace: Trace) => {
    route
      .handle(req, res, trace)
      .then(
        (outcome) => {
          const [status = '', code = 'error'] = outcome.split(' ')
          pipeline.end(trace, Number(status) >= 400 ? new EmulatorError(code, outcome, Number(status)) : undefined)
        },
        (error: unknown) => {
          pipeline.end(trace, error)
          if (!res.headersSent) send(res, 500, { code: 'SYS_ERR', message: 'internal emulator error', requestId: trace.requestId }, true)
          else res.destroy()
        },
      )
  }

  return createServer((req, res) => {
    const method = req.method || 'GET'
    const path = (req.url || '/').split('?')[0]!
    const envelope = envelopeOf(path, method)
    if (method === 'OPTIONS') {
      // A preflight: granted to everything browsers may call, never to `/admin`.
      res.writeHead(204, envelope && !envelope.cors ? {} : Object.assign({ 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, GET, PUT, HEAD, OPTIONS', 'access-control-max-age': '600' }, CORS))
      return res.end()
    }
    const route = raw.find((r) => path.startsWith(r.prefix))
    if (route) return answerRaw(req, res, route, pipeline.begin(route.dialect, `${method} ${route.prefix}`))
    if (envelope && envelope.method === method) return answerJSON(req, res, path, envelope, pipeline.begin(envelope.dialect))
    const trace = pipeline.begin('http', `${method} ${path}`)
    const failure = pipeline.end(trace, new EmulatorError('INVALID_REQUEST_SOURCE', `no endpoint ${method} ${path}`, 404))!
    send(res, 404, { code: failure.code, message: failure.message, requestId: trace.requestId }, true)
  })
}
