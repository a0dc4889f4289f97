/**
 * The `cloud` object a host entry exports (`mpcloud/wx`, `/my`, `/taro`, `/uni`): `wx.cloud`'s surface
 * over a platform built on first use, so importing the entry where the host global is missing (a unit
 * test, server-side rendering) costs nothing until it is called.
 */
import { Aggregate, CloudError, connectHttp, createCloud, createCommand, createRealtime, invokeFunction, storageCalls, type Cloud, type CloudOptions, type DatabaseConfig, type InitConfig, type Platform } from '../../src/index'

/**
 * `new cloud.Cloud({ resourceEnv })`: another environment with the same calls as `wx.cloud`, ready after
 * `await instance.init()`.
 */
export interface CloudInstance extends Omit<Cloud, 'init'> {
  init(): Promise<void>
}

/** `wx.cloud`'s calls, on the cloud `get()` gives (made on first use). */
function callsOf(get: () => Cloud): Omit<Cloud, 'init'> {
  return {
    database: (config?: DatabaseConfig) => get().database(config),
    callFunction: ((call: Parameters<Cloud['callFunction']>[0]) => get().callFunction(call)) as Cloud['callFunction'],
    uploadFile: ((call: Parameters<Cloud['uploadFile']>[0]) => get().uploadFile(call)) as Cloud['uploadFile'],
    downloadFile: ((call: Parameters<Cloud['downloadFile']>[0]) => get().downloadFile(call)) as Cloud['downloadFile'],
    getTempFileURL: ((call: Parameters<Cloud['getTempFileURL']>[0]) => get().getTempFileURL(call)) as Cloud['getTempFileURL'],
    deleteFile: ((call: Parameters<Cloud['deleteFile']>[0]) => get().deleteFile(call)) as Cloud['deleteFile'],
  }
}

/**
 * The endpoint a development build compiled in: `mpcloud/taro-plugin` and `mpcloud/vite` define
 * `process.env.MPCLOUD_ENDPOINT` as the emulator's URL in development and as `undefined` in production.
 * Written in full, as the bundlers replace only this exact expression; where nothing replaced it there is
 * no `process` (a mini program), hence the catch.
 */
export function compiledEndpoint(): string | undefined {
  let endpoint: unknown
  try {
    // @ts-ignore `process` is the bundler's constant here, not Node's (no Node types in this build)
    endpoint = process.env.MPCLOUD_ENDPOINT
  } catch {
    endpoint = undefined
  }
  return typeof endpoint === 'string' && endpoint ? endpoint : undefined
}

declare const __MPCLOUD_NATIVE_ONLY__: boolean | undefined

/**
 * The endpoint client (HTTP with sign-in, the realtime socket), or nothing where the build left it out:
 * `mpcloud/taro-plugin` and `mpcloud/vite` define `__MPCLOUD_NATIVE_ONLY__` as `true` in production builds
 * for a host with a cloud of its own (weapp, alipay, mp-weixin, mp-alipay). A bare name under `typeof`, so
 * that it reads as `false` where nothing defined it; tested in one expression, so that where it was defined
 * every minifier (esbuild's too, which does not carry constants across statements) folds the branch and
 * drops the client.
 */
function endpointClient(): Pick<CloudOptions, 'connect' | 'realtime'> | undefined {
  return typeof __MPCLOUD_NATIVE_ONLY__ !== 'undefined' && __MPCLOUD_NATIVE_ONLY__ === true ? undefined : { connect: connectHttp, realtime: createRealtime }
}

/** `config` with the compiled-in endpoint when it names none: an explicit `endpoint` always wins. */
function withCompiledEndpoint(config: InitConfig | undefined): InitConfig | undefined {
  const endpoint = config && config.endpoint !== undefined ? undefined : compiledEndpoint()
  return endpoint ? Object.assign({}, config || {}, { endpoint }) : config
}

export interface CloudInstanceOptions {
  resourceEnv: string
  resourceAppid?: string
}

/** `wx.cloud`'s surface: `init`, `database`, and `Cloud` for more environments. */
export interface HostCloud extends Cloud {
  Cloud: new (options: CloudInstanceOptions) => CloudInstance
}

/**
 * The host's `cloud`. `makePlatform` runs on the first call and names the host global it needs when that
 * is missing.
 */
export function hostCloud(makePlatform: () => Platform): HostCloud {
  let platform: Platform | undefined
  let cloud: Cloud | undefined
  let initial: InitConfig | undefined
  const create = () =>
    createCloud(
      Object.assign(
        { platform: platform || (platform = makePlatform()), functions: invokeFunction, storage: storageCalls, commands: createCommand, aggregate: Aggregate },
        endpointClient(),
      ),
    )
  const main = () => cloud || (cloud = create())

  function Instance(this: CloudInstance, options: CloudInstanceOptions): void {
    if (!options || typeof options.resourceEnv !== 'string' || !options.resourceEnv) {
      throw new CloudError('cloud.Cloud', 'INVALID_ARGUMENT', 'new cloud.Cloud({ resourceEnv }) needs the environment id as resourceEnv')
    }
    const env = options.resourceEnv
    const cloud = create()
    Object.assign(this, callsOf(() => cloud), {
      init(): Promise<void> {
        // The same endpoint and identity as the default cloud, another environment.
        cloud.init(Object.assign({}, initial || {}, { env }))
        return Promise.resolve()
      },
    })
  }

  return Object.assign(callsOf(main), {
    init(given?: InitConfig) {
      if (given && given.endpoint !== undefined && !endpointClient()) {
        throw new CloudError('cloud.init', 'INVALID_ARGUMENT', 'this production build has no endpoint client (mpcloud/taro-plugin and mpcloud/vite leave it out for the host\'s own cloud): remove { endpoint }, or set the plugin option runtimeEndpoint: true to keep it')
      }
      const config = withCompiledEndpoint(given)
      main().init(config)
      // As on wx, the first call wins; instances inherit its endpoint and identity.
      if (!initial) initial = Object.assign({}, config || {})
    },
    Cloud: Instance as unknown as HostCloud['Cloud'],
  })
}
