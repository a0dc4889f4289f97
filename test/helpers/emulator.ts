/** Starts an in-memory emulator on a free port and a cloud of the Node adapter pointed at it. */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index'
import { connectHttp, createCloud, createRealtime, nodePlatform, type Database, type RealtimeTimings } from './sdk'

export interface TestCloud {
  emulator: RunningEmulator
  db: Database
  /** The user the cloud signed in as (a real custom-ticket sign-in). */
  openid: string
}

/** A database of a cloud signed in to `emulator` as `openid` (anonymously when `openid` is undefined). */
export function signedIn(emulator: RunningEmulator, openid: string | undefined, timings?: Partial<RealtimeTimings>): Database {
  const realtime: typeof createRealtime = (config) => createRealtime(Object.assign({}, config, timings ? { timings } : {}))
  const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, realtime })
  cloud.init(Object.assign({ env: emulator.env, endpoint: emulator.url }, openid ? { ticket: emulator.createTicket(openid) } : {}))
  return cloud.database()
}

export async function emulatorWithDb(options: EmulatorOptions = {}, openid = 'o-test-user'): Promise<TestCloud> {
  const emulator = await startEmulator(Object.assign({ port: 0 }, options))
  return { emulator, db: signedIn(emulator, openid), openid }
}
