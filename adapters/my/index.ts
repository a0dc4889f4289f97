/**
 * `mpcloud/my`: `wx.cloud`'s API in an Alipay mini program.
 *
 * @example
 * import cloud from 'mpcloud/my'
 * cloud.init({ env: 'my-env' })                                        // Alipay's cloud context
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })  // or the local emulator
 */
import { hostCloud } from '../shared/host-cloud'
import { missingHost } from '../shared/host-global'
import { myNative, type MyCloudLike } from '../shared/my-native'
import { myPlatform, type MyApi } from '../shared/my-platform'

declare const my: (MyApi & { cloud?: MyCloudLike }) | undefined

export const cloud = /*#__PURE__*/ hostCloud(() => {
  if (typeof my === 'undefined') throw missingHost('mpcloud/my', 'my')
  return myPlatform(my, myNative(my.cloud))
})
export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export * from '../../src/index'
