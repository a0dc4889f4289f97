/** The members of `Taro` (from `@tarojs/taro`, a peer dependency) mpcloud uses, with Taro's conventions. */
import type { WxSocketTask } from '../shared/wx-platform'

export interface TaroApi {
  /** A Promise of the success result that also has `abort()` (`RequestTask<T> extends Promise`). */
  request(option: { url: string; method: 'POST'; data: string; header: Record<string, string>; timeout: number }): Promise<{ statusCode: number; data: unknown }>
  /** A Promise of the SocketTask (not the task itself, unlike wx). */
  connectSocket?(option: { url: string }): Promise<WxSocketTask>
  /**
   * `UploadTaskPromise`: a Promise of the success result with the task's methods. Taro passes unknown keys
   * on to the host: `fileType` and `hideLoading` are Alipay's (not in Taro's types); on Alipay Taro also
   * copies `name` to `fileName`.
   */
  uploadFile?(option: {
    url: string
    filePath: string
    name: string
    formData: Record<string, string>
    fileType?: 'image' | 'video' | 'audio'
    hideLoading?: boolean
    /** H5 only: whether the XHR sends cookies (Taro's default: true). */
    withCredentials?: boolean
  }): Promise<{ statusCode: number; data: unknown }>
  /**
   * `DownloadTaskPromise`. On Alipay the result is Alipay's with `tempFilePath = apFilePath` added, and
   * without `statusCode` before base library 2.8.8.
   */
  downloadFile?(option: { url: string; withCredentials?: boolean }): Promise<{ statusCode?: number; tempFilePath?: string; apFilePath?: string }>
  getStorageSync?(key: string): unknown
  setStorageSync?(key: string, data: string): unknown
  removeStorageSync?(key: string): unknown
  onAppShow?(listener: () => void): unknown
  onAppHide?(listener: () => void): unknown
  /** `'WEAPP'`, `'ALIPAY'`, `'WEB'`... */
  getEnv?(): string
  /** On weapp Taro sets `Taro.cloud = wx.cloud`. */
  cloud?: unknown
}
