/**
 * A `Platform` over Alipay's `my`: `headers`/`status` (older base libraries) as well as
 * `header`/`statusCode`, `{ error, errorMessage }` failures, `my.connectSocket({ multiple: true })` for a
 * SocketTask (without it Alipay drives one global socket), `getStorageSync({ key })` → `{ data }`, and
 * `my.uploadFile`/`my.downloadFile` with Alipay's own fields (`fileType`, `fileName`, `apFilePath`).
 */
import type { HttpResponse, KeyValueStorage, Platform } from '../../src/platform'
import { bindSocketTask, withHostParts, type WxSocketTask } from './wx-platform'

/** An Alipay failure. */
export interface MyFailure {
  error?: number
  errorMessage?: string
  errMsg?: string
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
  /** `name` is the form field (lib.my.d.ts, required); `fileName` its older spelling, which uni and Taro send. */
  uploadFile?(option: {
    url: string
    filePath: string
    name: string
    fileName: string
    fileType: 'image' | 'video' | 'audio'
    formData: Record<string, string>
    hideLoading: boolean
    success: (result: { statusCode?: number; status?: number; data: unknown }) => void
    fail: (error: MyFailure) => void
  }): unknown
  /** Typed `{ apFilePath, tempFilePath, headers, header }`; `tempFilePath` from base library 2.7.23 and
   * `statusCode` from 2.8.8 (opendocs), so either may be missing. */
  downloadFile?(option: {
    url: string
    success: (result: { statusCode?: number; tempFilePath?: string; apFilePath?: string }) => void
    fail: (error: MyFailure) => void
  }): unknown
  getStorageSync?(option: { key: string }): { data?: unknown } | undefined
  setStorageSync?(option: { key: string; data: string }): unknown
  removeStorageSync?(option: { key: string }): unknown
  onAppShow?(listener: () => void): unknown
  onAppHide?(listener: () => void): unknown
}

const describe = (error: MyFailure) => error.errorMessage || error.errMsg || `error ${String(error.error)}`

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
  const { connectSocket } = api
  if (connectSocket) {
    platform.connectSocket = (url, handlers) => {
      const task = connectSocket.call(api, { url, multiple: true, fail: (error) => handlers.onError(describe(error)) }) as WxSocketTask | undefined
      if (!task) throw new Error('my.connectSocket gave no SocketTask (base library 1.x: no multiple sockets)')
      return bindSocketTask(task, handlers)
    }
  }
  const { uploadFile, downloadFile } = api
  if (uploadFile) {
    platform.uploadFile = (options) =>
      new Promise((resolve, reject) => {
        uploadFile.call(api, {
          url: options.url,
          filePath: options.filePath,
          name: options.name,
          fileName: options.name,
          // Required, and documented as one of 'image' | 'video' | 'audio' ("文件类型"), with no effect
          // described beyond labelling the upload: the form still carries the file's bytes, which the storage
          // keeps under the cloud path whatever the label (not verified on a device). Nothing here knows the
          // real type (neither path says it reliably), so no value is true for every file; 'image' is the
          // commonest upload and what Alipay's own samples pass (antd-mini's uploader): the least wrong.
          fileType: 'image',
          formData: options.formData,
          // wx.cloud.uploadFile shows nothing; Alipay would cover the page with its loading toast.
          hideLoading: true,
          success: (result) => resolve({ statusCode: result.statusCode || result.status || 0, data: result.data }),
          fail: (error) => reject(new Error(describe(error))),
        })
      })
  }
  if (downloadFile) {
    platform.downloadFile = ({ url }) =>
      new Promise((resolve, reject) => {
        downloadFile.call(api, {
          url,
          // No statusCode before base library 2.8.8 (nor in the typings): there a success is the file itself.
          success: (result) => resolve({ statusCode: result.statusCode || 200, tempFilePath: result.tempFilePath || result.apFilePath || '' }),
          fail: (error) => reject(new Error(describe(error))),
        })
      })
  }
  return withHostParts(platform, api, myStorage(api), native)
}
