#!/usr/bin/env node
/**
 * `mpcloud <command> [options]`: the command line. Commands and their options are one table
 * (cli/options.ts), from which parsing and the help texts are made. `mpcloud emulator` runs the local
 * cloud until interrupted, printing its addresses and then one line per event.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { parseAdminKey } from './auth/admin-key'
import { banner } from './cli/banner'
import { commandHelp, mainHelp } from './cli/help'
import { logsCommand, statsCommand } from './cli/logs-command'
import { outboxCommand } from './cli/outbox-command'
import { COMMANDS, integerOption, parseCommand, positiveOption, UsageError, type Values } from './cli/options'
import { portHolder } from './cli/port-holder'
import { readProject, type ProjectDefaults } from './cli/project'
import { triggerCommand } from './cli/trigger-command'
import { parseRoutes } from './http-access/routes'
import { formatEvent, startEmulator, type EmulatorOptions, type RunningEmulator } from './index'
import { createEnforcement } from './rules/enforcement'
import type { RulesSource } from './rules/gate'

/** This package's version: package.json sits one folder up from both emulator/ and dist/. */
const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version

const OPEN_RULES_WARNING =
  'mpcloud: WARNING --rules open: no security rule is enforced; every signed-in client reads and writes every document of every collection, which CloudBase never allows'

/**
 * The rules of `--rules FILE`: its JSON, compiled in full here so that a mistake names the file (and,
 * inside a rule, the line and column).
 */
function readRules(file: string): RulesSource {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`--rules ${file}: ${error instanceof SyntaxError ? 'not JSON: ' : ''}${error instanceof Error ? error.message : String(error)}`)
  }
  return compiled(json, `--rules ${file}`)
}

/** `json` when it compiles as rules; else a UsageError saying where (`what`) and, inside a rule, the line and column. */
function compiled(json: unknown, what: string): RulesSource {
  try {
    createEnforcement(json as RulesSource)
  } catch (error) {
    throw new UsageError(`${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
  return json as RulesSource
}

/** How often the rules file is looked at: a changed file is in force within this. */
const RULES_POLL_MS = 250

/**
 * Puts each new version of the rules file in force (polled: editors replace files, which a watcher loses);
 * one that does not compile is reported and the rules in force stay. Returns the function that stops it.
 */
function followRules(file: string, running: RunningEmulator): () => void {
  const reload = (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size) return
    try {
      running.setRules(readRules(file))
      console.log(`mpcloud: the rules of ${file} are in force`)
    } catch (error) {
      console.error(`mpcloud: ${error instanceof Error ? error.message : String(error)}; the rules in force stay`)
    }
  }
  watchFile(file, { interval: RULES_POLL_MS }, reload)
  return () => unwatchFile(file, reload)
}

/** The `--http PATH=FUNCTION` values (or mpcloud.json's "http") as routes, checked here so that a mistake names the option. */
function httpRoutes(given: string[] | undefined): Record<string, string> | undefined {
  if (!given || !given.length) return undefined
  const routes: Record<string, string> = {}
  for (const value of given) {
    const at = value.lastIndexOf('=')
    if (at <= 0) throw new UsageError(`--http must be PATH=FUNCTION (e.g. --http /api=api), got ${JSON.stringify(value)}`)
    routes[value.slice(0, at)] = value.slice(at + 1)
  }
  try {
    parseRoutes(routes, '--http')
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  return routes
}

async function emulator(values: Values, project: ProjectDefaults): Promise<void> {
  const text = (name: string) => values[name] as string | undefined
  const port = integerOption('port', text('port')!, 0, 65535)
  const httpPort = integerOption('http-port', text('http-port')!, 0, 65535)
  const routes = httpRoutes(values.http as string[] | undefined)
  const host = text('host')!
  let adminKey: EmulatorOptions['adminKey']
  try {
    adminKey = text('admin-key') === undefined ? undefined : parseAdminKey(text('admin-key')!)
  } catch (error) {
    throw new UsageError(`--admin-key: ${error instanceof Error ? error.message : String(error)}`)
  }
  const json = values.log === 'json'
  // Rules written in mpcloud.json count as a --rules of their own, unless the command line gave one.
  const inline = text('rules') === undefined ? project.inlineRules : undefined
  const rulesFile = text('rules') === 'open' ? undefined : text('rules')
  if (text('rules') === 'open') console.warn(OPEN_RULES_WARNING)
  // No --rules: CloudBase's defaults (the emulator's own default).
  const rules: EmulatorOptions['rules'] = text('rules') === 'open' ? 'open' : rulesFile !== undefined ? readRules(rulesFile) : inline !== undefined ? compiled(inline, 'mpcloud.json: "rules"') : undefined
  const options: EmulatorOptions = {
    port,
    host,
    env: text('env')!,
    collections: (values.collection as string[] | undefined) || [],
    functionTimeout: positiveOption('function-timeout', text('function-timeout')!),
    functionIdleTimeout: positiveOption('function-idle-timeout', text('function-idle-timeout')!),
    maxFunctionWorkers: integerOption('max-function-workers', text('max-function-workers')!, 1, 256),
    maxQueuedFunctionCalls: integerOption('max-queued-function-calls', text('max-queued-function-calls')!, 0, 100_000),
    maxUploadBytes: Math.floor(positiveOption('max-upload-mb', text('max-upload-mb')!) * 1024 * 1024),
    allowUnauthenticated: values['allow-unauthenticated'] === true,
    ...(text('data') !== undefined ? { dataDir: text('data')! } : {}),
    ...(text('functions') !== undefined ? { functions: text('functions')! } : {}),
    ...(adminKey ? { adminKey } : {}),
    ...(rules !== undefined ? { rules } : {}),
    ...(routes ? { http: { routes, port: httpPort } } : {}),
    ...(project.databaseTriggers ? { databaseTriggers: project.databaseTriggers } : {}),
    ...(project.seed ? { seed: project.seed } : {}),
    ...(values.quiet ? {} : { onEvent: (event) => console.log(json ? JSON.stringify(event) : `[mpcloud] ${formatEvent(event)}`) }),
  }
  let running
  try {
    running = await startEmulator(options)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const taken = routes && (error as { port?: number }).port === httpPort && httpPort !== port ? httpPort : port
      const flag = taken === port ? '--port' : '--http-port'
      const holder = portHolder(taken)
      throw new UsageError(`port ${taken} on ${host} is taken${holder ? ` by ${holder}` : ''}: stop that, choose another with ${flag} N, or use ${flag} 0 for any free port`)
    }
    throw error
  }
  console.log(
    banner({
      emulator: running,
      host,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.functions ? { functions: options.functions } : {}),
      ...(text('rules') !== undefined ? { rules: text('rules')! } : inline !== undefined ? { rules: 'mpcloud.json' } : {}),
      ...(project.found.length ? { project: project.found } : {}),
      ...(routes ? { http: routes } : {}),
    }),
  )
  const unfollow = rulesFile === undefined ? () => {} : followRules(rulesFile, running)
  const stop = () => {
    unfollow()
    running.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return void console.log(mainHelp(version))
  if (command === '--version' || command === '-v') return void console.log(version)
  if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; the commands are ${Object.keys(COMMANDS).join(', ')} (mpcloud --help)`)
  }
  let project: ProjectDefaults = { found: [] }
  const values = parseCommand(command, rest, (given) => {
    if (given.help) return {}
    project = readProject(resolve(typeof given.project === 'string' ? given.project : '.'))
    const { found: _found, inlineRules: _inline, databaseTriggers: _triggers, seed: _seed, ...defaults } = project
    return defaults
  })
  if (values.help) return void console.log(commandHelp(command))
  if (command === 'trigger') return void (process.exitCode = await triggerCommand(values))
  if (command === 'logs') return void (process.exitCode = await logsCommand(values))
  if (command === 'stats') return void (process.exitCode = await statsCommand(values))
  if (command === 'outbox') return void (process.exitCode = await outboxCommand(values))
  await emulator(values, project)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`mpcloud: ${error.message}`)
    process.exitCode = 2
  } else {
    console.error(`mpcloud: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
})
