/**
 * `mpcloud/uni`: `wx.cloud`'s API in uni-app. On mp-weixin it uses WeChat's cloud, on mp-alipay Alipay's;
 * on H5 and App, `cloud.init({ env, endpoint })` over uni's own request and socket.
 *
 * @example
 * import cloud from 'mpcloud/uni'
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
 */
import { createNativeWatch } from '../../src/index'
import { hostCloud } from '../shared/host-cloud'
import { missingHost } from '../shared/host-global'
import { myNative, type MyCloudLike } from '../shared/my-native'
import { wxNative, type WxCloudLike } from '../shared/wx-native'
import { wxPlatform, type WxLikeApi } from '../shared/wx-platform'

declare const uni: (WxLikeApi & { getSystemInfoSync?(): { uniPlatform?: string } }) | undefined
// On mp-weixin and mp-alipay the host's own globals carry its cloud.
declare const wx: { cloud?: WxCloudLike } | undefined
declare const my: { cloud?: MyCloudLike } | undefined

/**
 * `process.env.UNI_PLATFORM`, written in full so uni's build replaces it; at run time (no `process` in a
 * mini program) `uni.getSystemInfoSync().uniPlatform` says the same.
 */
export function uniPlatform(): string | undefined {
  let platform: string | undefined
  try {
    // @ts-ignore `process` is uni's build-time constant here, not Node's (no Node types in this build)
    platform = process.env.UNI_PLATFORM
  } catch {
    platform = undefined
  }
  const info = !platform && typeof uni !== 'undefined' && uni.getSystemInfoSync ? uni.getSystemInfoSync() : undefined
  return platform || (info && info.uniPlatform)
}

declare const __MPCLOUD_TARGET__: string | undefined

export const cloud = /*#__PURE__*/ hostCloud(() => {
  if (typeof uni === 'undefined') throw missingHost('mpcloud/uni', 'uni')
  // Each test reads the target whole, so that the one the build plugins compiled in folds it and the other
  // host's native code is dropped (plugins/define.ts); minifiers do not reliably carry a variable's value into a test.
  const native =
    (typeof __MPCLOUD_TARGET__ !== 'undefined' ? __MPCLOUD_TARGET__ : uniPlatform()) === 'mp-weixin' && typeof wx !== 'undefined'
      ? wxNative(wx.cloud, createNativeWatch)
      : (typeof __MPCLOUD_TARGET__ !== 'undefined' ? __MPCLOUD_TARGET__ : uniPlatform()) === 'mp-alipay' && typeof my !== 'undefined'
        ? myNative(my.cloud)
        : undefined
  return wxPlatform(uniApis(), native)
})

/**
 * The uni APIs mpcloud uses, each read as a literal `uni.<name>`: uni's H5 build (`uni build`) tree-shakes
 * its API, turning each `uni.<name>` it finds in the code (this package's included) into an import and
 * leaving the global `uni` an empty object, so the global handed over whole would have none of them.
 * Called once `uni` is known to exist.
 */
function uniApis(): WxLikeApi {
  return {
    request: uni!.request,
    connectSocket: uni!.connectSocket,
    uploadFile: uni!.uploadFile,
    downloadFile: uni!.downloadFile,
    getStorageSync: uni!.getStorageSync,
    setStorageSync: uni!.setStorageSync,
    removeStorageSync: uni!.removeStorageSync,
    onAppShow: uni!.onAppShow,
    onAppHide: uni!.onAppHide,
  }
}

export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export * from '../../src/index'
