/**
 * Fake `wx` (WeChat mini program), typed by `miniprogram-api-typings` 5.2.3 (`types/wx/lib.wx.api.d.ts`),
 * over real I/O (`./io`). Contract reproduced:
 * - `request`, `uploadFile`, `downloadFile`, `connectSocket` return Tasks and never Promises (`Wx.request`
 *   is typed `RequestTask`, and the docs exclude these four from the 2.10.2 "Promise when no callback" rule).
 * - `request` succeeds for every HTTP status; only a missing response fails (`{ errMsg: 'request:fail ...',
 *   errno }`). `dataType` 'json' (default) parses the body when it parses and otherwise leaves the string;
 *   `responseType: 'arraybuffer'` gives an ArrayBuffer. Object `data` goes to the query string for GET, is
 *   form-encoded for `application/x-www-form-urlencoded`, else JSON; `content-type` defaults to
 *   `application/json`; `timeout` defaults to 60000 ms.
 * - `getStorageSync` of a missing key returns '' (not undefined).
 * - `wx.cloud` exists only when the factory is given one.
 * Not reproduced: `profile`/`useHttpDNS` result fields (device-only), the server's header-name case
 * (Node's fetch lower-cases it), `wxfile://` paths (temp files are real absolute paths, usable as
 * `filePath` of `uploadFile`). The `errno` values are best guesses from the Errno table (600001 network,
 * 5 timeout, 600003 interrupted for abort); only `errMsg` is relied on by apps.
 */
import {
  appendQuery,
  createIo,
  findHeader,
  HttpError,
  LocalFileError,
  ioControl,
  isPlainData,
  Listeners,
  MemoryStorage,
  stringHeaders,
  toArrayBuffer,
  toQueryString,
  utf8,
  type Io,
  type IoControl,
} from './io'

type Wx = WechatMiniprogram.Wx

export type WxSystemInfo = Pick<
  WechatMiniprogram.SystemInfo,
  'SDKVersion' | 'brand' | 'model' | 'platform' | 'system' | 'version' | 'language' | 'pixelRatio' | 'windowWidth' | 'windowHeight'
>

/** The part of `wx` an SDK uses, with the official signatures. */
export interface FakeWx
  extends Pick<
    Wx,
    | 'request'
    | 'connectSocket'
    | 'uploadFile'
    | 'downloadFile'
    | 'getStorageSync'
    | 'setStorageSync'
    | 'removeStorageSync'
    | 'onAppShow'
    | 'onAppHide'
    | 'offAppShow'
    | 'offAppHide'
    | 'env'
  > {
  /** Only the common fields of `WechatMiniprogram.SystemInfo` (the real one has ~40). */
  getSystemInfoSync(): WxSystemInfo
  /** Present only if the factory was given one (`createWx({ cloud })`). */
  cloud?: WxCloud
}

export interface WxControl extends IoControl {
  /** Runs the `onAppShow` listeners (defaults: scene 1001, path `pages/index/index`). */
  emitAppShow(options?: Partial<WechatMiniprogram.LaunchOptionsApp>): void
  emitAppHide(options?: WechatMiniprogram.HideOptionsApp): void
}

export interface CreateWxOptions {
  /** Becomes `wx.cloud` (the native `wx.cloud` fake is built elsewhere). */
  cloud?: WxCloud
  systemInfo?: Partial<WxSystemInfo>
}

const ERRNO = { network: 600001, timeout: 5, abort: 600003 } as const

export function createWx(options: CreateWxOptions = {}): { wx: FakeWx; control: WxControl } {
  const io = createIo()
  const storage = new MemoryStorage()
  const shown = new Listeners<[WechatMiniprogram.LaunchOptionsApp]>()
  const hidden = new Listeners<[WechatMiniprogram.HideOptionsApp]>()
  const systemInfo: WxSystemInfo = {
    SDKVersion: '3.8.0',
    brand: 'devtools',
    model: 'iPhone 12',
    platform: 'devtools',
    system: 'iOS 14.0',
    version: '8.0.5',
    language: 'zh_CN',
    pixelRatio: 3,
    windowWidth: 390,
    windowHeight: 844,
    ...options.systemInfo,
  }
  const wx: FakeWx = {
    request: (option) => request(io, option),
    connectSocket: (option) => connectSocket(io, option),
    uploadFile: (option) => uploadFile(io, option),
    downloadFile: (option) => downloadFile(io, option),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : '') as never,
    setStorageSync: (key: string, data: unknown) => storage.set(key, data),
    removeStorageSync: (key: string) => storage.remove(key),
    onAppShow: (listener) => shown.on(listener),
    offAppShow: (listener) => shown.off(listener as never),
    onAppHide: (listener) => hidden.on(listener),
    offAppHide: (listener) => hidden.off(listener as never),
    getSystemInfoSync: () => ({ ...systemInfo }),
    env: { USER_DATA_PATH: 'wxfile://usr' },
  }
  if (options.cloud) wx.cloud = options.cloud
  const control: WxControl = Object.assign(ioControl(io), {
    emitAppShow(launch: Partial<WechatMiniprogram.LaunchOptionsApp> = {}) {
      shown.emit({
        path: 'pages/index/index',
        query: {},
        scene: 1001,
        referrerInfo: { appId: '', extraData: {} },
        forwardMaterials: [],
        hostExtraData: { host_scene: '' },
        apiCategory: 'default',
        ...launch,
      })
    },
    emitAppHide(hide: WechatMiniprogram.HideOptionsApp = {}) {
      hidden.emit(hide)
    },
  })
  return { wx, control }
}

/** Calls `success`+`complete` or `fail`+`complete`, never synchronously. */
function settle<S, F>(option: { success?: (r: S) => void; fail?: (r: F) => void; complete?: (r: any) => void }) {
  return {
    ok(result: S) {
      option.success?.(result)
      option.complete?.(result)
    },
    fail(result: F) {
      option.fail?.(result)
      option.complete?.(result)
    },
  }
}

function failure(api: string, error: unknown): WechatMiniprogram.RequestFailCallbackErr {
  const kind = error instanceof HttpError ? error.kind : 'network'
  const message = error instanceof Error ? error.message : String(error)
  // `useHttpDNS` is documented only with `enableHttpDNS`: left out, hence the cast.
  return { errMsg: `${api}:fail ${message}`, errno: ERRNO[kind], exception: { reasons: [], retryCount: 0 } } as never
}

/** An upload's or download's failure: the local file's own message, else the network's. */
function transferFailure(api: string, error: unknown): WechatMiniprogram.GeneralCallbackResult {
  return { errMsg: error instanceof LocalFileError ? `${api}:fail ${error.message}` : failure(api, error).errMsg }
}

/** The methods an UploadTask and a DownloadTask share. */
function transferTask<P, H>(call: { abort(): void }, progress: Listeners<[P]>, headersReceived: Listeners<[H]>) {
  return {
    abort: () => call.abort(),
    onProgressUpdate: (listener: (result: P) => void) => progress.on(listener),
    offProgressUpdate: (listener?: (result: P) => void) => progress.off(listener),
    onHeadersReceived: (listener: (result: H) => void) => headersReceived.on(listener),
    offHeadersReceived: (listener?: (result: H) => void) => headersReceived.off(listener),
  }
}

function request<T extends string | WechatMiniprogram.IAnyObject | ArrayBuffer>(
  io: Io,
  option: WechatMiniprogram.RequestOption<T>,
): WechatMiniprogram.RequestTask {
  const method = option.method || 'GET'
  const headers = stringHeaders(option.header)
  if (!findHeader(headers, 'content-type')) headers['content-type'] = 'application/json'
  let url = option.url
  let body: string | ArrayBuffer | undefined
  const data = option.data
  if (data !== undefined && data !== null) {
    if (method === 'GET') url = appendQuery(url, typeof data === 'string' ? data : isPlainData(data) ? toQueryString(data) : '')
    else if (isPlainData(data)) {
      const form = /application\/x-www-form-urlencoded/i.test(findHeader(headers, 'content-type')!)
      body = form ? toQueryString(data) : JSON.stringify(data)
    } else body = data as string | ArrayBuffer
  }
  const call = io.http({ url, method, headers, ...(body === undefined ? {} : { body }), timeout: option.timeout ?? 60000 })
  const headersReceived = new Listeners<[WechatMiniprogram.RequestTaskOnHeadersReceivedListenerResult]>()
  call.head.then(
    (head) => headersReceived.emit({ header: head.headers, statusCode: head.status, cookies: head.cookies }),
    () => {},
  )
  const done = settle<WechatMiniprogram.RequestSuccessCallbackResult<T>, WechatMiniprogram.RequestFailCallbackErr>(option)
  call.response.then(
    (response) => {
      let result: unknown
      if (option.responseType === 'arraybuffer') result = toArrayBuffer(response.body)
      else {
        result = utf8(response.body)
        if ((option.dataType ?? 'json') === 'json') {
          try {
            result = JSON.parse(result as string)
          } catch {
            // wx leaves a body that is not JSON as the string.
          }
        }
      }
      // `profile` (device-only) and `useHttpDNS` (HttpDNS-only) are left out, hence the cast.
      done.ok({
        data: result,
        statusCode: response.status,
        header: response.headers,
        cookies: response.cookies,
        errMsg: 'request:ok',
        exception: { reasons: [], retryCount: 0 },
      } as never)
    },
    (error: unknown) => done.fail(failure('request', error)),
  )
  return {
    abort: () => call.abort(),
    onHeadersReceived: (listener) => headersReceived.on(listener),
    offHeadersReceived: (listener) => headersReceived.off(listener as never),
    // Chunked transfer is not reproduced: the body arrives whole.
    onChunkReceived: () => {},
    offChunkReceived: () => {},
  }
}

function connectSocket(io: Io, option: WechatMiniprogram.ConnectSocketOption): WechatMiniprogram.SocketTask {
  const opened = new Listeners<[WechatMiniprogram.OnOpenListenerResult]>()
  const messages = new Listeners<[WechatMiniprogram.SocketTaskOnMessageListenerResult]>()
  const closed = new Listeners<[WechatMiniprogram.SocketTaskOnCloseListenerResult]>()
  const errors = new Listeners<[WechatMiniprogram.GeneralCallbackResult]>()
  const done = settle<WechatMiniprogram.GeneralCallbackResult, WechatMiniprogram.GeneralCallbackResult>(option)
  if (!/^wss?:\/\//i.test(option.url)) {
    setTimeout(() => done.fail({ errMsg: `connectSocket:fail invalid url "${option.url}"` }))
    const dead = (o: { fail?: (r: WechatMiniprogram.GeneralCallbackResult) => void; complete?: (r: any) => void }, api: string) =>
      setTimeout(() => settle(o).fail({ errMsg: `${api}:fail WebSocket is not connected` }))
    return {
      send: (o) => dead(o, 'sendSocketMessage'),
      close: (o) => dead(o, 'closeSocket'),
      onOpen: () => {},
      onMessage: () => {},
      onClose: () => {},
      onError: () => {},
    }
  }
  const socket = io.connect(
    option.url,
    { headers: stringHeaders(option.header), ...(option.protocols ? { protocols: option.protocols } : {}) },
    {
      // `profile` is device-only: left out, hence the cast.
      open: (header) => opened.emit({ header } as never),
      message: (data) => messages.emit({ data }),
      error: (message) => errors.emit({ errMsg: message }),
      close: (code, reason) => closed.emit({ code, reason }),
    },
  )
  // The callbacks report the API call, not the connection (listen to onOpen for that); they come before
  // any network event, so a listener attached on success (Taro resolves its Promise then) sees the open.
  queueMicrotask(() => done.ok({ errMsg: 'connectSocket:ok' }))
  return {
    send(o) {
      socket.send(o.data, (error) =>
        error ? settle(o).fail({ errMsg: `sendSocketMessage:fail ${error}` }) : settle(o).ok({ errMsg: 'sendSocketMessage:ok' }),
      )
    },
    close(o) {
      const refused = socket.close(o.code ?? 1000, o.reason)
      setTimeout(() => (refused ? settle(o).fail({ errMsg: `closeSocket:fail ${refused}` }) : settle(o).ok({ errMsg: 'closeSocket:ok' })))
    },
    onOpen: (listener) => opened.on(listener),
    onMessage: (listener) => messages.on(listener),
    onClose: (listener) => closed.on(listener),
    onError: (listener) => errors.on(listener),
  }
}

function uploadFile(io: Io, option: WechatMiniprogram.UploadFileOption): WechatMiniprogram.UploadTask {
  const progress = new Listeners<[WechatMiniprogram.UploadTaskOnProgressUpdateListenerResult]>()
  const headersReceived = new Listeners<[WechatMiniprogram.DownloadTaskOnHeadersReceivedListenerResult]>()
  const done = settle<WechatMiniprogram.UploadFileSuccessCallbackResult, WechatMiniprogram.GeneralCallbackResult>(option)
  const call = io.upload({
    url: option.url,
    filePath: option.filePath,
    name: option.name,
    formData: option.formData,
    headers: stringHeaders(option.header),
    timeout: option.timeout ?? 60000,
  })
  call.head.then((head) => headersReceived.emit({ header: head.headers }), () => {})
  call.response.then(
    (response) => {
      // Progress is reported once, at the end: the body is sent in one piece.
      progress.emit({ progress: 100, totalBytesSent: response.sent, totalBytesExpectedToSend: response.sent })
      done.ok({ data: utf8(response.body), statusCode: response.status, errMsg: 'uploadFile:ok' } as never)
    },
    (error: unknown) => done.fail(transferFailure('uploadFile', error)),
  )
  return transferTask(call, progress, headersReceived)
}

function downloadFile(io: Io, option: WechatMiniprogram.DownloadFileOption): WechatMiniprogram.DownloadTask {
  const progress = new Listeners<[WechatMiniprogram.DownloadTaskOnProgressUpdateListenerResult]>()
  const headersReceived = new Listeners<[WechatMiniprogram.DownloadTaskOnHeadersReceivedListenerResult]>()
  const done = settle<WechatMiniprogram.DownloadFileSuccessCallbackResult, WechatMiniprogram.GeneralCallbackResult>(option)
  const call = io.download({ url: option.url, headers: stringHeaders(option.header), timeout: option.timeout ?? 60000, filePath: option.filePath })
  call.head.then((head) => headersReceived.emit({ header: head.headers }), () => {})
  call.response.then(
    (response) => {
      const size = response.body.length
      progress.emit({ progress: 100, totalBytesWritten: size, totalBytesExpectedToWrite: size })
      // wx writes whatever the server answered, whatever the status: the app checks statusCode.
      const where = option.filePath ? { filePath: response.path } : { tempFilePath: response.path }
      done.ok(Object.assign(where, { statusCode: response.status, errMsg: 'downloadFile:ok' }) as never)
    },
    (error: unknown) => done.fail(transferFailure('downloadFile', error)),
  )
  return transferTask(call, progress, headersReceived)
}
