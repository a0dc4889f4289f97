/**
 * A `Platform` over Alipay's `my`: `headers`/`status` (older base libraries) as well as
 * `header`/`statusCode`, `{ error, errorMessage }` failures, `my.connectSocket({ multiple: true })` for a
 * SocketTask (without it Alipay drives one global socket), and `getStorageSync({ key })` → `{ data }`.
 */
import type { HttpResponse, KeyValueStorage, Platform, Socket, SocketHandlers } from '../../src/platform'

/** An Alipay failure. */
export interface MyFailure {
  error?: number
  errorMessage?: string
  errMsg?: string
}

/** Alipay's SocketTask: each event's payload sits under `data` (`IOnSocketTask*Data`, @mini-types/my). */
export interface MySocketTask {
  send(option: { data: string; fail?: (error: MyFailure) => void }): unknown
  close(option: { code?: number; reason?: string }): unknown
  onOpen(listener: (event: unknown) => void): unknown
  onMessage(listener: (event: { data: { data: string | ArrayBuffer; isBuffer?: boolean } }) => void): unknown
  onClose(listener: (event: { data?: { code?: number; reason?: string } }) => void): unknown
  onError(listener: (event: MyFailure & { data?: unknown }) => void): unknown
}

/** The members of `my` mpcloud uses. */
export interface MyApi {
  request(option: {
    url: string
    method: 'POST'
    data: string
    headers: Record<string, string>
    timeout: number
    dataType: 'text'
    success: (result: { status?: number; statusCode?: number; data: unknown }) => void
    fail: (error: MyFailure) => void
  }): unknown
  connectSocket?(option: { url: string; multiple: true; fail?: (error: MyFailure) => void }): unknown
  getStorageSync?(option: { key: string }): { data?: unknown } | undefined
  setStorageSync?(option: { key: string; data: string }): unknown
  removeStorageSync?(option: { key: string }): unknown
  onAppShow?(listener: () => void): unknown
  onAppHide?(listener: () => void): unknown
}

const describe = (error: MyFailure) => error.errorMessage || error.errMsg || `error ${String(error.error)}`

function bindMySocketTask(task: MySocketTask, handlers: SocketHandlers): Socket {
  task.onOpen(() => handlers.onOpen())
  task.onMessage((event) => handlers.onMessage(String(event.data.data)))
  // Alipay reports no close code: 1006 (abnormal) is what a client must assume.
  task.onClose((event) => handlers.onClose((event.data && event.data.code) || 1006, (event.data && event.data.reason) || ''))
  task.onError((event) => handlers.onError(describe(event)))
  return {
    send: (data) => task.send({ data, fail: (error) => handlers.onError(describe(error)) }),
    close: (code, reason) => task.close({ code, reason }),
  }
}

function myStorage(api: MyApi): KeyValueStorage | undefined {
  const { getStorageSync, setStorageSync, removeStorageSync } = api
  if (!getStorageSync || !setStorageSync || !removeStorageSync) return undefined
  return {
    get: (key) => {
      const result = getStorageSync.call(api, { key })
      const value = result && result.data
      return typeof value === 'string' && value ? value : undefined
    },
    set: (key, data) => void setStorageSync.call(api, { key, data }),
    remove: (key) => void removeStorageSync.call(api, { key }),
  }
}

/** The platform of Alipay; `native` is its cloud context, when the app uses one. */
export function myPlatform(api: MyApi, native?: Platform['native']): Platform {
  const platform: Platform = {
    request: (options) =>
      new Promise<HttpResponse>((resolve, reject) => {
        api.request({
          url: options.url,
          method: 'POST',
          data: options.data,
          headers: options.headers,
          timeout: options.timeout,
          // Text, parsed by the transport: Alipay reports a JSON body it cannot parse as error 14.
          dataType: 'text',
          success: (result) => resolve({ statusCode: result.statusCode || result.status || 0, data: result.data }),
          fail: (error) => reject(new Error(describe(error))),
        })
      }),
  }
  const { connectSocket, onAppShow, onAppHide } = api
  if (connectSocket) {
    platform.connectSocket = (url, handlers) => {
      const task = connectSocket.call(api, { url, multiple: true, fail: (error) => handlers.onError(describe(error)) }) as MySocketTask | undefined
      if (!task) throw new Error('my.connectSocket gave no SocketTask (base library 1.x: no multiple sockets)')
      return bindMySocketTask(task, handlers)
    }
  }
  if (onAppShow) platform.onAppShow = (listener) => void onAppShow.call(api, listener)
  if (onAppHide) platform.onAppHide = (listener) => void onAppHide.call(api, listener)
  const storage = myStorage(api)
  if (storage) platform.storage = storage
  if (native) platform.native = native
  return platform
}
