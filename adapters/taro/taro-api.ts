/** The members of `Taro` (from `@tarojs/taro`, a peer dependency) mpcloud uses, with Taro's conventions. */
import type { WxSocketTask } from '../shared/wx-platform'

export interface TaroApi {
  /** A Promise of the success result that also has `abort()` (`RequestTask<T> extends Promise`). */
  request(option: { url: string; method: 'POST'; data: string; header: Record<string, string>; timeout: number }): Promise<{ statusCode: number; data: unknown }>
  /** A Promise of the SocketTask (not the task itself, unlike wx). */
  connectSocket?(option: { url: string }): Promise<WxSocketTask>
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
