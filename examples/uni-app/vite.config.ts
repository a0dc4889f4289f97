import { defineConfig, type Plugin } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'
import mpcloud from 'mpcloud/vite'

/**
 * Source maps for production mini program builds, written beside the scripts but not referenced from them
 * ('hidden'): they say which bytes of the bundle are mpcloud's (the repository's toolchain test measures it).
 * A `build.sourcemap` in this config would not do: uni's mini program plugin sets its own (false outside
 * HBuilderX's console) after the user's config is read, so this runs last (`enforce: 'post'`).
 */
const miniProgramSourceMaps: Plugin = {
  name: 'mini-program-source-maps',
  enforce: 'post',
  config(_config, { mode }) {
    const miniProgram = (process.env.UNI_PLATFORM || '').startsWith('mp-')
    return miniProgram && mode === 'production' ? { build: { sourcemap: 'hidden' } } : {}
  },
}

export default defineConfig({
  // mpcloud/vite: the local emulator's endpoint in development builds (`uni`, `uni -p mp-weixin`, which also
  // start the emulator from mpcloud.json), the platform's own cloud in production builds.
  plugins: [uni(), mpcloud({ env: 'demo-env' }), miniProgramSourceMaps],
})
