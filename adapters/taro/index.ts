/**
 * `mpcloud/taro`: `wx.cloud`'s API in a Taro app, over Taro's own request and socket. On weapp
 * `cloud.init({ env })` uses WeChat's cloud (`Taro.cloud`); everywhere, `{ env, endpoint }` uses the
 * emulator or a CloudBase endpoint.
 *
 * @example
 * import cloud from 'mpcloud/taro'
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
 */
import Taro from '@tarojs/taro'
import { createNativeWatch } from '../../src/index'
import { hostCloud } from '../shared/host-cloud'
import { myNative, type MyCloudLike } from '../shared/my-native'
import { wxNative, type WxCloudLike } from '../shared/wx-native'
import { taroPlatform } from './platform'

/**
 * `process.env.TARO_ENV`, written in full: Taro's build replaces this exact expression (a destructured
 * `process.env` is not replaced). Where nothing replaced it there is no `process`, hence the catch.
 */
export function taroEnv(): string | undefined {
  let env: string | undefined
  try {
    // @ts-ignore `process` is Taro's build-time constant here, not Node's (no Node types in this build)
    env = process.env.TARO_ENV
  } catch {
    env = undefined
  }
  return env || (Taro.getEnv ? Taro.getEnv().toLowerCase() : undefined)
}

declare const __MPCLOUD_TARGET__: string | undefined

export const cloud = /*#__PURE__*/ hostCloud(() => {
  // On weapp Taro.cloud is wx.cloud; on Alipay it is my.cloud (Taro copies it over as it is). Each test reads
  // the target whole, so that the one the build plugins compiled in folds it and the other host's native
  // code is dropped (plugins/define.ts); minifiers do not reliably carry a variable's value into a test.
  const native =
    (typeof __MPCLOUD_TARGET__ !== 'undefined' ? __MPCLOUD_TARGET__ : taroEnv()) === 'weapp'
      ? wxNative(Taro.cloud as WxCloudLike, createNativeWatch)
      : (typeof __MPCLOUD_TARGET__ !== 'undefined' ? __MPCLOUD_TARGET__ : taroEnv()) === 'alipay'
        ? myNative(Taro.cloud as MyCloudLike)
        : undefined
  return taroPlatform(Taro, native)
})
export default cloud
export type { CloudInstance, CloudInstanceOptions, HostCloud } from '../shared/host-cloud'
export * from '../../src/index'
