import cloud from 'mpcloud/uni'

/**
 * Called once, from App.vue's onLaunch, the same on every platform: mpcloud/vite compiles the local
 * emulator's endpoint into development builds (`npm run dev:h5`, `npm run dev:mp-weixin`), so they talk to
 * it; production builds use the platform's own cloud (WeChat's on mp-weixin).
 *
 * H5 (and App) have no native cloud: a production H5 build needs an `endpoint` here, an emulator or a
 * server reachable from the browser, e.g. `cloud.init({ env: 'demo-env', endpoint: 'https://cloud.example.com' })`
 * in an H5-only block like the one below (uni's conditional compilation; its directives are read even
 * inside comments, so none is spelled out here).
 */
export function initCloud(): void {
  // #ifdef H5
  exposeUniApis()
  // #endif
  cloud.init({ env: 'demo-env' })
}

/**
 * uni's H5 build (`uni build`) tree-shakes its API: each `uni.request` written in the code becomes an import,
 * and the global `uni` is left an empty object. mpcloud/uni takes its request, socket, upload and storage
 * functions from that global, so without this it fails with "e.request is not a function" (the dev server,
 * `uni`, fills the global and is unaffected). Written as `uni.<name>` so that the build imports each one.
 * (Turning tree shaking off, manifest.json `h5.optimization.treeShaking.enable: false`, also works, but adds
 * every uni API and a third-party script tag to the page.)
 */
function exposeUniApis(): void {
  const global = (globalThis as unknown as { uni?: Record<string, unknown> })
  global.uni = Object.assign(global.uni || {}, {
    request: uni.request,
    connectSocket: uni.connectSocket,
    uploadFile: uni.uploadFile,
    downloadFile: uni.downloadFile,
    getStorageSync: uni.getStorageSync,
    setStorageSync: uni.setStorageSync,
    removeStorageSync: uni.removeStorageSync,
    getSystemInfoSync: uni.getSystemInfoSync,
    onAppShow: uni.onAppShow,
    onAppHide: uni.onAppHide,
  })
}
