/**
 * `mpcloud/wx`: drop-in for `wx.cloud` in a WeChat mini program.
 *
 * @example
 * import cloud from 'mpcloud/wx'
 * cloud.init({ env: 'my-env' })                                        // WeChat's own cloud
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })  // or the local emulator
 */
import { createNativeWatch, type Platform } from '../../src/index'
import { hostCloud } from '../shared/host-cloud'
import { missingHost } from '../shared/host-global'
import { wxNative, type WxCloudLike } from '../shared/wx-native'
import { wxPlatform, type WxLikeApi } from '../shared/wx-platform'

declare const wx: (WxLikeApi & { cloud?: WxCloudLike }) | undefined

/**
 * WeChat's primitives as mpcloud's `Platform`, for composing a smaller cloud with `createCloud`: pass
 * `wxNative` to reach wx.cloud (it brings the decoder; `(c) => wxNative(c, createNativeWatch)` adds its
 * watch), leave it out for endpoint-only bundles.
 */
export function wxHost(native?: (cloud: WxCloudLike | undefined) => Platform['native']): Platform {
  if (typeof wx === 'undefined') throw missingHost('mpcloud/wx', 'wx')
  return wxPlatform(wx, native && native(wx.cloud))
}

/** The drop-in `wx.cloud`: everything (database, watch, functions, files), native or over an endpoint. */
export const cloud = /*#__PURE__*/ hostCloud(() => wxHost((host) => wxNative(host, createNativeWatch)))
export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export { wxNative }
export * from '../../src/index'
