/**
 * Real I/O under the host fakes (`wx`, `my`, `uni`, `Taro`): HTTP through Node's `fetch`, WebSockets
 * through `ws`, files through `node:fs`, storage in a Map. Host-neutral: each fake maps its own names,
 * callback conventions and error shapes onto this, so every fake talks to the same real network.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { WebSocket } from 'ws'

export interface HttpRequest {
  url: string
  method: string
  headers: Record<string, string>
  body?: string | Uint8Array | ArrayBuffer | FormData
  /** Milliseconds; 0 for none. */
  timeout: number
}

/** Status line and headers; header names are lower case (Node's fetch does not keep the server's case). */
export interface HttpHead {
  status: number
  headers: Record<string, string>
  cookies: string[]
}

export interface HttpResponse extends HttpHead {
  body: Uint8Array
}

/** Why a request produced no response. */
export class HttpError extends Error {
  constructor(
    readonly kind: 'abort' | 'timeout' | 'network',
    message: string,
  ) {
    super(message)
  }
}

export interface HttpCall {
  /** Settles once the headers are in (rejects like `response`). */
  head: Promise<HttpHead>
  response: Promise<HttpResponse>
  abort(): void
}

/** Why a local file could not be read or written (no request was made, or its answer was not saved). */
export class LocalFileError extends Error {}

/** A multipart form POST of one local file, as every host's `uploadFile` sends it. */
export interface UploadRequest {
  url: string
  /** A path on this machine (the fakes' temp paths are real absolute paths). */
  filePath: string
  /** The form field of the file. */
  name: string
  /** Other form fields, sent before the file; values are sent as strings. */
  formData?: Record<string, unknown> | undefined
  /** A `content-type` here is dropped: the multipart type and its boundary are the host's to set. */
  headers: Record<string, string>
  /** Milliseconds; 0 for none. */
  timeout: number
}

export interface UploadCall {
  /** Settles once the headers are in (rejects like `response`). */
  head: Promise<HttpHead>
  /** The answer and the size of the file sent; rejects with a `LocalFileError` when the file cannot be read,
   * an `HttpError('abort')` when aborted before or during the request, else as `HttpCall.response`. */
  response: Promise<HttpResponse & { sent: number }>
  abort(): void
}

/** A GET whose body is saved to `filePath`, or else to a new file in the host's temp directory. */
export interface DownloadRequest {
  url: string
  headers: Record<string, string>
  /** Milliseconds; 0 for none. */
  timeout: number
  filePath?: string | undefined
}

export interface DownloadCall {
  head: Promise<HttpHead>
  /** The answer with where its body was written, whatever the status (the hosts decide what a status means);
   * rejects with a `LocalFileError` when `filePath` cannot be written, else as `HttpCall.response`. */
  response: Promise<HttpResponse & { path: string }>
  abort(): void
}

export interface SocketEvents {
  open(headers: Record<string, string>): void
  message(data: string | ArrayBuffer): void
  error(message: string): void
  close(code: number, reason: string): void
}

export interface HostSocket {
  readonly state: 'connecting' | 'open' | 'closing' | 'closed'
  /** `done(error?)` runs once the frame is written, or with the reason it was not. */
  send(data: string | ArrayBuffer | Uint8Array, done: (error?: string) => void): void
  /** Returns why the close was refused (bad code or reason), else undefined. */
  close(code?: number, reason?: string): string | undefined
}

/** One host's network and disk: counts what it does and can cut its sockets. */
export interface Io {
  http(request: HttpRequest): HttpCall
  connect(url: string, options: { headers?: Record<string, string>; protocols?: string[] }, events: SocketEvents): HostSocket
  /** Reads the file, then POSTs it as `multipart/form-data` (one request, counted once the file is read). */
  upload(request: UploadRequest): UploadCall
  /** GETs the URL and saves the body (the temp file is named `tmp_<n>` plus the URL path's extension). */
  download(request: DownloadRequest): DownloadCall
  /** Writes bytes to a new file in this host's temp directory and returns its absolute path. */
  writeTempFile(bytes: Uint8Array, extension?: string): string
  /** Requests started so far. */
  readonly requests: number
  /** Sockets connecting or open now. */
  readonly sockets: number
  /** Drops every socket without a closing handshake, as a lost network does (clients see code 1006). */
  closeAllSockets(): void
  /** Drops the sockets and deletes the temp directory. */
  dispose(): void
}

export function createIo(): Io {
  let requests = 0
  const sockets = new Set<WebSocket>()
  let tempDir: string | undefined
  let tempCount = 0
  const io: Io = {
    http(request) {
      requests++
      return startHttp(request)
    },
    connect(url, options, events) {
      return openSocket(url, options, events, sockets)
    },
    upload(request) {
      return startUpload(io, request)
    },
    download(request) {
      const call = io.http({ url: request.url, method: 'GET', headers: request.headers, timeout: request.timeout })
      const response = call.response.then(async (answer) => {
        if (!request.filePath) return { ...answer, path: io.writeTempFile(answer.body, extname(new URL(request.url).pathname)) }
        try {
          await writeFile(request.filePath, answer.body)
        } catch (error) {
          throw new LocalFileError((error as Error).message)
        }
        return { ...answer, path: request.filePath }
      })
      return { head: call.head, response, abort: call.abort }
    },
    writeTempFile(bytes, extension = '') {
      tempDir ??= mkdtempSync(join(tmpdir(), 'mpcloud-fake-'))
      const path = join(tempDir, `tmp_${++tempCount}${extension}`)
      writeFileSync(path, bytes)
      return path
    },
    get requests() {
      return requests
    },
    get sockets() {
      return sockets.size
    },
    closeAllSockets() {
      for (const socket of [...sockets]) socket.terminate()
    },
    dispose() {
      io.closeAllSockets()
      if (tempDir) rmSync(tempDir, { recursive: true, force: true })
      tempDir = undefined
    },
  }
  return io
}

function startUpload(io: Io, request: UploadRequest): UploadCall {
  let call: HttpCall | undefined
  let aborted = false
  const started = readFile(request.filePath).then(
    (bytes) => {
      if (aborted) throw new HttpError('abort', 'abort')
      const form = new FormData()
      for (const [name, value] of Object.entries(request.formData || {})) if (value !== undefined) form.append(name, String(value))
      form.append(request.name, new Blob([bytes]), basename(request.filePath))
      const headers = { ...request.headers }
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name]
      call = io.http({ url: request.url, method: 'POST', headers, body: form, timeout: request.timeout })
      return { call, sent: bytes.length }
    },
    (error: Error) => {
      throw new LocalFileError(error.message)
    },
  )
  const head = started.then(({ call }) => call.head)
  const response = started.then(({ call, sent }) => call.response.then((answer) => ({ ...answer, sent })))
  // `head` is for whoever asks; unobserved it must not count as an unhandled rejection.
  head.catch(() => {})
  return {
    head,
    response,
    abort: () => {
      aborted = true
      if (call) call.abort()
    },
  }
}

function startHttp(request: HttpRequest): HttpCall {
  const controller = new AbortController()
  let why: 'abort' | 'timeout' | undefined
  const timer = request.timeout > 0 ? setTimeout(() => stop('timeout'), request.timeout) : undefined
  function stop(reason: 'abort' | 'timeout') {
    if (why) return
    why = reason
    controller.abort()
  }
  const failure = (error: unknown) => {
    if (why) return new HttpError(why, why)
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined
    return new HttpError('network', cause || (error instanceof Error ? error.message : String(error)))
  }
  const body = request.body instanceof ArrayBuffer ? new Uint8Array(request.body) : request.body
  const fetched = fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(body === undefined || request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
    signal: controller.signal,
  })
  const head = fetched
    .then((response): HttpHead => {
      const headers: Record<string, string> = {}
      response.headers.forEach((value, name) => {
        headers[name] = value
      })
      return { status: response.status, headers, cookies: response.headers.getSetCookie() }
    })
    .catch((error: unknown) => {
      throw failure(error)
    })
  const response = fetched
    .then(async (raw) => ({ ...(await head), body: new Uint8Array(await raw.arrayBuffer()) }))
    .catch((error: unknown) => {
      throw error instanceof HttpError ? error : failure(error)
    })
    .finally(() => clearTimeout(timer))
  // `head` is for whoever asks; unobserved it must not count as an unhandled rejection.
  head.catch(() => {})
  return { head, response, abort: () => stop('abort') }
}

function openSocket(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] },
  events: SocketEvents,
  live: Set<WebSocket>,
): HostSocket {
  let socket: WebSocket
  try {
    socket = new WebSocket(url, options.protocols || [], { headers: options.headers || {} })
  } catch (error) {
    // An unparsable URL: reported as the host reports a failed connection, asynchronously.
    const message = error instanceof Error ? error.message : String(error)
    setTimeout(() => {
      events.error(message)
      events.close(1006, '')
    })
    return { state: 'closed', send: (_data, done) => done('socket is not open'), close: () => undefined }
  }
  live.add(socket)
  let upgradeHeaders: Record<string, string> = {}
  socket.on('upgrade', (response) => {
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) upgradeHeaders[name] = Array.isArray(value) ? value.join(', ') : value
    }
  })
  socket.on('open', () => events.open(upgradeHeaders))
  socket.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    events.message(isBinary ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : bytes.toString('utf8'))
  })
  socket.on('error', (error) => events.error(error.message))
  socket.on('close', (code, reason) => {
    live.delete(socket)
    events.close(code, reason.toString('utf8'))
  })
  const states = ['connecting', 'open', 'closing', 'closed'] as const
  return {
    get state() {
      return states[socket.readyState]!
    },
    send(data, done) {
      if (socket.readyState !== WebSocket.OPEN) return setTimeout(() => done('WebSocket is not connected'))
      const frame = data instanceof ArrayBuffer ? Buffer.from(data) : data
      socket.send(frame, { binary: typeof frame !== 'string' }, (error) => done(error ? error.message : undefined))
    },
    close(code, reason) {
      try {
        socket.close(code, reason)
        return undefined
      } catch (error) {
        return error instanceof Error ? error.message : String(error)
      }
    },
  }
}

/** `encodeURIComponent(k)=encodeURIComponent(v)&...`, the form both hosts document for GET data. */
export function toQueryString(data: Record<string, unknown>): string {
  return Object.keys(data)
    .filter((key) => data[key] !== undefined)
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(data[key]))}`)
    .join('&')
}

export function appendQuery(url: string, query: string): string {
  if (!query) return url
  return url + (url.includes('?') ? '&' : '?') + query
}

export function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
}

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** Header values as strings, names as given (hosts accept any JSON value). */
export function stringHeaders(header: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(header || {})) if (value !== undefined) out[name] = String(value)
  return out
}

export function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase()
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key]
  return undefined
}

export function isPlainData(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)
}

/** The hosts' local storage: values are copied in and out, as a real store serializes them. */
export class MemoryStorage {
  private readonly map = new Map<string, unknown>()
  has(key: string): boolean {
    return this.map.has(key)
  }
  get(key: string): unknown {
    return structuredClone(this.map.get(key))
  }
  set(key: string, value: unknown): void {
    this.map.set(key, structuredClone(value))
  }
  remove(key: string): void {
    this.map.delete(key)
  }
  keys(): string[] {
    return [...this.map.keys()]
  }
}

/** An `onX(listener)` / `offX(listener?)` pair: `off()` without a listener removes them all. */
export class Listeners<A extends unknown[]> {
  private list: ((...args: A) => void)[] = []
  on(listener: (...args: A) => void): void {
    this.list.push(listener)
  }
  off(listener?: (...args: A) => void): void {
    this.list = listener ? this.list.filter((l) => l !== listener) : []
  }
  emit(...args: A): void {
    for (const listener of [...this.list]) listener(...args)
  }
  get size(): number {
    return this.list.length
  }
}

/** The test controls every fake shares. */
export interface IoControl {
  /** Requests (request, uploadFile, downloadFile) started so far. */
  readonly requests: number
  /** Sockets connecting or open now. */
  readonly sockets: number
  /** Drops every socket without a closing handshake (a lost network: clients see code 1006). */
  closeAllSockets(): void
  /** Drops the sockets and deletes the temp files. */
  dispose(): void
}

export function ioControl(io: Io): IoControl {
  return {
    get requests() {
      return io.requests
    },
    get sockets() {
      return io.sockets
    },
    closeAllSockets: () => io.closeAllSockets(),
    dispose: () => io.dispose(),
  }
}
