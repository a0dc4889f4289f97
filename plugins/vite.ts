/**
 * `mpcloud/vite`: the local cloud in a uni-app (or any vite) app's development builds, nothing in its
 * production builds.
 *
 * ```ts
 * // vite.config.ts
 * import uni from '@dcloudio/vite-plugin-uni'
 * import mpcloud from 'mpcloud/vite'
 * export default defineConfig({ plugins: [uni(), mpcloud({ env: 'my-env-1a2b' })] })
 * ```
 *
 * In development (vite's mode `development`: `uni`, `uni -p mp-weixin`, `vite`) it defines
 * `process.env.MPCLOUD_ENDPOINT` as the emulator's endpoint, so `cloud.init({ env })` from `mpcloud/uni`
 * goes to the emulator; starts the emulator with the dev server (`configureServer`, stopped when the server
 * closes) or with a watch build (`buildStart`, stopped when the watcher closes); and turns WeChat DevTools'
 * domain check off in the output's `project.config.json` (mp-weixin). In production the constant is
 * `undefined`: the native cloud, and no endpoint in the bundle; for mp-weixin and mp-alipay, no endpoint
 * client either (`__MPCLOUD_NATIVE_ONLY__`, unless `runtimeEndpoint: true`).
 */
import { join, resolve } from 'node:path'
import { addressFor, type Address } from './address'
import { cloudDefines, hasNativeCloud } from './define'
import { startLocalCloud, type LocalCloud } from './local-cloud'
import { resolveOptions, type MpcloudPluginOptions } from './options'
import { turnOffUrlCheck, withUrlCheckOff } from './project-config'

export type { MpcloudEmulatorOptions, MpcloudPluginOptions } from './options'

const PLUGIN = 'mpcloud/vite'

/** An emitted file, as rollup hands it to `generateBundle` (only assets matter here). */
interface OutputFile {
  type: 'asset' | 'chunk'
  source?: string | Uint8Array
}

/**
 * The vite plugin, typed by the hooks it has (a structural subset of vite's `Plugin`, so the typings need no
 * vite of a particular version).
 */
export interface MpcloudVitePlugin {
  name: string
  config(config: unknown, env: { mode: string; command: string }): { define: Record<string, string> }
  configResolved(config: { root: string; command: string; build: { outDir: string } }): void
  configureServer(server: { httpServer?: { once(event: 'close', listener: () => void): unknown } | null }): Promise<void>
  buildStart(this: { meta: { watchMode: boolean } }): Promise<void>
  generateBundle(options: unknown, bundle: Record<string, OutputFile>): void
  writeBundle(options: { dir?: string }): void
  closeWatcher(): Promise<void>
  closeBundle(): Promise<void>
}

/** uni-app's platform for this build, which its CLI sets before vite loads the config. */
const uniPlatform = () => process.env.UNI_PLATFORM

export default function mpcloud(given?: MpcloudPluginOptions): MpcloudVitePlugin {
  const options = resolveOptions(given, PLUGIN)
  let address: Address | undefined
  let root = process.cwd()
  let command = 'build'
  let outDir = ''
  let cloud: Promise<LocalCloud> | undefined

  const start = () => {
    if (!address || !options.emulator) return Promise.resolve()
    const running = cloud || (cloud = startLocalCloud({ root, port: options.port, listen: address.listen, endpoint: address.endpoint, emulator: options.emulator, plugin: PLUGIN, ...(options.env ? { env: options.env } : {}) }))
    return running.then(() => undefined)
  }
  const stop = () => {
    const running = cloud
    cloud = undefined
    // A start that failed has failed the build already; there is nothing to stop.
    return running ? running.then((local) => local.stop(), () => undefined) : Promise.resolve()
  }
  // The domain check is WeChat's; uni builds mp-weixin with UNI_PLATFORM set, and a plain vite app has none.
  const forWeixin = () => !!address && uniPlatform() === 'mp-weixin'

  return {
    name: 'mpcloud',
    config(_config, env) {
      const development = options.mode ? options.mode === 'development' : env.mode === 'development'
      address = development ? addressFor(options.host, options.port, PLUGIN) : undefined
      const target = uniPlatform()
      const nativeOnly = !development && !options.runtimeEndpoint && hasNativeCloud(target)
      return { define: cloudDefines({ endpoint: address && address.endpoint, nativeOnly, target }) }
    },
    configResolved(config) {
      root = config.root
      command = config.command
      outDir = resolve(config.root, config.build.outDir)
    },
    async configureServer(server) {
      if (!address || !options.emulator) return
      // Started before the server listens, so the first page load finds the cloud.
      await start()
      if (server.httpServer) server.httpServer.once('close', () => void stop())
    },
    async buildStart() {
      // The dev server starts it in configureServer; a one-off build ends before anyone could call it.
      if (command === 'build' && this.meta.watchMode) await start()
    },
    generateBundle(_options, bundle) {
      if (!forWeixin()) return
      const file = bundle['project.config.json']
      if (file && file.type === 'asset' && file.source !== undefined) {
        const text = typeof file.source === 'string' ? file.source : Buffer.from(file.source).toString('utf8')
        const changed = withUrlCheckOff(text, 'project.config.json')
        if (changed !== undefined) file.source = changed
      }
    },
    writeBundle(output) {
      // Also on disk, for a project.config.json that was copied rather than emitted.
      if (forWeixin()) turnOffUrlCheck(join(output.dir || outDir, 'project.config.json'))
    },
    closeWatcher: stop,
    async closeBundle() {
      // A watch build calls closeBundle after every rebuild (closeWatcher ends it); the dev server once, on close.
      if (command === 'serve') await stop()
    },
  }
}
