/**
 * `mpcloud/taro-plugin`: the local cloud in a Taro app's development builds, nothing in its production builds.
 *
 * ```js
 * // config/index.ts
 * plugins: [['mpcloud/taro-plugin', { env: 'my-env-1a2b' }]]
 * ```
 *
 * In a development build (`taro build --type weapp --watch`, or any build with `mode: 'development'`) it
 * compiles the emulator's endpoint into `process.env.MPCLOUD_ENDPOINT` through Taro's `defineConstants`
 * (so `cloud.init({ env })` from `mpcloud/taro` goes to the emulator), turns WeChat DevTools' domain check
 * off in the generated `project.config.json` (weapp), and, in watch mode, starts the emulator before the
 * first compile, in Taro's process: it ends with the build. A production build gets the constant defined
 * as `undefined`: the native cloud, and no endpoint in the bundle; for weapp and alipay, no endpoint client
 * either (`__MPCLOUD_NATIVE_ONLY__`, unless `runtimeEndpoint: true`).
 */
import { join } from 'node:path'
import { addressFor, type Address } from './address'
import { cloudDefines, hasNativeCloud } from './define'
import { startLocalCloud, type LocalCloud } from './local-cloud'
import { resolveOptions, type MpcloudPluginOptions } from './options'
import { turnOffUrlCheck } from './project-config'

export type { MpcloudEmulatorOptions, MpcloudPluginOptions } from './options'

const PLUGIN = 'mpcloud/taro-plugin'

/** What this plugin uses of the context Taro's Kernel (@tarojs/service) hands a plugin. */
export interface TaroPluginContext {
  paths: { appPath: string; outputPath: string }
  /** The command's options: `taro build --type weapp --watch` gives `{ platform: 'weapp', isWatch: true }`. */
  runOpts?: { options?: { platform?: string; isWatch?: boolean } }
  /** Runs after the platform's config is made, before the build: its `opts` is the config the runner gets. */
  modifyRunnerOpts(hook: (args: { opts: { defineConstants?: Record<string, string> } }) => void | Promise<void>): void
  /** Runs once per `taro build`, before the first compile. */
  onBuildStart(hook: () => void | Promise<void>): void
  /** Runs after every compile (each rebuild in watch mode). */
  onBuildFinish(hook: (args: { error?: unknown; isWatch?: boolean }) => void | Promise<void>): void
}

/**
 * Whether this is a development build as Taro decides it (@tarojs/cli's build command: production unless
 * `--watch`, or with NODE_ENV=production); the `mode` option overrides.
 */
function isDevelopment(mode: MpcloudPluginOptions['mode'], isWatch: boolean): boolean {
  return mode ? mode === 'development' : isWatch && process.env.NODE_ENV !== 'production'
}

/** The plugin Taro's Kernel calls with its context and the options from `plugins: [['mpcloud/taro-plugin', options]]`. */
export default function mpcloudTaroPlugin(ctx: TaroPluginContext, given?: MpcloudPluginOptions): void {
  const options = resolveOptions(given, PLUGIN)
  const command = (ctx.runOpts && ctx.runOpts.options) || {}
  const isWatch = command.isWatch === true
  const development = isDevelopment(options.mode, isWatch)
  const address: Address | undefined = development ? addressFor(options.host, options.port, PLUGIN) : undefined
  let cloud: LocalCloud | undefined

  ctx.modifyRunnerOpts(({ opts }) => {
    const nativeOnly = !development && !options.runtimeEndpoint && hasNativeCloud(command.platform)
    opts.defineConstants = Object.assign({}, opts.defineConstants, cloudDefines({ endpoint: address && address.endpoint, nativeOnly, target: command.platform }))
  })

  ctx.onBuildStart(async () => {
    // A one-off build ends when it is written: only a watch build keeps an emulator to talk to.
    if (!address || !isWatch || !options.emulator || cloud) return
    cloud = await startLocalCloud({ root: ctx.paths.appPath, port: options.port, listen: address.listen, endpoint: address.endpoint, emulator: options.emulator, plugin: PLUGIN, ...(options.env ? { env: options.env } : {}) })
  })

  ctx.onBuildFinish(() => {
    // Taro writes dist/project.config.json from the source one when the build sets up; every compile after
    // finds it there. Other platforms have no such switch.
    if (address && command.platform === 'weapp') turnOffUrlCheck(join(ctx.paths.outputPath, 'project.config.json'))
  })
}
