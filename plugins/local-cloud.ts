/**
 * The emulator a plugin runs beside a watch build or a dev server: started in the build tool's own process
 * on the project folder, read as `npx mpcloud emulator` reads it (emulator/cli/project.ts: mpcloud.json,
 * cloudbaserc.json, project.config.json), with the plugin's options winning over the files. An emulator of
 * the same environment already on the port is reused and left running when the build stops.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs'
import { resolve } from 'node:path'
import { readProject, type ProjectDefaults } from '../emulator/cli/project'
import type { EmulatorEvent, EmulatorOptions, RulesInForce, RunningEmulator } from '../emulator/index'
import type { MpcloudEmulatorOptions } from './options'
import { probePort } from './probe'

/** A running local cloud, the plugin's own or one it found. */
export interface LocalCloud {
  env: string
  /** The emulator's own URL (on 127.0.0.1 or the address it listens on). */
  url: string
  /** True when another process's emulator was found on the port: `stop()` leaves it running. */
  reused: boolean
  /** The emulator this plugin started (its admin side: tickets, credentials, the log); none when one was reused. */
  emulator?: RunningEmulator
  stop(): Promise<void>
}

export interface LocalCloudOptions {
  /** The app's root: the default project folder, and what relative paths are relative to. */
  root: string
  env?: string
  port: number
  /** What to listen on (`127.0.0.1`, or `0.0.0.0` for a phone). */
  listen: string
  /** The endpoint compiled into the app, for the start line. */
  endpoint: string
  emulator: MpcloudEmulatorOptions
  /** Names the plugin in messages. */
  plugin: string
  /** Where the lines go (console.log by default). */
  print?: (line: string) => void
}

/** The project files of `dir`, their mistakes named as the plugin's. */
function projectOf(dir: string, plugin: string): ProjectDefaults {
  try {
    return readProject(dir)
  } catch (error) {
    throw new Error(`${plugin}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** A rules file's JSON, its mistakes named with the file. */
function readRulesFile(file: string, plugin: string): RulesInForce {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RulesInForce
  } catch (error) {
    throw new Error(`${plugin}: the rules file ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The `"/api=api"` strings readProject makes of mpcloud.json's `"http"`, back into routes. */
function routesOf(http: string[]): Record<string, string> {
  const routes: Record<string, string> = {}
  for (const route of http) routes[route.slice(0, route.lastIndexOf('='))] = route.slice(route.lastIndexOf('=') + 1)
  return routes
}

/** Starts the emulator for a dev build, or finds the one already on the port. */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const { root, port, listen, emulator, plugin } = options
  const print = options.print || ((line: string) => console.log(line))
  const project = projectOf(resolve(root, emulator.project || '.'), plugin)
  const env = options.env || project.env || 'demo-env'

  const found = await probePort(port, env)
  if (found.state === 'emulator') {
    // One started as `npx mpcloud emulator` listens on loopback only unless told otherwise: a phone would not reach it.
    const lan = listen === '0.0.0.0' ? '; a phone reaches it only if it listens on the LAN (npx mpcloud emulator --host 0.0.0.0)' : ''
    print(`[mpcloud] using the emulator already on port ${port} (env ${env}) at ${options.endpoint}${lan}`)
    return { env, url: `http://127.0.0.1:${port}`, reused: true, stop: () => Promise.resolve() }
  }
  if (found.state === 'other-env') throw new Error(`${plugin}: the emulator on port ${port} serves another environment (${found.message}); stop it, or set the plugin's "env" or "port"`)
  if (found.state === 'taken') throw new Error(`${plugin}: port ${port} is taken by something that is not an mpcloud emulator; free it or set the plugin's "port"`)

  // A rules file (the plugin's or mpcloud.json's) is followed as the CLI follows --rules: edits apply at once.
  const rulesFile = typeof emulator.rules === 'string' && emulator.rules !== 'open' ? resolve(root, emulator.rules) : emulator.rules === undefined && project.rules && project.rules !== 'open' ? project.rules : undefined
  const rules: RulesInForce | undefined =
    rulesFile !== undefined ? readRulesFile(rulesFile, plugin) : emulator.rules !== undefined ? (emulator.rules as RulesInForce) : project.rules === 'open' ? 'open' : project.inlineRules
  const functions = emulator.functions !== undefined ? resolve(root, emulator.functions) : project.functions
  const collections = emulator.collections || project.collection
  // Loaded only when a dev build starts an emulator: a production build never loads SQLite and the services.
  const { startEmulator, formatEvent } = await import('../emulator/index')
  const onEvent = (event: EmulatorEvent) => {
    if (emulator.log || event.outcome === 'error') print(`[mpcloud] ${formatEvent(event)}`)
  }
  const settings: EmulatorOptions = {
    port,
    host: listen,
    env,
    onEvent,
    ...(collections ? { collections } : {}),
    ...(functions ? { functions } : {}),
    ...(emulator.dataDir ? { dataDir: resolve(root, emulator.dataDir) } : {}),
    ...(rules !== undefined ? { rules } : {}),
    // The CLI's default HTTP access port is 9001 beside 9000: the next port, likewise.
    ...(project.http ? { http: { routes: routesOf(project.http), port: port + 1 } } : {}),
    ...(project.databaseTriggers ? { databaseTriggers: project.databaseTriggers } : {}),
    ...(project.seed ? { seed: project.seed } : {}),
  }

  let running: RunningEmulator
  try {
    running = await startEmulator(settings)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`${plugin}: port ${port} on ${listen} is taken; free it or set the plugin's "port"`)
    throw new Error(`${plugin}: the emulator did not start: ${error instanceof Error ? error.message : String(error)}`)
  }
  const unfollow = rulesFile === undefined ? () => {} : followRules(rulesFile, running, plugin, print)
  const from = project.found.length ? ` (from ${project.found.join(', ')})` : ''
  print(`[mpcloud] local cloud for env ${env} at ${options.endpoint}${running.httpUrl ? `, HTTP access at ${running.httpUrl}` : ''}${from}`)
  if (rules === 'open') print('[mpcloud] WARNING rules "open": no security rule is enforced, which no CloudBase environment allows')
  let stopped: Promise<void> | undefined
  return {
    env,
    url: running.url,
    reused: false,
    emulator: running,
    stop: () => {
      if (!stopped) {
        unfollow()
        stopped = running.stop()
      }
      return stopped
    },
  }
}

/** Puts each saved version of the rules file in force; one that does not compile is reported and the rules in force stay. */
function followRules(file: string, running: RunningEmulator, plugin: string, print: (line: string) => void): () => void {
  const changed = (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size) return
    try {
      running.setRules(readRulesFile(file, plugin))
      print(`[mpcloud] the rules of ${file} are in force`)
    } catch (error) {
      print(`[mpcloud] ${error instanceof Error ? error.message : String(error)}; the rules in force stay`)
    }
  }
  // Polled, as the CLI does: editors replace files, which fs.watch loses.
  watchFile(file, { interval: 250 }, changed)
  return () => unwatchFile(file, changed)
}

