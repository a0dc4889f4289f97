import cloud from 'mpcloud/uni'

/**
 * Called once, from App.vue's onLaunch, the same on every platform: mpcloud/vite compiles the local
 * emulator's endpoint into development builds (`npm run dev:h5`, `npm run dev:mp-weixin`), so they talk to
 * it; production builds use the platform's own cloud (WeChat's on mp-weixin).
 *
 * H5 (and App) have no native cloud: a production H5 build needs an `endpoint` here, an emulator or a
 * server reachable from the browser, e.g. `cloud.init({ env: 'demo-env', endpoint: 'https://cloud.example.com' })`
 * in an H5-only block (uni's conditional compilation; its directives are read even inside comments, so
 * none is spelled out here).
 */
export function initCloud(): void {
  cloud.init({ env: 'demo-env' })
}
