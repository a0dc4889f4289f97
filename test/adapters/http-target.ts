/**
 * A scenario target in `http` mode: a fresh emulator, the host fake installed as its global, the host's
 * entry imported after it, and `cloud.init({ env, endpoint, ticket })` pointed at the emulator.
 */
import { startEmulator } from '../../emulator/index'
import type { HostCloud } from '../../adapters/shared/host-cloud'
import { FUNCTIONS, type ScenarioTarget } from './scenarios'

export interface HttpHost {
  /** The name of the global and its fake (`wx`, `my`, `uni`, `Taro`). */
  global: string
  fake: unknown
  /** Imports the entry (after the global is in place). */
  entry(): Promise<{ cloud: HostCloud }>
  dispose(): void
  /** What this host cannot do over http yet (e.g. `files`: its upload/download bindings are not written). */
  lacks?: ScenarioTarget['lacks']
}

export async function httpTarget(host: HttpHost): Promise<ScenarioTarget> {
  const emulator = await startEmulator({ port: 0, collections: ['todos'], functions: FUNCTIONS })
  ;(globalThis as Record<string, unknown>)[host.global] = host.fake
  const { cloud } = await host.entry()
  cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket(`o-${host.global}`) })
  const target: ScenarioTarget = {
    cloud,
    database: () => Promise.resolve(cloud.database()),
    stop: async () => {
      host.dispose()
      await emulator.stop()
      delete (globalThis as Record<string, unknown>)[host.global]
    },
  }
  if (host.lacks) target.lacks = host.lacks
  return target
}
