/**
 * The guide's cloud functions project (examples/cloudfunctions), started as `npx mpcloud emulator` starts it in
 * that folder: its files read by the CLI's own project reader, and what they say handed to `startEmulator`
 * (in this process, so that a test can sign users in with tickets and fire the timer). Callers through mpcloud
 * and through the official js-sdk.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { readProject } from '../../emulator/cli/project'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index'
import { emulatorAdapter, loadJsSdk, modeConfig, type JsSdkMode } from '../helpers/js-sdk-adapter'
import { connectHttp, createCloud, invokeFunction, nodePlatform } from '../helpers/sdk'

/** The example project's folder. */
export const PROJECT = fileURLToPath(new URL('../../examples/cloudfunctions', import.meta.url))

/** mpcloud.json's seed documents of `collection`: the fixture the tests' expected values come from. */
export function seedOf(collection: string): Record<string, any>[] {
  return JSON.parse(readFileSync(`${PROJECT}/mpcloud.json`, 'utf8')).seed[collection]
}

/** Starts the emulator on the project, on free ports, in memory. */
export async function startGuideProject(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const project = readProject(PROJECT)
  const routes: Record<string, string> = {}
  for (const route of project.http || []) routes[route.slice(0, route.lastIndexOf('='))] = route.slice(route.lastIndexOf('=') + 1)
  return startEmulator({
    port: 0,
    ...(project.env ? { env: project.env } : {}),
    collections: project.collection || [],
    ...(project.functions ? { functions: project.functions } : {}),
    ...(project.inlineRules ? { rules: project.inlineRules } : {}),
    http: { routes, port: 0 },
    ...(project.databaseTriggers ? { databaseTriggers: project.databaseTriggers } : {}),
    ...(project.seed ? { seed: project.seed } : {}),
    // Cold starts of wx-server-sdk on a busy machine take longer than CloudBase's 3 s default.
    functionTimeout: 15_000,
    ...options,
  })
}

export type Call = (name: string, data?: Record<string, unknown>) => Promise<any>

/** Calls functions through mpcloud's Node cloud, signed in as the user `openid` (a custom-login ticket). */
export function mpcloudCaller(emulator: RunningEmulator, openid: string): Call {
  const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, functions: invokeFunction })
  cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket(openid) })
  return async (name, data = {}) => (await cloud.callFunction({ name, data })).result
}

/**
 * Calls functions through the official @cloudbase/js-sdk, signed in anonymously, in `mode` (its default
 * GATEWAY, the `/v1` REST dialect, or CLOUD_API, the classic `/web` one); that user's id, and the js-sdk app.
 */
export async function jsSdkCaller(emulator: RunningEmulator, mode: JsSdkMode = 'GATEWAY'): Promise<{ call: Call; uid: string; app: any }> {
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapter(emulator.url))
  const app = cloudbase.init({ env: emulator.env, region: 'ap-shanghai', ...modeConfig(mode) })
  // 'none': a session of this app's own. With 'local', the js-sdk apps of one env in a process share the
  // stored session, so a second caller would be the first one's user.
  const { user } = await app.auth({ persistence: 'none' }).signInAnonymously()
  return { call: async (name, data = {}) => (await app.callFunction({ name, data })).result, uid: user.uid, app }
}

/**
 * wx-server-sdk's database in this process, as the administrator of `emulator` (a script's or the console's
 * view: past every rule), for a test's checks. wx-server-sdk keeps one configuration per process: one emulator per file.
 */
export function adminDatabase(emulator: RunningEmulator): any {
  const cloud = createRequire(import.meta.url)('wx-server-sdk')
  cloud.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
  return cloud.database()
}
