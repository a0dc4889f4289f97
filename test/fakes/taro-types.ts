/**
 * The `Taro` signatures the Taro fake implements, copied from `@tarojs/taro` 4.2.1 (`npm pack`, folder
 * `types/`). The package is not installed: it declares `rollup@^3` (and webpack, vue, ...) as peers, which
 * conflicts with this project's rollup 4, so installing it needs `--legacy-peer-deps` for the whole project.
 * Each block names the file and line it comes from. Changes: module augmentation (`declare module
 * '../../index'`) flattened into plain exports; the H5-only options of `request.Option` (jsonp, jsonpCache,
 * mode, credentials, cache, retryTimes, backup, signal, dataCheck, useStore, storeCheckKey, storeSign,
 * request.d.ts lines 87-150) left out; the type parameters `U` of `request.Option` and `T` of
 * `SuccessCallbackResult` unconstrained (the originals constrain them to `string | IAnyObject | ArrayBuffer`),
 * because `TaroStatic.request<T, U>` and `RequestTask<T>` pass unconstrained ones, which compiles only
 * under `skipLibCheck`.
 */

/** types/global.d.ts line 2. */
export type IAnyObject = Record<string, any>

/** types/global.d.ts line 12 (`TaroGeneral.CallbackResult`). */
export interface CallbackResult {
  errMsg: string
}

/** types/global.d.ts line 412 (`TaroGeneral.ENV_TYPE`). */
export enum ENV_TYPE {
  ASCF = 'ASCF',
  WEAPP = 'WEAPP',
  SWAN = 'SWAN',
  ALIPAY = 'ALIPAY',
  TT = 'TT',
  QQ = 'QQ',
  JD = 'JD',
  WEB = 'WEB',
  RN = 'RN',
  HARMONY = 'HARMONY',
  QUICKAPP = 'QUICKAPP',
  HARMONYHYBRID = 'HARMONYHYBRID',
}

/** types/api/network/request.d.ts line 4 (`namespace request`). */
export declare namespace request {
  interface Option<T = any, U = any> {
    url: string
    data?: U
    header?: IAnyObject
    /** @default 60000 */
    timeout?: number
    /** @default "GET" */
    method?: keyof Method
    dataType?: keyof DataType | string
    responseType?: keyof ResponseType
    useHighPerformanceMode?: boolean
    enableHttp2?: boolean
    enableQuic?: boolean
    enableCache?: boolean
    enableHttpDNS?: boolean
    httpDNSServiceId?: string
    enableChunked?: boolean
    forceCellularNetwork?: boolean
    enableCookie?: boolean
    referrerStrategy?: keyof ReferrerStrategy
    success?: (result: SuccessCallbackResult<T>) => void
    fail?: (res: CallbackResult) => void
    complete?: (res: Partial<SuccessCallbackResult> & CallbackResult) => void
  }
  /** request.d.ts line 153. */
  interface SuccessCallbackResult<T = any> extends CallbackResult {
    data: T
    header: IAnyObject
    statusCode: number
    errMsg: string
    cookies?: string[]
  }
  interface DataType {
    json: any
    text: any
    base64: any
    arraybuffer: any
  }
  interface Method {
    OPTIONS: any
    GET: any
    HEAD: any
    POST: any
    PUT: any
    PATCH: any
    DELETE: any
    TRACE: any
    CONNECT: any
  }
  interface ResponseType {
    text: any
    arraybuffer: any
  }
  interface ReferrerStrategy {
    index: any
    page: any
    querystring: any
  }
}

/** types/api/network/request.d.ts line 322: a Promise of the success result that is also the task. */
export interface RequestTask<T> extends Promise<request.SuccessCallbackResult<T>> {
  abort(): void
  onHeadersReceived(callback: RequestTask.onHeadersReceived.Callback): void
  offHeadersReceived(callback: RequestTask.onHeadersReceived.Callback): void
  onChunkReceived(callback: RequestTask.onChunkReceived.Callback): void
  offChunkReceived(callback: RequestTask.onChunkReceived.Callback): void
}

/** request.d.ts line 362. */
export declare namespace RequestTask {
  namespace onHeadersReceived {
    type Callback = (result: CallbackResult) => void
    interface CallbackResult {
      header: IAnyObject
    }
  }
  namespace onChunkReceived {
    type Callback = (result: CallbackResult) => void
    interface CallbackResult {
      data: ArrayBuffer
    }
  }
}

/** types/api/network/websocket.d.ts line 55. */
export declare namespace connectSocket {
  interface Option {
    url: string
    complete?: (res: CallbackResult) => void
    fail?: (res: CallbackResult) => void
    header?: IAnyObject
    protocols?: string[]
    success?: (res: CallbackResult) => void
    tcpNoDelay?: boolean
  }
}

/** websocket.d.ts line 89. */
export declare namespace SocketTask {
  interface CloseOption {
    code?: number
    complete?: (res: CallbackResult) => void
    fail?: (res: CallbackResult) => void
    reason?: string
    success?: (res: CallbackResult) => void
  }
  type OnCloseCallback = (result: OnCloseCallbackResult) => void
  interface OnCloseCallbackResult {
    code: number
    reason: string
  }
  type OnErrorCallback = (result: OnErrorCallbackResult) => void
  interface OnErrorCallbackResult extends CallbackResult {
    errMsg: string
  }
  type OnMessageCallback<T = any> = (result: OnMessageCallbackResult<T>) => void
  interface OnMessageCallbackResult<T extends any | string | ArrayBuffer = any> {
    data: T
  }
  type OnOpenCallback = (result: OnOpenCallbackResult) => void
  interface OnOpenCallbackResult {
    header: IAnyObject
  }
  interface SendOption {
    data: string | ArrayBuffer
    complete?: (res: CallbackResult) => void
    fail?: (res: CallbackResult) => void
    success?: (res: CallbackResult) => void
  }
}

/** websocket.d.ts line 144. */
export interface SocketTask {
  send(option: SocketTask.SendOption): void
  close(option: SocketTask.CloseOption): void
  onOpen(callback: SocketTask.OnOpenCallback): void
  onClose(callback: SocketTask.OnCloseCallback): void
  onError(callback: SocketTask.OnErrorCallback): void
  onMessage<T = any>(callback: SocketTask.OnMessageCallback<T>): void
  readonly socketTaskId: number
  readonly readyState: number
  readonly errMsg: string
  readonly CONNECTING: number
  readonly OPEN: number
  readonly CLOSING: number
  readonly CLOSED: number
  /** 浏览器 websocket 实例。（h5 端独有） */
  readonly ws: WebSocket
}

/** types/api/base/weapp/app-event.d.ts line 25. */
export declare namespace onAppShow {
  interface CallbackResult {
    path: string
    query: IAnyObject
    shareTicket: string
    scene: number
    referrerInfo: ResultReferrerInfo
    forwardMaterials?: ForwardMaterial[]
    chatType?: keyof ChatType
    apiCategory?: keyof ApiCategory
  }
  interface ResultReferrerInfo {
    appId?: string
    extraData?: IAnyObject
  }
  interface ForwardMaterial {
    type: string
    name: string
    path: string
    size: number
  }
  interface ChatType {
    1: any
    2: any
    3: any
    4: any
  }
  interface ApiCategory {
    default: any
    nativeFunctionalized: any
    browseOnly: any
    embedded: any
  }
}

/** The members of `TaroStatic` the fake provides, each from the file and line named. */
export interface TaroStatic<Cloud = unknown> {
  /** request.d.ts line 433. */
  request<T = any, U = any>(option: request.Option<T, U>): RequestTask<T>
  /** websocket.d.ts line 360. */
  connectSocket(option: connectSocket.Option): Promise<SocketTask>
  /** types/api/storage/index.d.ts line 159. */
  setStorageSync(key: string, data: any): void
  /** storage/index.d.ts line 205. */
  removeStorageSync(key: string): void
  /** storage/index.d.ts line 240. */
  getStorageSync<T = any>(key: string): T
  /** app-event.d.ts lines 184, 193, 251, 260 (onAppHide's callback is typed like onAppShow's there). */
  onAppShow(callback: (res: onAppShow.CallbackResult) => void): void
  onAppHide(callback: (res: onAppShow.CallbackResult) => void): void
  offAppShow(callback: (res: onAppShow.CallbackResult) => void): void
  offAppHide(callback: (res: onAppShow.CallbackResult) => void): void
  /** types/api/taro.extend.d.ts line 85. */
  getEnv(): ENV_TYPE
  /** taro.extend.d.ts (`ENV_TYPE: TARO_ENV_TYPE`, the enum's values). */
  ENV_TYPE: typeof ENV_TYPE
  /** types/api/cloud/index.d.ts line 2601 types it `cloud & Cloud` (wx.cloud's shape, ~2600 lines): not copied. */
  cloud: Cloud
}
