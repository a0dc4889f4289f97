/** Starts an in-memory emulator on a free port and a cloud of the Node adapter pointed at it. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index'
import { createCloud, nodePlatform, type Database } from './sdk'

export interface TestCloud {
  emulator: RunningEmulator
  db: Database
}

export async function emulatorWithDb(options: EmulatorOptions = {}): Promise<TestCloud> {
  const emulator = await startEmulator(Object.assign({ port: 0 }, options))
  const cloud = createCloud({ platform: nodePlatform })
  cloud.init({ env: emulator.env, endpoint: emulator.url })
  return { emulator, db: cloud.database() }
}
