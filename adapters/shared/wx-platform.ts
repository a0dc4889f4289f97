/**
 * A `Platform` over a wx-style host API: WeChat's `wx`, and the same conventions where Taro and uni-app
 * follow them (`header`/`statusCode`, SocketTask with `onOpen`/`onMessage`/..., `getStorageSync(key)`).
 * Every call passes callbacks, so each host returns its Task and never its Promise form: that sidesteps
 * uni-app's Vue 2 `[err, res]` vs Vue 3 promise split and wx's "no Promise for request" rule alike.
 */
import type { HttpResponse, KeyValueStorage, Platform, Socket, SocketHandlers } from '../../src/platform'

/** A host failure: wx's `{ errMsg }`, Alipay's `{ error, errorMessage }`. */
interface HostError {
  errMsg?: string
  errorMessage?: string
  error?: number
}

/**
 * A SocketTask, as far as mpcloud uses it: wx's, or Alipay's (uni on mp-alipay, `my.connectSocket({
 * multiple: true })`), whose events carry their payload under `data` and whose close has no code.
 */
export interface WxSocketTask {
  send(option: { data: string; fail?: (error: HostError) => void }): unknown
  close(option: { code?: number; reason?: string }): unknown
  onOpen(listener: (result: unknown) => void): unknown
  onMessage(listener: (result: { data: string | ArrayBuffer | { data: string | ArrayBuffer } }) => void): unknown
  onClose(listener: (result: { code?: number; reason?: string; data?: { code?: number; reason?: string } }) => void): unknown
  onError(listener: (result: HostError) => void): unknown
}

const describeError = (error: HostError | undefined) => (error && (error.errMsg || error.errorMessage)) || `socket error ${error ? String(error.error) : ''}`

/** The members of a wx-style host API mpcloud uses (`wx`, `uni`, and Taro's once its socket is resolved). */
export interface WxLikeApi {
  request(option: {
    url: string
    method: 'POST'
    data: string
    header: Record<string, string>
    timeout: number
    success: (result: { statusCode: number; data: unknown }) => void
    fail: (error: { errMsg: string }) => void
  }): unknown
  connectSocket?(option: { url: string; multiple: true; success?: () => void; fail?: (error: HostError) => void }): unknown
  uploadFile?(option: {
    url: string
    filePath: string
    name: string
    formData: Record<string, string>
    fileType: 'image'
    hideLoading: true
    success: (result: { statusCode: number; data: unknown }) => void
    fail: (error: { errMsg: string }) => void
  }): unknown
  downloadFile?(option: { url: string; success: (result: { statusCode?: number; tempFilePath: string }) => void; fail: (error: { errMsg: string }) => void }): unknown
  getStorageSync?(key: string): unknown
  setStorageSync?(key: string, data: string): unknown
  removeStorageSync?(key: string): unknown
  onAppShow?(listener: () => void): unknown
  onAppHide?(listener: () => void): unknown
}

/** Wires a SocketTask to mpcloud's socket handlers. */
export function bindSocketTask(task: WxSocketTask, handlers: SocketHandlers): Socket {
  task.onOpen(() => handlers.onOpen())
  task.onMessage((result) => {
    const payload = result.data
    handlers.onMessage(String(payload && typeof payload === 'object' && 'data' in payload ? payload.data : payload))
  })
  // Alipay reports no close code: 1006 (abnormal) is what a client must assume.
  task.onClose((result) => {
    const info = result.data || result
    handlers.onClose(info.code || 1006, info.reason || '')
  })
  task.onError((result) => handlers.onError(describeError(result)))
  return {
    send: (data) => task.send({ data, fail: (error) => handlers.onError(describeError(error)) }),
    close: (code, reason) => task.close({ code, reason }),
  }
}

/** Storage over `getStorageSync(key)`; wx answers '' for a missing key. */
export function wxStorage(api: WxLikeApi): KeyValueStorage | undefined {
  const { getStorageSync, setStorageSync, removeStorageSync } = api
  if (!getStorageSync || !setStorageSync || !removeStorageSync) return undefined
  return {
    get: (key) => {
      const value = getStorageSync.call(api, key)
      return typeof value === 'string' && value ? value : undefined
    },
    set: (key, value) => void setStorageSync.call(api, key, value),
    remove: (key) => void removeStorageSync.call(api, key),
  }
}

/** POSTs through `api.request`, resolving any HTTP answer and rejecting only when none came. */
function wxRequest(api: WxLikeApi): Platform['request'] {
  return (options) =>
    new Promise<HttpResponse>((resolve, reject) => {
      api.request({
        url: options.url,
        method: 'POST',
        data: options.data,
        header: options.headers,
        timeout: options.timeout,
        success: (result) => resolve({ statusCode: result.statusCode, data: result.data }),
        fail: (error) => reject(new Error(error.errMsg)),
      })
    })
}

/** What every host platform adds last: app lifecycle hooks, storage, and the host's own cloud. */
export function withHostParts(
  platform: Platform,
  api: { onAppShow?(listener: () => void): unknown; onAppHide?(listener: () => void): unknown },
  storage: KeyValueStorage | undefined,
  native: Platform['native'] | undefined,
): Platform {
  const { onAppShow, onAppHide } = api
  if (onAppShow) platform.onAppShow = (listener) => void onAppShow.call(api, listener)
  if (onAppHide) platform.onAppHide = (listener) => void onAppHide.call(api, listener)
  if (storage) platform.storage = storage
  if (native) platform.native = native
  return platform
}

/** The platform of a wx-style host; `native` is the host's own cloud, when it has one. */
export function wxPlatform(api: WxLikeApi, native?: Platform['native']): Platform {
  const platform: Platform = { request: wxRequest(api) }
  const { connectSocket } = api
  if (connectSocket) {
    platform.connectSocket = (url, handlers) => {
      let failed = false
      const task = connectSocket.call(api, {
        url,
        // uni on mp-alipay returns a SocketTask only with `multiple: true`; WeChat ignores it.
        multiple: true,
        fail: (error) => {
          failed = true
          handlers.onError(describeError(error))
        },
      }) as WxSocketTask | undefined
      if (!task || failed) throw new Error(`connectSocket(${url}) gave no SocketTask`)
      return bindSocketTask(task, handlers)
    }
  }
  const { uploadFile, downloadFile } = api
  if (uploadFile) {
    platform.uploadFile = (options) =>
      new Promise((resolve, reject) => {
        // uni on mp-alipay passes these on to my.uploadFile, which requires fileType (a label only) and
        // otherwise covers the page with a loading toast; WeChat ignores both.
        const extra = { fileType: 'image' as const, hideLoading: true as const }
        uploadFile.call(api, Object.assign(extra, options, { success: resolve, fail: (error: { errMsg: string }) => reject(new Error(error.errMsg)) }))
      })
  }
  if (downloadFile) {
    platform.downloadFile = ({ url }) =>
      new Promise((resolve, reject) => {
        // Alipay (under uni) reports no status for a download: a success is the file.
        downloadFile.call(api, { url, success: (result) => resolve({ statusCode: result.statusCode || 200, tempFilePath: result.tempFilePath }), fail: (error) => reject(new Error(error.errMsg)) })
      })
  }
  return withHostParts(platform, api, wxStorage(api), native)
}
