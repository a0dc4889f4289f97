/**
 * Fake `my` (Alipay mini program), typed by `@mini-types/my` 3.0.14 (dependency of `@mini-types/alipay`
 * 3.0.14, `types/lib.my.d.ts`), over real I/O (`./io`). Contract reproduced:
 * - `my.request` returns a Promise AND calls `success`/`fail`/`complete` (typed `Promise<...> & RequestTask`,
 *   lib.my.d.ts `function request`); results carry both the legacy `status`/`headers` and `statusCode`/`header`.
 * - Failures are `{ error: number, errorMessage: string }`: 19 'http status error' when the server answers
 *   an HTTP error (open-docs my.request.md error table: "一般如 HTTP 404、500、504"; we use status >= 400),
 *   14 'JSON parse data error' when dataType 'json' meets a body that is not JSON, 13 timeout, 12 network,
 *   9 'request:fail abort' after `RequestTask.abort()` (my.request.md). The failure also carries `status`,
 *   `headers` and the body text as `data`, as the error objects quoted in the FAQ do.
 * - `headers` (and `header`) default to `{'content-type': 'application/json'}`; GET data goes to the query
 *   string, POST data is JSON or form-encoded by content-type (data 参数说明); `dataType` 'base64' gives a
 *   data URI; `timeout` defaults to 30000 ms.
 * - `my.connectSocket` returns a SocketTask only with `multiple: true` (the two overloads in lib.my.d.ts);
 *   otherwise it returns void and drives the one global socket through `my.onSocketOpen/onSocketMessage/
 *   onSocketClose/onSocketError/sendSocketMessage/closeSocket` (a second global connect closes the first,
 *   as the typings' description says). SocketTask events nest their payload under `data` with a
 *   `socketTaskID` (`onMessage({ data: { socketTaskID, data, isBuffer } })`, `IOnSocketTask*Data`), binary
 *   frames arrive base64-encoded with `isBuffer: true`.
 * - `my.getStorageSync({ key })` returns `{ data }`, `data: null` for a missing key (what Taro's and uni's
 *   Alipay layers map to '').
 * - `my.uploadFile` (lib.my.d.ts `function uploadFile`, typed `Promise<...> & UploadTask`, opendocs kmq4hc):
 *   returns a Promise AND calls the callbacks. `name` is the form field of the file ("文件名，即对应的 key");
 *   `fileName` is its older spelling ("会转换成 name 字段", and what uni's and Taro's Alipay layers send):
 *   either gives the field, `name` winning when both differ. `fileType` is required and documented as one
 *   of 'image' / 'video' / 'audio'; anything else (or none) fails before any request, with error 2 (chosen:
 *   Alipay's generic invalid-parameter code). `header` and `headers` both pass; `formData` values go as
 *   strings. Any HTTP status succeeds with `{ data: <body text>, statusCode, header }` (the typed result);
 *   a missing file fails with 11 '文件不存在' (the typed `error: 11`), a network failure or timeout with 12
 *   '上传文件失败', an abort with 9. Progress reports `totalBytesWritten`/`totalBytesExpectedToWrite`
 *   (Alipay's names, UploadTask.onProgressUpdate) once, at the end.
 * - `my.downloadFile` (lib.my.d.ts `function downloadFile`, `Promise<...> & DownloadTask`): succeeds with
 *   `{ apFilePath, tempFilePath, headers, header }`, the typed result: no `statusCode` (the current
 *   opendocs add `statusCode` from base library 2.8.8, the typings do not; without it an app cannot tell an
 *   error page from the file, so an HTTP status >= 400 fails here with 12 '下载失败', chosen). Network
 *   failure 12, abort 9. `DownloadTask.onHeadersReceived` gives `{ headers }` (upload's gives `{ header }`).
 * Not documented, so chosen here: the payload of `connectSocket`'s success (`{}`), of `closeSocket`'s success
 * (`{ message: 'closeSocket:ok' }`) and the `error` code of socket failures (1, 未知错误). Promises of calls
 * made with callbacks have a no-op rejection handler, so callback-style code sees no unhandled rejections.
 */
import {
  appendQuery,
  createIo,
  findHeader,
  HttpError,
  ioControl,
  LocalFileError,
  isPlainData,
  Listeners,
  MemoryStorage,
  stringHeaders,
  toArrayBuffer,
  toQueryString,
  utf8,
  type HostSocket,
  type Io,
  type IoControl,
} from './io'

type My = typeof my
type RequestParam = Parameters<My['request']>[0]
type RequestResult = Awaited<ReturnType<My['request']>>
type SocketTask = my.SocketTask
type UploadParam = Parameters<My['uploadFile']>[0]
type UploadResult = Awaited<ReturnType<My['uploadFile']>>
type DownloadParam = Parameters<My['downloadFile']>[0]
type DownloadResult = Awaited<ReturnType<My['downloadFile']>>
type AppShowParam = Parameters<Parameters<My['onAppShow']>[0]>[0]
export type MySystemInfo = Pick<
  ReturnType<My['getSystemInfoSync']>,
  'app' | 'platform' | 'version' | 'system' | 'brand' | 'model' | 'language' | 'pixelRatio' | 'windowWidth' | 'windowHeight'
>

/** The part of `my` an SDK uses, with the official signatures. */
export interface FakeMy
  extends Pick<
    My,
    | 'request'
    | 'uploadFile'
    | 'downloadFile'
    | 'connectSocket'
    | 'onSocketOpen'
    | 'offSocketOpen'
    | 'onSocketMessage'
    | 'offSocketMessage'
    | 'onSocketClose'
    | 'offSocketClose'
    | 'onSocketError'
    | 'offSocketError'
    | 'sendSocketMessage'
    | 'closeSocket'
    | 'getStorageSync'
    | 'setStorageSync'
    | 'removeStorageSync'
    | 'onAppShow'
    | 'onAppHide'
    | 'offAppShow'
    | 'offAppHide'
    | 'canIUse'
  > {
  /** Only the common fields of `ITypeSystemInfo`. */
  getSystemInfoSync(): MySystemInfo
  /** Present only if the factory was given one (`createMy({ cloud })`). */
  cloud?: My['cloud']
}

export interface MyControl extends IoControl {
  emitAppShow(param?: AppShowParam): void
  emitAppHide(): void
}

export interface CreateMyOptions {
  /** Becomes `my.cloud` (`createCloudContext`), built elsewhere. */
  cloud?: My['cloud']
  systemInfo?: Partial<MySystemInfo>
}

interface Callbacks<S> {
  success?(result: S): void
  fail?(error: MyError): void
  complete?(result: S | MyError): void
}

export interface MyError {
  error: number
  errorMessage: string
  [extra: string]: unknown
}

/** Calls the callbacks and returns the same outcome as a Promise (whose rejection is pre-handled). */
function dual<S>(callbacks: Callbacks<S>, run: (ok: (r: S) => void, fail: (e: MyError) => void) => void): Promise<S> {
  const promise = new Promise<S>((resolve, reject) => {
    run(
      (result) => {
        callbacks.success?.(result)
        callbacks.complete?.(result)
        resolve(result)
      },
      (error) => {
        callbacks.fail?.(error)
        callbacks.complete?.(error)
        reject(error)
      },
    )
  })
  promise.catch(() => {})
  return promise
}

const later = (fn: () => void) => void setTimeout(fn)

export function createMy(options: CreateMyOptions = {}): { my: FakeMy; control: MyControl } {
  const io = createIo()
  const storage = new MemoryStorage()
  const shown = new Listeners<[AppShowParam]>()
  const hidden = new Listeners<[]>()
  const global = createGlobalSocket(io)
  const systemInfo: MySystemInfo = {
    app: 'alipay',
    platform: 'iOS',
    version: '10.5.0',
    system: '14.0',
    brand: 'iPhone',
    model: 'iPhone12,1',
    language: 'zh-Hans',
    pixelRatio: 3,
    windowWidth: 390,
    windowHeight: 844,
    ...options.systemInfo,
  }
  let taskCount = 0
  const fake: FakeMy = {
    request: ((param: RequestParam) => request(io, param)) as My['request'],
    uploadFile: (param) => uploadFile(io, param),
    downloadFile: (param) => downloadFile(io, param),
    connectSocket: ((param: Parameters<My['connectSocket']>[0] & Callbacks<object>) => {
      // Documented callbacks (my.connectSocket.md), untyped in lib.my.d.ts: they report the call, not the open.
      // They come before any network event, so a listener attached on success still sees the open.
      dual<object>(param, (ok, fail) => queueMicrotask(() => (validUrl(param.url) ? ok({}) : fail(badUrl()))))
      // A refused task still takes its number, so the next task's `socketTaskID` is as before.
      if (!validUrl(param.url)) return param.multiple ? (taskCount++, deadTask()) : undefined
      const url = param.data ? appendQuery(param.url, toQueryString(param.data)) : param.url
      const connect = { headers: stringHeaders(param.header), ...(param.protocols ? { protocols: param.protocols } : {}) }
      if (param.multiple) return createTask(io, url, connect, String(++taskCount))
      global.connect(url, connect)
      return undefined
    }) as My['connectSocket'],
    onSocketOpen: (cb) => global.opened.on(cb),
    offSocketOpen: (cb) => global.opened.off(cb),
    onSocketMessage: (cb) => global.messages.on(cb),
    offSocketMessage: (cb) => global.messages.off(cb),
    onSocketClose: (cb) => global.closed.on(cb),
    offSocketClose: (cb) => global.closed.off(cb),
    onSocketError: (cb) => global.errors.on(cb),
    offSocketError: (cb) => global.errors.off(cb),
    sendSocketMessage: (param) => sendOn(global.socket, param),
    closeSocket: (param = {}) => closeOn(global.socket, param),
    getStorageSync: ({ key }) => ({ data: storage.has(key) ? storage.get(key) : null }),
    setStorageSync: ({ key, data }) => {
      storage.set(key, data)
      return { success: true }
    },
    removeStorageSync: ({ key }) => {
      storage.remove(key)
      return { success: true }
    },
    onAppShow: (cb) => shown.on(cb),
    offAppShow: (cb) => shown.off(cb as never),
    onAppHide: (cb) => hidden.on(cb),
    offAppHide: (cb) => hidden.off(cb),
    canIUse: (name) => typeof (fake as unknown as Record<string, unknown>)[name.split('.')[0]!] === 'function',
    getSystemInfoSync: () => ({ ...systemInfo }),
  }
  if (options.cloud) fake.cloud = options.cloud
  const control: MyControl = Object.assign(ioControl(io), {
    emitAppShow: (param: AppShowParam = { path: 'pages/index/index', query: {} }) => shown.emit(param),
    emitAppHide: () => hidden.emit(),
  })
  return { my: fake, control }
}

const validUrl = (url: string) => /^wss?:\/\//i.test(url)
const badUrl = (): MyError => ({ error: 5, errorMessage: 'URL 必须以 ws 或者 wss 开头。' })

function request(io: Io, param: RequestParam): Promise<RequestResult> & my.RequestTask {
  const method = param.method || 'GET'
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  for (const [name, value] of Object.entries({ ...stringHeaders(param.header), ...stringHeaders(param.headers) })) {
    headers[name.toLowerCase()] = value
  }
  let url = param.url
  let body: string | ArrayBuffer | undefined
  const data: unknown = param.data
  if (data !== undefined && data !== null) {
    if (method === 'GET') url = appendQuery(url, typeof data === 'string' ? data : isPlainData(data) ? toQueryString(data) : '')
    else if (isPlainData(data)) {
      body = /application\/x-www-form-urlencoded/i.test(headers['content-type']!) ? toQueryString(data) : JSON.stringify(data)
    } else body = data as string | ArrayBuffer
  }
  const call = io.http({ url, method, headers, ...(body === undefined ? {} : { body }), timeout: param.timeout ?? 30000 })
  const headersReceived = new Listeners<[{ headers: Record<string, string> }]>()
  call.head.then((head) => headersReceived.emit({ headers: head.headers }), () => {})
  const promise = dual<RequestResult>(param as Callbacks<RequestResult>, (ok, fail) => {
    call.response.then(
      (response) => {
        const text = utf8(response.body)
        const seen = { status: response.status, headers: { ...response.headers } }
        if (response.status >= 400) return fail({ error: 19, errorMessage: 'http status error', ...seen, data: text })
        let result: RequestResult['data'] = text
        const dataType = param.dataType || 'json'
        if (dataType === 'json') {
          try {
            result = JSON.parse(text) as RequestResult['data']
          } catch {
            return fail({ error: 14, errorMessage: 'JSON parse data error', ...seen, data: text })
          }
        } else if (dataType === 'arraybuffer') result = toArrayBuffer(response.body)
        else if (dataType === 'base64') {
          const type = (findHeader(response.headers, 'content-type') || 'application/octet-stream').replace(/\s+/g, '')
          result = `data:${type};base64,${Buffer.from(response.body).toString('base64')}`
        }
        ok({ data: result, ...seen, statusCode: response.status, header: { ...response.headers } })
      },
      (error: unknown) => {
        const kind = error instanceof HttpError ? error.kind : 'network'
        if (kind === 'abort') fail({ error: 9, errorMessage: 'request:fail abort' })
        else if (kind === 'timeout') fail({ error: 13, errorMessage: '超时' })
        else fail({ error: 12, errorMessage: '网络出错' })
      },
    )
  })
  const task = {
    abort: abortOf(() => call.abort()),
    onHeadersReceived: (cb: (arg: { headers: Record<string, string> }) => void) => headersReceived.on(cb),
    offHeadersReceived: (cb?: (arg: { headers: Record<string, string> }) => void) => headersReceived.off(cb),
  }
  // The typed `abort(object)` requires `{ requestTaskId, operationType }`; the runtime takes none: cast.
  return Object.assign(promise, task) as unknown as Promise<RequestResult> & my.RequestTask
}

/** What Alipay reports for a transfer that got no answer (uploadFile / downloadFile). */
function transferFailure(error: unknown, message: string): MyError {
  if (error instanceof HttpError && error.kind === 'abort') return { error: 9, errorMessage: 'abort' }
  return { error: 12, errorMessage: message }
}

/** A task's `abort(object?)`: the typed `{ uploadTaskId, operationType }` is not required at run time. */
function abortOf(abort: () => void) {
  return (object?: Callbacks<{ success: true }>) =>
    dual(object || {}, (ok) => {
      abort()
      later(() => ok({ success: true }))
    })
}

const FILE_TYPES = ['image', 'video', 'audio']

/** Both tasks' progress event (Alipay names it `totalBytesWritten` for uploads too). */
type Progress = { progress: number; totalBytesWritten: number; totalBytesExpectedToWrite: number }

function uploadFile(io: Io, param: UploadParam): Promise<UploadResult> & my.UploadTask {
  const progress = new Listeners<[Progress]>()
  const headersReceived = new Listeners<[{ header: Record<string, string> }]>()
  const name = param.name || param.fileName
  let abort = () => {}
  const promise = dual<UploadResult>(param as Callbacks<UploadResult>, (ok, fail) => {
    if (!name) return later(() => fail({ error: 2, errorMessage: 'name (or fileName) is required: the form field of the file' }))
    if (FILE_TYPES.indexOf(param.fileType) < 0) {
      return later(() => fail({ error: 2, errorMessage: `fileType must be image, video or audio, got ${String(param.fileType)}` }))
    }
    const call = io.upload({
      url: param.url,
      filePath: param.filePath,
      name,
      formData: param.formData,
      headers: { ...stringHeaders(param.header), ...stringHeaders(param.headers) },
      timeout: (param as { timeout?: number }).timeout ?? 60000,
    })
    abort = () => call.abort()
    call.head.then((head) => headersReceived.emit({ header: head.headers }), () => {})
    call.response.then(
      (response) => {
        progress.emit({ progress: 100, totalBytesWritten: response.sent, totalBytesExpectedToWrite: response.sent })
        ok({ data: utf8(response.body), statusCode: response.status, header: { ...response.headers } })
      },
      (error: unknown) => fail(error instanceof LocalFileError ? { error: 11, errorMessage: '文件不存在' } : transferFailure(error, '上传文件失败')),
    )
  })
  const task = {
    abort: abortOf(() => abort()),
    onProgressUpdate: (cb: (arg: Progress) => void) => progress.on(cb),
    offProgressUpdate: (cb?: (arg: Progress) => void) => progress.off(cb),
    onHeadersReceived: (cb: (arg: { header: Record<string, string> }) => void) => headersReceived.on(cb),
    offHeadersReceived: (cb?: (arg: { header: Record<string, string> }) => void) => headersReceived.off(cb),
  }
  // The typed `abort(object)` requires `{ uploadTaskId, operationType }`; the runtime takes none: cast.
  return Object.assign(promise, task) as unknown as Promise<UploadResult> & my.UploadTask
}

function downloadFile(io: Io, param: DownloadParam): Promise<DownloadResult> & my.DownloadTask {
  const progress = new Listeners<[Progress]>()
  const headersReceived = new Listeners<[{ headers: Record<string, string> }]>()
  const call = io.download({ url: param.url, headers: stringHeaders(param.header), timeout: (param as { timeout?: number }).timeout ?? 60000 })
  call.head.then((head) => headersReceived.emit({ headers: head.headers }), () => {})
  const promise = dual<DownloadResult>(param as Callbacks<DownloadResult>, (ok, fail) => {
    call.response.then(
      (response) => {
        if (response.status >= 400) return fail({ error: 12, errorMessage: '下载失败' })
        const size = response.body.length
        progress.emit({ progress: 100, totalBytesWritten: size, totalBytesExpectedToWrite: size })
        ok({ apFilePath: response.path, tempFilePath: response.path, headers: { ...response.headers }, header: { ...response.headers } })
      },
      (error: unknown) => fail(transferFailure(error, '下载失败')),
    )
  })
  const task = {
    abort: abortOf(() => call.abort()),
    onProgressUpdate: (cb: (arg: Progress) => void) => progress.on(cb),
    offProgressUpdate: (cb?: (arg: Progress) => void) => progress.off(cb),
    onHeadersReceived: (cb: (arg: { headers: Record<string, string> }) => void) => headersReceived.on(cb),
    offHeadersReceived: (cb?: (arg: { headers: Record<string, string> }) => void) => headersReceived.off(cb),
  }
  // As for uploadFile: the typed `abort(object)` wants a `downloadTaskId`; the runtime takes none.
  return Object.assign(promise, task) as unknown as Promise<DownloadResult> & my.DownloadTask
}

type OpenArg = { data: { socketTaskID: string } }
type MessageArg = { data: { socketTaskID: string; data: string | ArrayBuffer; isBuffer: boolean } }
type ErrorArg = { data: { socketTaskID: string }; error: number }

/** Alipay delivers binary frames base64-encoded, flagged `isBuffer`. */
function incoming(data: string | ArrayBuffer): { data: string; isBuffer: boolean } {
  return typeof data === 'string' ? { data, isBuffer: false } : { data: Buffer.from(data).toString('base64'), isBuffer: true }
}

function createTask(io: Io, url: string, connect: { headers: Record<string, string>; protocols?: string[] }, socketTaskID: string): SocketTask {
  const opened = new Listeners<[OpenArg]>()
  const messages = new Listeners<[MessageArg]>()
  const closed = new Listeners<[OpenArg]>()
  const errors = new Listeners<[ErrorArg]>()
  const socket = io.connect(url, connect, {
    open: () => opened.emit({ data: { socketTaskID } }),
    message: (data) => messages.emit({ data: { socketTaskID, ...incoming(data) } }),
    error: () => errors.emit({ data: { socketTaskID }, error: 1 }),
    close: () => closed.emit({ data: { socketTaskID } }),
  })
  return taskApi(socket, { opened, messages, closed, errors })
}

function deadTask(): SocketTask {
  return taskApi(undefined, {
    opened: new Listeners(),
    messages: new Listeners(),
    closed: new Listeners(),
    errors: new Listeners(),
  })
}

/** `send` of a SocketTask and `my.sendSocketMessage`: the frame (base64 when `isBuffer`) on `socket`, if any. */
function sendOn(socket: HostSocket | undefined, param: { data: string; isBuffer?: boolean } & Callbacks<{ success: boolean }>) {
  return dual<{ success: boolean }>(param, (ok, fail) => {
    if (!socket) return later(() => fail({ error: 1, errorMessage: 'WebSocket is not connected' }))
    socket.send(param.isBuffer ? Buffer.from(param.data, 'base64') : param.data, (error) => (error ? fail({ error: 1, errorMessage: error }) : ok({ success: true })))
  })
}

/** `close` of a SocketTask and `my.closeSocket`. */
function closeOn(socket: HostSocket | undefined, param: { code?: number; reason?: string } & Callbacks<{ message: string }>) {
  return dual<{ message: string }>(param, (ok, fail) => {
    const refused = socket ? socket.close(param.code ?? 1000, param.reason) : 'WebSocket is not connected'
    later(() => (refused ? fail({ error: 1, errorMessage: refused }) : ok({ message: 'closeSocket:ok' })))
  })
}

function taskApi(
  socket: HostSocket | undefined,
  on: { opened: Listeners<[OpenArg]>; messages: Listeners<[MessageArg]>; closed: Listeners<[OpenArg]>; errors: Listeners<[ErrorArg]> },
): SocketTask {
  return {
    // Same parameters as my.sendSocketMessage (my.connectSocket.md), `isBuffer` included though untyped here.
    send: (param: Parameters<SocketTask['send']>[0] & { isBuffer?: boolean }) => sendOn(socket, param),
    close: (param = {}) => closeOn(socket, param),
    onOpen: (cb) => on.opened.on(cb as (arg: OpenArg) => void),
    offOpen: (cb) => on.opened.off(cb as ((arg: OpenArg) => void) | undefined),
    onMessage: (cb) => on.messages.on(cb as (arg: MessageArg) => void),
    offMessage: (cb) => on.messages.off(cb as ((arg: MessageArg) => void) | undefined),
    onClose: (cb) => on.closed.on(cb as (arg: OpenArg) => void),
    offClose: (cb) => on.closed.off(cb as ((arg: OpenArg) => void) | undefined),
    onError: (cb) => on.errors.on(cb as (arg: ErrorArg) => void),
    offError: (cb) => on.errors.off(cb as ((arg: ErrorArg) => void) | undefined),
  }
}

/** The one socket of `my.connectSocket` without `multiple`, and its `my.onSocket*` listeners. */
function createGlobalSocket(io: Io) {
  const state = {
    socket: undefined as HostSocket | undefined,
    opened: new Listeners<[]>(),
    messages: new Listeners<[{ data: string | ArrayBuffer; isBuffer: boolean }]>(),
    closed: new Listeners<[{ reason: string }]>(),
    errors: new Listeners<[{ errorMessage: string; error: number }]>(),
    connect(url: string, connect: { headers: Record<string, string>; protocols?: string[] }) {
      // Only one global socket: a new connect closes the old one first (typings' description).
      const previous = state.socket
      if (previous && previous.state !== 'closed') previous.close(1000, '')
      const socket: HostSocket = io.connect(url, connect, {
        open: () => state.socket === socket && state.opened.emit(),
        message: (data) => state.socket === socket && state.messages.emit(incoming(data)),
        error: (message) => state.socket === socket && state.errors.emit({ error: 1, errorMessage: message }),
        close: (_code, reason) => {
          if (state.socket !== socket) return
          state.socket = undefined
          state.closed.emit({ reason })
        },
      })
      state.socket = socket
    },
  }
  return state
}
