// The size budgets `npm run size` holds the bundles to (size-limit: esbuild, minified, gzip; 1 KB = 1000 bytes).
// Each case in bench/size/ is what an app imports; the names are what the README and the toolchain tests quote.

/** What mpcloud/taro-plugin and mpcloud/vite define in a production build for WeChat or Alipay (plugins/define.ts). */
const nativeOnly = (config) => ({ ...config, define: { ...config.define, __MPCLOUD_NATIVE_ONLY__: 'true' } })

export default [
  { name: 'core + database, one where().get()', path: 'bench/size/mpcloud-where-get.js', gzip: true, limit: '7.2 KB' },
  { name: 'wx: init + where().get() on wx.cloud (goal 6 KB)', path: 'bench/size/wx-where-get.js', gzip: true, limit: '13.3 KB' },
  { name: 'wx: init + where().get() over an endpoint', path: 'bench/size/wx-endpoint-where-get.js', gzip: true, limit: '8.7 KB' },
  { name: 'wx: + commands + aggregate', path: 'bench/size/wx-commands-aggregate.js', gzip: true, limit: '17.5 KB' },
  { name: 'wx: + watch (endpoint)', path: 'bench/size/wx-watch.js', gzip: true, limit: '12.9 KB' },
  { name: 'wx: callFunction only', path: 'bench/size/wx-call-function.js', gzip: true, limit: '13.6 KB' },
  { name: 'wx: full drop-in cloud (goal 16 KB)', path: 'bench/size/wx-full.js', gzip: true, limit: '24.6 KB' },
  // The same drop-in as a plugin's production build for WeChat has it: the endpoint client left out.
  { name: 'wx: full drop-in, production build by the plugins (native only)', path: 'bench/size/wx-full.js', gzip: true, limit: '20 KB', modifyEsbuildConfig: nativeOnly },
  { name: 'wx: everything on wx.cloud only (no endpoint)', path: 'bench/size/wx-full-native-only.js', gzip: true, limit: '19.6 KB' },
  { name: 'wx: everything over an endpoint only (no native decoder)', path: 'bench/size/wx-full-endpoint-only.js', gzip: true, limit: '18.6 KB' },
]
