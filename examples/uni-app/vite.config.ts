import { defineConfig, type Plugin } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'
import mpcloud from 'mpcloud/vite'

/**
 * Two build settings for the mini program builds, which uni's mini program plugin sets itself after this
 * config is read (so a plain `build` section here would be overridden, and this plugin runs last):
 * - `target: 'es2015'`: uni leaves the app's own code as written (async functions) and counts on DevTools'
 *   "ES6 to ES5" switch; lowered here, the scripts are ES2015 whatever the switch says (esbuild turns
 *   async functions into generators).
 * - production source maps, not referenced from the scripts ('hidden'; uni moves them to
 *   dist/build/.sourcemap/, outside the folder that is uploaded): they say which bytes are mpcloud's (the
 *   repository's toolchain test measures it).
 */
const miniProgramBuild: Plugin = {
  name: 'mini-program-build',
  enforce: 'post',
  config(_config, { mode }) {
    if (!(process.env.UNI_PLATFORM || '').startsWith('mp-')) return {}
    return { build: mode === 'production' ? { target: 'es2015', sourcemap: 'hidden' } : { target: 'es2015' } }
  },
}

export default defineConfig({
  // mpcloud/vite: the local emulator's endpoint in development builds (`uni`, `uni -p mp-weixin`, which also
  // start the emulator from mpcloud.json), the platform's own cloud in production builds.
  plugins: [uni(), mpcloud({ env: 'demo-env' }), miniProgramBuild],
})
