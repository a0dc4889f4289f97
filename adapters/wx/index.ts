/**
 * `mpcloud/wx`: drop-in for `wx.cloud` in a WeChat mini program.
 *
 * @example
 * import cloud from 'mpcloud/wx'
 * cloud.init({ env: 'my-env' })                                        // WeChat's own cloud
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })  // or the local emulator
 */
import { hostCloud } from '../shared/host-cloud'
import { missingHost } from '../shared/host-global'
import { wxNative, type WxCloudLike } from '../shared/wx-native'
import { wxPlatform, type WxLikeApi } from '../shared/wx-platform'

declare const wx: (WxLikeApi & { cloud?: WxCloudLike }) | undefined

export const cloud = hostCloud(() => {
  if (typeof wx === 'undefined') throw missingHost('mpcloud/wx', 'wx')
  return wxPlatform(wx, wxNative(wx.cloud))
})
export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export * from '../../src/index'
