/**
 * `mpcloud/uni`: `wx.cloud`'s API in uni-app. On mp-weixin it uses WeChat's cloud, on mp-alipay Alipay's;
 * on H5 and App, `cloud.init({ env, endpoint })` over uni's own request and socket.
 *
 * @example
 * import cloud from 'mpcloud/uni'
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
 */
import { hostCloud } from '../shared/host-cloud'
import { missingHost } from '../shared/host-global'
import { wxPlatform, type WxLikeApi } from '../shared/wx-platform'

declare const uni: WxLikeApi | undefined

export const cloud = hostCloud(() => {
  if (typeof uni === 'undefined') throw missingHost('mpcloud/uni', 'uni')
  return wxPlatform(uni)
})
export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export * from '../../src/index'
