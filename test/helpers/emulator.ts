/** Starts an in-memory emulator on a free port and a cloud of the Node adapter pointed at it. */
import { startEmulator, type EmulatorOptions, type RulesSource, type RunningEmulator } from '../../emulator/index'
import { Aggregate, connectHttp, createCloud, createCommand, createRealtime, nodePlatform, type Database, type Platform, type RealtimeTimings } from './sdk'

export interface TestCloud {
  emulator: RunningEmulator
  db: Database
  /** The user the cloud signed in as (a real custom-ticket sign-in). */
  openid: string
}

/** How a test cloud differs from the Node adapter's: its host primitives, its watch timings. */
export interface CloudVariant {
  platform?: Platform
  timings?: Partial<RealtimeTimings>
}

/** A database of a cloud signed in to `emulator` as `openid` (anonymously when `openid` is undefined). */
export function signedIn(emulator: RunningEmulator, openid: string | undefined, variant: CloudVariant = {}): Database {
  const { timings, platform = nodePlatform } = variant
  const realtime: typeof createRealtime = (config) => createRealtime(Object.assign({}, config, timings ? { timings } : {}))
  const cloud = createCloud({ platform, connect: connectHttp, realtime, commands: createCommand, aggregate: Aggregate })
  cloud.init(Object.assign({ env: emulator.env, endpoint: emulator.url }, openid ? { ticket: emulator.createTicket(openid) } : {}))
  return cloud.database()
}

export async function emulatorWithDb(options: EmulatorOptions = {}, openid = 'o-test-user'): Promise<TestCloud> {
  const emulator = await startEmulator(Object.assign({ port: 0 }, options))
  return { emulator, db: signedIn(emulator, openid), openid }
}

/**
 * Rules under which every user reads and writes every document of `collections` (a custom rule; CloudBase
 * has no preset for it): for tests of several users on one dataset, which CloudBase's default (PRIVATE)
 * would keep apart.
 */
export function sharedCollections(...collections: string[]): RulesSource {
  return { database: Object.fromEntries(collections.map((name) => [name, { read: true, write: true }])) }
}
