/**
 * A `Platform` over a wx-style host API: WeChat's `wx`, and the same conventions where Taro and uni-app
 * follow them (`header`/`statusCode`, SocketTask with `onOpen`/`onMessage`/..., `getStorageSync(key)`).
 * Every call passes callbacks, so each host returns its Task and never its Promise form: that sidesteps
 * uni-app's Vue 2 `[err, res]` vs Vue 3 promise split and wx's "no Promise for request" rule alike.
 */
import type { HttpResponse, KeyValueStorage, Platform, Socket, SocketHandlers } from '../../src/platform'

/** A wx SocketTask, as far as mpcloud uses it. */
export interface WxSocketTask {
  send(option: { data: string; fail?: (error: { errMsg: string }) => void }): unknown
  close(option: { code?: number; reason?: string }): unknown
  onOpen(listener: (result: unknown) => void): unknown
  onMessage(listener: (result: { data: string | ArrayBuffer }) => void): unknown
  onClose(listener: (result: { code: number; reason: string }) => void): unknown
  onError(listener: (result: { errMsg: string }) => void): unknown
}

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
  connectSocket?(option: { url: string; success?: () => void; fail?: (error: { errMsg: string }) => void }): unknown
  uploadFile?(option: {
    url: string
    filePath: string
    name: string
    formData: Record<string, string>
    success: (result: { statusCode: number; data: unknown }) => void
    fail: (error: { errMsg: string }) => void
  }): unknown
  downloadFile?(option: { url: string; success: (result: { statusCode: number; tempFilePath: string }) => void; fail: (error: { errMsg: string }) => void }): unknown
  getStorageSync?(key: string): unknown
  setStorageSync?(key: string, data: string): unknown
  removeStorageSync?(key: string): unknown
  onAppShow?(listener: () => void): unknown
  onAppHide?(listener: () => void): unknown
}

/** Wires a SocketTask to mpcloud's socket handlers. */
export function bindSocketTask(task: WxSocketTask, handlers: SocketHandlers): Socket {
  task.onOpen(() => handlers.onOpen())
  task.onMessage((result) => handlers.onMessage(typeof result.data === 'string' ? result.data : String(result.data)))
  task.onClose((result) => handlers.onClose(result.code, result.reason || ''))
  task.onError((result) => handlers.onError(result.errMsg))
  return {
    send: (data) => task.send({ data, fail: (error) => handlers.onError(error.errMsg) }),
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
export function wxRequest(api: WxLikeApi): Platform['request'] {
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

/** The platform of a wx-style host; `native` is the host's own cloud, when it has one. */
export function wxPlatform(api: WxLikeApi, native?: Platform['native']): Platform {
  const platform: Platform = { request: wxRequest(api) }
  const { connectSocket, onAppShow, onAppHide } = api
  if (connectSocket) {
    platform.connectSocket = (url, handlers) => {
      let failed = false
      const task = connectSocket.call(api, {
        url,
        fail: (error) => {
          failed = true
          handlers.onError(error.errMsg)
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
        uploadFile.call(api, Object.assign({ success: resolve, fail: (error: { errMsg: string }) => reject(new Error(error.errMsg)) }, options))
      })
  }
  if (downloadFile) {
    platform.downloadFile = ({ url }) =>
      new Promise((resolve, reject) => {
        downloadFile.call(api, { url, success: resolve, fail: (error) => reject(new Error(error.errMsg)) })
      })
  }
  if (onAppShow) platform.onAppShow = (listener) => void onAppShow.call(api, listener)
  if (onAppHide) platform.onAppHide = (listener) => void onAppHide.call(api, listener)
  const storage = wxStorage(api)
  if (storage) platform.storage = storage
  if (native) platform.native = native
  return platform
}
