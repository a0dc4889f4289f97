/**
 * The emulator's HTTP surface: reads a bounded JSON body, hands it to the pipeline in the envelope of its
 * dialect (`/web`, `/admin`, the `/auth/v1` paths, the gateway's `/v1` REST paths), answers in that
 * dialect's form, and never lets a bad request take it down. Raw routes (storage bytes) answer for
 * themselves; every request ends as one event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import busboy from 'busboy'
import { EmulatorError, invalidParam, shown } from '../errors'
import type { Dialect } from '../pipeline/events'
import { bytesOf } from '../pipeline/binary-answer'
import type { Answer, Pipeline, RawRoute, Trace } from '../pipeline/service'
import { pathPatterns, type PatternMatch } from './path-patterns'

/** Largest request body accepted; larger ones get HTTP 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/** What a request asks the pipeline for: an action of the envelope's dialect, and the body handed to it. */
interface Asked {
  action: string
  body: Record<string, unknown>
}

/** How one JSON endpoint wraps the pipeline: where the action and the env are, how answers and failures look. */
interface Envelope {
  dialect: Dialect
  /** The methods it answers; any other is an unknown endpoint. */
  methods: readonly string[]
  /** Reads the request into the action it asks for and the body the pipeline is handed. */
  read(req: IncomingMessage, path: string, method: string): Promise<Asked>
  /** The env a body names, if any (checked against the one served). */
  env?(body: Record<string, unknown>): unknown
  /** Browsers may call it (CORS). `/admin` is for server SDKs only: no page may read or wipe the local database. */
  cors: boolean
  /** The JSON text of a success. */
  success(answer: Answer, requestId: string): string
  failure(error: EmulatorError): { status: number; body: Record<string, unknown> }
}

const cloudbaseFailure = (error: EmulatorError) => ({ status: error.status, body: { code: error.code, message: error.message } })

/** The CloudBase dialects' success: the answer's fields after the `requestId`. */
const cloudbaseSuccess = (answer: Answer, requestId: string) => JSON.stringify(Object.assign({ requestId }, answer))

/** OAuth's error form for the v3 paths: `{ error, error_description }` with 400 or 401 (docs/protocol.md §9.1). */
function oauthFailure(error: EmulatorError): { status: number; body: Record<string, unknown> } {
  const unauthenticated = ['CHECK_LOGIN_FAILED', 'ACCESS_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  const grant = ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  return {
    status: unauthenticated ? 401 : 400,
    body: { error: unauthenticated ? 'unauthenticated' : grant ? 'invalid_grant' : 'invalid_argument', error_description: error.message },
  }
}

/** The HTTP status of a gateway failure, by the class of its code (the emulator's choice: docs/protocol.md §15). */
const GATEWAY_STATUS: Record<string, number> = {
  CHECK_LOGIN_FAILED: 401,
  ACCESS_TOKEN_EXPIRED: 401,
  PERMISSION_DENIED: 403,
  DATABASE_PERMISSION_DENIED: 403,
  STORAGE_EXCEED_AUTHORITY: 403,
  INVALID_ACTION: 404,
  DATABASE_COLLECTION_NOT_EXIST: 404,
  STORAGE_FILE_NONEXIST: 404,
  DATABASE_COLLECTION_ALREADY_EXIST: 409,
  DATABASE_TRANSACTION_CONFLICT: 409,
  EXCEED_REQUEST_LIMIT: 429,
  EXCEED_CONCURRENT_REQUEST_LIMIT: 429,
  // The function behind the gateway failed, not the gateway: the emulator's own failures alone are 500.
  FUNCTIONS_EXECUTE_FAIL: 502,
  SYS_ERR: 500,
}

/**
 * The gateway's error form: `{ code, message, requestId }`, as the other CloudBase dialects, but with an
 * HTTP status that says it failed: js-sdk refreshes its token and retries only when the fetch itself
 * fails with ACCESS_TOKEN_EXPIRED, which a browser's fetch adapter does for a status that is not 2xx.
 */
function gatewayFailure(error: EmulatorError): { status: number; body: Record<string, unknown> } {
  const status = error.status !== 200 ? error.status : GATEWAY_STATUS[error.code] || 400
  return { status, body: { code: error.code, message: error.message } }
}

const actionField = (body: Record<string, unknown>) => {
  if (typeof body.action !== 'string') throw invalidParam('action is required')
  return body.action
}

const isMultipart = (req: IncomingMessage) => /^multipart\/form-data/i.test(req.headers['content-type'] || '')

/** A JSON object body (a form for multipart requests; none for GET), and the action it asks for. */
const objectBody =
  (action: (body: Record<string, unknown>, path: string, method: string) => string) =>
  (req: IncomingMessage, path: string, method: string): Promise<Asked> =>
    (method === 'GET' ? Promise.resolve({}) : isMultipart(req) ? readForm(req) : readBody(req).then(parseBody)).then((body) => ({ action: action(body, path, method), body }))

const WEB: Envelope = { dialect: 'web', methods: ['POST'], read: objectBody(actionField), env: (body) => body.env, cors: true, success: cloudbaseSuccess, failure: cloudbaseFailure }
const ADMIN: Envelope = { dialect: 'admin', methods: ['POST'], read: objectBody(actionField), env: (body) => body.envName, cors: false, success: cloudbaseSuccess, failure: cloudbaseFailure }
const OAUTH: Envelope = { dialect: 'oauth', methods: ['GET', 'POST'], read: objectBody((_body, p, m) => `${m} ${p}`), cors: true, success: cloudbaseSuccess, failure: oauthFailure }

/**
 * The gateway dialect B (docs/protocol.md §1.3): REST paths under `/v1`, resolved to the pattern of a
 * registered action. The pipeline is handed `{ params, search, json, text }`: the pattern's path
 * parameters, the query string's parameters, the body parsed as JSON (`undefined` when empty) and as sent.
 */
function gatewayEnvelope(match: (method: string, path: string) => PatternMatch | undefined): Envelope {
  const read = (req: IncomingMessage, path: string, method: string): Promise<Asked> => {
    const found = match(method, path)
    if (!found) {
      const shownPath = path.length > 200 ? `${path.slice(0, 200)}…` : path
      throw new EmulatorError('INVALID_ACTION', `the gateway has no route ${method} ${shownPath}: the emulator serves the database, function and storage paths of docs/protocol.md §2.4, §7.3 and §8`, 404)
    }
    const search = searchParams(req.url || '')
    return (method === 'GET' || method === 'HEAD' ? Promise.resolve('') : readBody(req)).then((text) => ({
      action: found.action,
      body: { params: found.params, search, json: parseJSON(text), text },
    }))
  }
  return {
    dialect: 'gateway',
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    read: (req, path, method) => Promise.resolve().then(() => read(req, path, method)),
    cors: true,
    success: (answer) => answer.json as string,
    failure: gatewayFailure,
  }
}

/** The query string's parameters, each given once. */
function searchParams(url: string): Record<string, string> {
  const query = url.indexOf('?') < 0 ? '' : url.slice(url.indexOf('?') + 1)
  const params: Record<string, string> = Object.create(null)
  for (const [key, value] of new URLSearchParams(query)) {
    if (key in params) throw invalidParam(`the query parameter ${shown(key)} is given twice`)
    params[key] = value
  }
  return params
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
 * A multipart body: text fields as strings, file parts as Buffers (node-sdk posts `wx.openApi` and its kin as
 * multipart/form-data, the protobuf `requestData` as an `application/octet-stream` part). Bounded like JSON
 * bodies: the file parts together hold at most MAX_BODY_BYTES, or the request is refused with 413.
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
    const tooLarge = () => new EmulatorError('INVALID_PARAM', `request body larger than ${MAX_BODY_BYTES} bytes`, 413)
    let size = 0
    let failed = false
    const fail = (error: EmulatorError) => {
      if (failed) return
      failed = true
      reject(error)
      req.unpipe(parser)
      req.resume()
    }
    parser.on('field', (name, value) => {
      if (name !== '__proto__') fields[name] = value
    })
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY_BYTES) fail(tooLarge())
        else if (!failed) chunks.push(chunk)
      })
      stream.on('limit', () => fail(tooLarge()))
      stream.on('end', () => {
        if (name !== '__proto__' && !failed) fields[name] = Buffer.concat(chunks)
      })
    })
    parser.on('error', (error: Error) => fail(invalidParam(`the multipart body could not be read: ${error.message}`)))
    parser.on('close', () => failed || resolve(fields))
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

/** A body of any JSON value; `undefined` when there is none. */
function parseJSON(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw invalidParam('the request body is not valid JSON')
  }
}

function sendText(res: ServerResponse, status: number, text: string, cors: boolean): void {
  res.writeHead(status, Object.assign({ 'content-type': 'application/json; charset=utf-8' }, cors ? CORS : {}))
  res.end(text)
}

function send(res: ServerResponse, status: number, body: unknown, cors: boolean): void {
  sendText(res, status, JSON.stringify(body), cors)
}

/** `http://<host>` as the client addressed the emulator, or `fallback` without a usable Host header. */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host
  return host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : fallback
}

/**
 * Creates the server over the pipeline and the services' raw routes; `url()` is the emulator's own URL once
 * it listens, `gatewayRoutes` the gateway dialect's action names (`METHOD /v1/path/:param`).
 */
export function createEmulatorServer(pipeline: Pipeline, raw: RawRoute[], url: () => string, gatewayRoutes: readonly string[] = []): Server {
  const gateway = gatewayEnvelope(pathPatterns(gatewayRoutes))
  const envelopeOf = (path: string): Envelope | undefined =>
    path === '/web' ? WEB : path === '/admin' ? ADMIN : path.startsWith('/auth/') ? OAUTH : path.startsWith('/v1/') ? gateway : undefined

  const answerJSON = (req: IncomingMessage, res: ServerResponse, path: string, envelope: Envelope, trace: Trace) => {
    const method = req.method || 'GET'
    envelope
      .read(req, path, method)
      .then(({ action, body }) => {
        trace.action = action
        const env = envelope.env ? envelope.env(body) : undefined
        if (env !== undefined && env !== pipeline.env) {
          throw new EmulatorError('INVALID_ENV', `this emulator serves env "${pipeline.env}", not ${shown(env)}`)
        }
        return pipeline.dispatch(trace, { dialect: envelope.dialect, action, body, headers: req.headers, method, url: req.url || path, origin: requestOrigin(req, url()) })
      })
      .then(
        (answer: Answer) => {
          const bytes = bytesOf(answer)
          if (bytes) {
            res.writeHead(200, Object.assign({ 'content-type': 'application/octet-stream', 'content-length': bytes.length }, envelope.cors ? CORS : {}))
            res.end(bytes)
          } else sendText(res, 200, envelope.success(answer, trace.requestId), envelope.cors)
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
    const envelope = envelopeOf(path)
    if (method === 'OPTIONS') {
      // A preflight: granted to everything browsers may call, never to `/admin`. `*` does not cover
      // Authorization (Fetch standard), which the v3 and gateway paths carry: it is named.
      res.writeHead(204, envelope && !envelope.cors ? {} : Object.assign({ 'access-control-allow-headers': 'authorization, *', 'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', 'access-control-max-age': '600' }, CORS))
      return res.end()
    }
    const route = raw.find((r) => path.startsWith(r.prefix))
    if (route) return answerRaw(req, res, route, pipeline.begin(route.dialect, `${method} ${route.prefix}`))
    // The v3 and gateway paths name their action by the path: their events have one even when the body cannot be read.
    if (envelope && envelope.methods.indexOf(method) >= 0) return answerJSON(req, res, path, envelope, pipeline.begin(envelope.dialect, envelope === WEB || envelope === ADMIN ? undefined : `${method} ${path}`))
    const trace = pipeline.begin('http', `${method} ${path}`)
    const failure = pipeline.end(trace, new EmulatorError('INVALID_REQUEST_SOURCE', `no endpoint ${method} ${path}`, 404))!
    send(res, 404, { code: failure.code, message: failure.message, requestId: trace.requestId }, true)
  })
}
