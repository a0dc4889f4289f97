import cloud from 'mpcloud/uni'

/**
 * Called once, from App.vue's onLaunch. uni-app's conditional compilation picks the cloud per platform:
 * the comments below are directives that uni's build evaluates (tsc sees every branch and checks them all).
 */
export function initCloud(): void {
  // #ifdef H5 || APP-PLUS
  // H5 and App have no native cloud: an endpoint, here the local emulator
  // (`npx mpcloud emulator --env demo-env --collection todos`), over uni.request and uni.connectSocket.
  cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
  // #endif

  // #ifdef MP-WEIXIN || MP-ALIPAY
  // mp-weixin: WeChat's cloud (wx.cloud); mp-alipay: Alipay's (my.cloud); mpcloud picks it from
  // process.env.UNI_PLATFORM. To use the emulator from a mini program too, pass the endpoint as above.
  cloud.init({ env: 'demo-env' })
  // #endif
}
