/**
 * A scenario target in `native` mode: a fresh emulator behind the host's own cloud (built on the official
 * js-sdk, test/fakes/clouds.ts), the host fake carrying it as its global, and `cloud.init({ env })`
 * without an endpoint, so every call goes through the shared decoder onto the official builder.
 */
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import type { HostCloud } from '../../adapters/shared/host-cloud'
import { FUNCTIONS, type ScenarioTarget } from './scenarios'

export interface NativeHost {
  global: string
  /** The host fake, given the emulator (to build its cloud on), and more globals the host has (uni on mp-weixin also has `wx`). */
  fake(emulator: RunningEmulator): Promise<{ host: unknown; also?: Record<string, unknown>; dispose(): void }>
  entry(): Promise<{ cloud: HostCloud }>
  lacks?: ScenarioTarget['lacks']
}

export async function nativeTarget(host: NativeHost): Promise<ScenarioTarget> {
  const emulator = await startEmulator({ port: 0, collections: ['todos'], functions: FUNCTIONS })
  const fake = await host.fake(emulator)
  const globals = Object.assign({ [host.global]: fake.host }, fake.also)
  Object.assign(globalThis, globals)
  const { cloud } = await host.entry()
  cloud.init({ env: emulator.env })
  const target: ScenarioTarget = {
    cloud,
    database: () => Promise.resolve(cloud.database()),
    stop: async () => {
      fake.dispose()
      await emulator.stop()
      for (const name of Object.keys(globals)) delete (globalThis as Record<string, unknown>)[name]
    },
  }
  if (host.lacks) target.lacks = host.lacks
  return target
}
