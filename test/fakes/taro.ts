/**
 * Fake `Taro` (`@tarojs/taro` 4.2.1, signatures in `./taro-types`), built the way Taro builds itself on a
 * mini program: a port of `processApis` (NervJS/taro `packages/shared/src/native-apis.ts`) over the host
 * global, here the `wx` or `my` fake, so the network I/O is the host fake's real I/O. Contract reproduced:
 * - `Taro.request` returns a Promise of the success result that also has `abort()` and the task's
 *   listeners (`RequestTask<T> extends Promise`, request.d.ts line 322). It always passes callbacks to
 *   the host (so the host returns its task); `success` resolves, `fail` rejects with the host's fail
 *   object (not an Error), and the returned Promise rejects even when the caller gave callbacks.
 *   The result comes through Taro's interceptor `Link`, which copies the options and re-wraps the Promise.
 * - `Taro.connectSocket` returns `Promise<SocketTask>`, resolved when the host's `connectSocket` reports
 *   success (the call, not the open: attach `onOpen` right away), with the host task plus the success
 *   result merged in (`Object.assign(task, res)`).
 * - On ALIPAY, Taro's own Alipay layer (NervJS/taro `packages/taro-platform-alipay/src/apis.ts`): request
 *   `header` becomes lower-cased `headers` with `content-type: application/json` by default, the result's
 *   `status`/`headers` become `statusCode`/`header`; `connectSocket` opens Alipay's single global socket
 *   and the resolved object's `onOpen/onMessage/onClose/onError/send/close` are bound to `my.onSocket*`;
 *   `getStorageSync(key)` is `my.getStorageSync({ key }).data` with null mapped to ''.
 * - `Taro.uploadFile` / `Taro.downloadFile` return `UploadTaskPromise` / `DownloadTaskPromise` (upload.d.ts
 *   line 80, download.d.ts line 81; copied below): the `needPromiseApis` branch of `processApis` passes
 *   callbacks to the host, resolves on `success`, rejects with the host's fail object on `fail` (even when
 *   the caller gave callbacks), then copies the host task's methods onto the Promise
 *   (`equipTaskMethodsIntoPromise`) and adds `progress(cb)` and `abort(cb?)`, which return the Promise. The
 *   typed `headersReceive` is set by no runtime and is left out here.
 * - On ALIPAY, Taro's `apiDiff`/`asyncResultApiDiff`: `uploadFile` copies `name` to `fileName` on the
 *   caller's options (`transformMeta` mutates them; `name` stays) and adds nothing else, so Alipay's
 *   required `fileType` must come from the caller; `downloadFile`'s result gets `tempFilePath = apFilePath`
 *   (and keeps Alipay's other fields: no `statusCode` in the typed result). Progress events are Alipay's
 *   (`totalBytesWritten`, also for uploads), not the `totalBytesSent` Taro's types declare.
 * - `Taro.cloud` is the host's `cloud` (weapp plugin: `taro.cloud = wx.cloud`; Alipay: `processApis` copies
 *   `my.cloud`). `Taro.getEnv()` is the factory's `env`.
 */
import { createMy, type FakeMy, type MyControl } from './my'
import { ENV_TYPE, type CallbackResult, type IAnyObject, type request as RequestNs, type SocketTask, type TaroStatic } from './taro-types'
import { createWx, type FakeWx, type WxControl } from './wx'

type AnyRecord = Record<string, any>
type MyCloud = NonNullable<FakeMy['cloud']>

/** What `Taro.connectSocket` resolves to on a mini program: the host's task (or bound globals) plus the
 * success result; `socketTaskId`, `readyState`, `CONNECTING`... and `ws` are declared by Taro from its H5
 * implementation and are not there. */
export type TaroSocketTask = Pick<SocketTask, 'send' | 'close' | 'onOpen' | 'onClose' | 'onError' | 'onMessage'> & { errMsg?: string }

// Copied from `@tarojs/taro` 4.2.1 `types/api/network/upload.d.ts` and `download.d.ts` (same changes as in
// ./taro-types: module augmentation flattened, doc comments shortened).

/** upload.d.ts line 4. */
export declare namespace uploadFile {
  interface Option {
    url: string
    filePath: string
    /** 文件对应的 key，开发者在服务端可以通过这个 key 获取文件的二进制内容 */
    name: string
    header?: IAnyObject
    formData?: IAnyObject
    timeout?: number
    /** 上传的文件名 (@supported h5) */
    fileName?: string
    /** @supported h5 */
    withCredentials?: boolean
    complete?: (res: CallbackResult) => void
    fail?: (res: CallbackResult) => void
    success?: (result: SuccessCallbackResult) => void
  }
  /** upload.d.ts line 36. */
  interface SuccessCallbackResult extends CallbackResult {
    data: string
    statusCode: number
    errMsg: string
    /** @supported weapp */
    header?: IAnyObject
    /** @supported weapp */
    cookies?: string[]
  }
}

/** upload.d.ts line 58. */
export declare namespace UploadTask {
  type OnHeadersReceivedCallback = (result: { header: IAnyObject }) => void
  type OnProgressUpdateCallback = (result: { progress: number; totalBytesExpectedToSend: number; totalBytesSent: number }) => void
  /** upload.d.ts line 80. */
  type UploadTaskPromise = Promise<uploadFile.SuccessCallbackResult> &
    UploadTask & {
      headersReceive: UploadTask['onHeadersReceived']
      progress: UploadTask['onProgressUpdate']
    }
}

/** upload.d.ts line 113. */
export interface UploadTask {
  abort(): void
  onProgressUpdate(callback: UploadTask.OnProgressUpdateCallback): void
  offProgressUpdate(callback: UploadTask.OnProgressUpdateCallback): void
  onHeadersReceived(callback: UploadTask.OnHeadersReceivedCallback): void
  offHeadersReceived(callback: UploadTask.OnHeadersReceivedCallback): void
}

/** download.d.ts line 4. */
export declare namespace downloadFile {
  interface Option {
    url: string
    filePath?: string
    header?: IAnyObject
    timeout?: number
    /** @supported h5 */
    withCredentials?: boolean
    complete?: (res: CallbackResult) => void
    fail?: (res: CallbackResult) => void
    success?: (result: FileSuccessCallbackResult) => void
  }
  /** download.d.ts line 27. */
  interface FileSuccessCallbackResult extends CallbackResult {
    filePath: string
    statusCode: number
    tempFilePath: string
    errMsg: string
    /** @supported weapp */
    header?: IAnyObject
    /** @supported weapp */
    dataLength?: number
    /** @supported weapp */
    cookies?: string[]
    profile?: IAnyObject
  }
}

/** download.d.ts line 59. */
export declare namespace DownloadTask {
  type OnHeadersReceivedCallback = (result: { header: IAnyObject }) => void
  type OnProgressUpdateCallback = (result: { progress: number; totalBytesExpectedToWrite: number; totalBytesWritten: number }) => void
  /** download.d.ts line 81. */
  type DownloadTaskPromise = Promise<downloadFile.FileSuccessCallbackResult> &
    DownloadTask & {
      headersReceive: DownloadTask['onHeadersReceived']
      progress: DownloadTask['onProgressUpdate']
    }
}

/** download.d.ts line 110. */
export interface DownloadTask {
  abort(): void
  onProgressUpdate(callback: DownloadTask.OnProgressUpdateCallback): void
  offProgressUpdate(callback: DownloadTask.OnProgressUpdateCallback): void
  onHeadersReceived(callback: DownloadTask.OnHeadersReceivedCallback): void
  offHeadersReceived(callback: DownloadTask.OnHeadersReceivedCallback): void
}

/** `Taro.uploadFile`'s `UploadTaskPromise` as the runtime builds it: no `headersReceive`. */
export type TaroUploadTaskPromise = Omit<UploadTask.UploadTaskPromise, 'headersReceive'> & Promise<uploadFile.SuccessCallbackResult>
/** `Taro.downloadFile`'s `DownloadTaskPromise` as the runtime builds it: no `headersReceive`. */
export type TaroDownloadTaskPromise = Omit<DownloadTask.DownloadTaskPromise, 'headersReceive'> & Promise<downloadFile.FileSuccessCallbackResult>

export interface FakeTaro<Cloud> extends Omit<TaroStatic<Cloud>, 'connectSocket'> {
  connectSocket(option: Parameters<TaroStatic['connectSocket']>[0]): Promise<TaroSocketTask>
  /** upload.d.ts line 199. */
  uploadFile(option: uploadFile.Option): TaroUploadTaskPromise
  /** download.d.ts line 171. */
  downloadFile(option: downloadFile.Option): TaroDownloadTaskPromise
}

export function createTaro(options?: { env?: 'WEAPP'; cloud?: WxCloud }): { Taro: FakeTaro<WxCloud | undefined>; wx: FakeWx; control: WxControl }
export function createTaro(options: { env: 'ALIPAY'; cloud?: MyCloud }): { Taro: FakeTaro<MyCloud | undefined>; my: FakeMy; control: MyControl }
export function createTaro(options: { env?: 'WEAPP' | 'ALIPAY'; cloud?: WxCloud | MyCloud } = {}) {
  if (options.env === 'ALIPAY') {
    const { my, control } = createMy(options.cloud ? { cloud: options.cloud as MyCloud } : {})
    return { Taro: taroOverMy(my), my, control }
  }
  const { wx, control } = createWx(options.cloud ? { cloud: options.cloud as WxCloud } : {})
  return { Taro: taroOverWx(wx), wx, control }
}

function taroOverWx(wx: FakeWx): FakeTaro<WxCloud | undefined> {
  const host = wx as unknown as AnyRecord
  return {
    request: link(normalRequest(host)),
    connectSocket: promisified(host, 'connectSocket'),
    uploadFile: promisified(host, 'uploadFile'),
    downloadFile: promisified(host, 'downloadFile'),
    getStorageSync: (key) => wx.getStorageSync(key),
    setStorageSync: (key, data) => wx.setStorageSync(key, data),
    removeStorageSync: (key) => wx.removeStorageSync(key),
    onAppShow: (cb) => host.onAppShow(cb),
    onAppHide: (cb) => host.onAppHide(cb),
    offAppShow: (cb) => host.offAppShow(cb),
    offAppHide: (cb) => host.offAppHide(cb),
    getEnv: () => ENV_TYPE.WEAPP,
    ENV_TYPE,
    cloud: wx.cloud,
  }
}

function taroOverMy(my: FakeMy): FakeTaro<MyCloud | undefined> {
  const host = my as unknown as AnyRecord
  return {
    request: link(alipayRequest(my)),
    connectSocket: promisified(host, 'connectSocket', {
      // taro-platform-alipay modifyAsyncResult('connectSocket'): the global socket's functions.
      modifyAsyncResult: (res) => {
        res.onClose = (cb: never) => my.onSocketClose(cb)
        res.onError = (cb: never) => my.onSocketError(cb)
        res.onMessage = (cb: never) => my.onSocketMessage(cb)
        res.onOpen = (cb: never) => my.onSocketOpen(cb)
        res.send = (opt: never) => my.sendSocketMessage(opt)
        res.close = () => my.closeSocket()
      },
    }),
    // apiDiff.uploadFile `change: [{ old: 'name', new: 'fileName' }]`, applied by transformMeta.
    uploadFile: promisified(host, 'uploadFile', {
      transformMeta: (options) => {
        options.fileName = options.name
      },
    }),
    // asyncResultApiDiff.downloadFile `set: [{ key: 'tempFilePath', value: (res) => res.apFilePath }]`.
    downloadFile: promisified(host, 'downloadFile', {
      modifyAsyncResult: (res) => {
        res.tempFilePath = res.apFilePath
      },
    }),
    getStorageSync: (key) => {
      const res = my.getStorageSync({ key }) as AnyRecord
      const data = Object.prototype.hasOwnProperty.call(res, 'data') ? res.data : res.APDataStorage ?? null
      return data === null ? '' : data
    },
    setStorageSync: (key, data) => void my.setStorageSync({ key, data }),
    removeStorageSync: (key) => void my.removeStorageSync({ key }),
    onAppShow: (cb) => host.onAppShow(cb),
    onAppHide: (cb) => host.onAppHide(cb),
    offAppShow: (cb) => host.offAppShow(cb),
    offAppHide: (cb) => host.offAppHide(cb),
    getEnv: () => ENV_TYPE.ALIPAY,
    ENV_TYPE,
    cloud: my.cloud,
  }
}

type RawRequest = (options: AnyRecord) => Promise<any> & AnyRecord

/** `getNormalRequest(global)` of native-apis.ts. */
function normalRequest(global: AnyRecord): RawRequest {
  return (options) => {
    const originSuccess = options.success
    const originFail = options.fail
    const originComplete = options.complete
    let requestTask: AnyRecord | undefined
    const p: AnyRecord & Promise<any> = new Promise((resolve, reject) => {
      options.success = (res: unknown) => {
        originSuccess && originSuccess(res)
        resolve(res)
      }
      options.fail = (res: unknown) => {
        originFail && originFail(res)
        reject(res)
      }
      options.complete = (res: unknown) => {
        originComplete && originComplete(res)
      }
      requestTask = global.request(options)
    }) as never
    equipTaskMethods(requestTask, p)
    p.abort = (cb?: () => void) => {
      cb && cb()
      if (requestTask) requestTask.abort()
      return p
    }
    return p
  }
}

/** `request(options)` of taro-platform-alipay/src/apis.ts. */
function alipayRequest(my: FakeMy): RawRequest {
  return (options) => {
    options.headers = { 'content-type': 'application/json' }
    if (options.header) {
      for (const k in options.header) options.headers[k.toLocaleLowerCase()] = options.header[k]
      delete options.header
    }
    const originSuccess = options.success
    const originFail = options.fail
    const originComplete = options.complete
    let requestTask: AnyRecord | undefined
    const p: AnyRecord & Promise<any> = new Promise((resolve, reject) => {
      options.success = (res: AnyRecord) => {
        res.statusCode = res.status
        delete res.status
        res.header = res.headers
        delete res.headers
        originSuccess && originSuccess(res)
        resolve(res)
      }
      options.fail = (res: unknown) => {
        originFail && originFail(res)
        reject(res)
      }
      options.complete = (res: unknown) => {
        originComplete && originComplete(res)
      }
      const nativeRequest = my.canIUse('request') ? my.request : (my as unknown as AnyRecord).httpRequest
      requestTask = nativeRequest(options)
    }) as never
    p.abort = (cb?: () => void) => {
      cb && cb()
      if (requestTask) requestTask.abort()
      return p
    }
    return p
  }
}

/** `equipTaskMethodsIntoPromise` of native-apis.ts. */
function equipTaskMethods(task: AnyRecord | undefined, promise: AnyRecord): void {
  if (!task) return
  for (const method of ['abort', 'onHeadersReceived', 'offHeadersReceived', 'onProgressUpdate', 'offProgressUpdate', 'onChunkReceived', 'offChunkReceived']) {
    if (method in task) promise[method] = task[method].bind(task)
  }
}

/** `taro.request = link.request.bind(link)`: the interceptor chain with only Taro's own interceptor. */
function link(request: RawRequest): TaroStatic['request'] {
  return ((requestParams: RequestNs.Option) => {
    // Link.request: `chain.proceed({ ...requestParams })`; Chain.proceed re-wraps the Promise and copies
    // the function properties (abort, listeners) onto the new one.
    const p = request({ ...requestParams })
    const res: AnyRecord & Promise<any> = p.catch((err: unknown) => Promise.reject(err)) as never
    for (const k of Object.keys(p)) if (typeof p[k] === 'function') res[k] = p[k]
    return res
  }) as TaroStatic['request']
}

/** Taro's per-platform hooks of `processApis`, as far as these APIs use them. */
interface ApiHooks {
  /** `transformMeta(key, options)`: changes the caller's own options object. */
  transformMeta?(options: AnyRecord): void
  /** `modifyAsyncResult(key, res)`: changes the success result before anyone sees it. */
  modifyAsyncResult?(res: AnyRecord): void
}

/** The `needPromiseApis` branch of `processApis`, for `connectSocket`, `uploadFile` and `downloadFile`. */
function promisified(global: AnyRecord, key: 'connectSocket', hooks?: ApiHooks): FakeTaro<unknown>['connectSocket']
function promisified(global: AnyRecord, key: 'uploadFile', hooks?: ApiHooks): FakeTaro<unknown>['uploadFile']
function promisified(global: AnyRecord, key: 'downloadFile', hooks?: ApiHooks): FakeTaro<unknown>['downloadFile']
function promisified(global: AnyRecord, key: 'connectSocket' | 'uploadFile' | 'downloadFile', hooks: ApiHooks = {}): (options?: AnyRecord) => any {
  return (options: AnyRecord = {}) => {
    hooks.transformMeta?.(options)
    let task: AnyRecord | undefined
    const obj: AnyRecord = Object.assign({}, options)
    const p: AnyRecord & Promise<unknown> = new Promise((resolve, reject) => {
      obj.success = (res: AnyRecord) => {
        hooks.modifyAsyncResult?.(res)
        options.success?.(res)
        if (key === 'connectSocket') resolve(Promise.resolve().then(() => (task ? Object.assign(task, res) : res)))
        else resolve(res)
      }
      obj.fail = (res: unknown) => {
        options.fail?.(res)
        reject(res)
      }
      obj.complete = (res: unknown) => {
        options.complete?.(res)
      }
      task = global[key](obj)
    }) as never
    // "给 promise 对象挂载属性"
    if (key === 'uploadFile' || key === 'downloadFile') {
      equipTaskMethods(task, p)
      p.progress = (cb: unknown) => {
        task?.onProgressUpdate(cb)
        return p
      }
      p.abort = (cb?: () => void) => {
        cb?.()
        task?.abort()
        return p
      }
    }
    return p
  }
}
