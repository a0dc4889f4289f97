/**
 * The hosts' own clouds, built on the official `@cloudbase/js-sdk` (classic mode) connected to the
 * emulator, for the native mode of the adapters: `wx.cloud` (init, database; functions and storage left
 * out) and Alipay's `my.cloud.createCloudContext`. The database calls and results are dressed as each
 * host documents them by `asWx` / `asMy` (test/native/hosts.ts); the builder and serializer are official.
 */
import type { RunningEmulator } from '../../emulator/index'
import { emulatorAdapter, loadJsSdk } from '../helpers/js-sdk-adapter'
import { asMy, asWx } from '../native/hosts'

type Any = any

/** A js-sdk app of `env`, signed in anonymously (a mini program user is always signed in by WeChat/Alipay). */
async function signedInApp(emulator: RunningEmulator): Promise<Any> {
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapter(emulator.url))
  const app = cloudbase.init({ env: emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  await app.auth({ persistence: 'local' }).signInAnonymously()
  return app
}

/** `wx.cloud`: `init({ env })` (sync, first call wins) and `database({ env })`; one env, the emulator's. */
export async function createWxCloud(emulator: RunningEmulator): Promise<{ init(config: { env?: string }): void; database(config?: { env?: string }): Any; inits: unknown[] }> {
  const app = await signedInApp(emulator)
  const inits: unknown[] = []
  return {
    inits,
    init: (config) => void inits.push(config),
    database: (config = {}) => {
      if (config.env && config.env !== emulator.env) throw Object.assign(new Error(`cloud.database:fail env ${config.env} not found`), { errCode: -501005 })
      return asWx(app.database())
    },
  }
}

/** `my.cloud`: `createCloudContext({ env })`, whose `init()` must be awaited before `database()` works. */
export async function createMyCloud(emulator: RunningEmulator): Promise<{ createCloudContext(options: { env: string }): Any }> {
  const app = await signedInApp(emulator)
  return {
    createCloudContext: ({ env }) => {
      let ready = false
      return {
        init: () => {
          if (env !== emulator.env) return Promise.reject({ error: 60003, errorMessage: '小程序云环境不存在' })
          ready = true
          return Promise.resolve({ success: true })
        },
        database: () => {
          if (!ready) throw { error: 60002, errorMessage: '调用前，请先初始化云环境' }
          return asMy(app.database())
        },
      }
    },
  }
}
