/**
 * A function's own `config.json`, beside its `index.js`, as WeChat's cloud functions and CloudBase read it:
 * ```json
 * { "timeout": 20, "envVariables": { "KEY": "value" },
 *   "permissions": { "openapi": ["subscribeMessage.send"] },
 *   "triggers": [{ "name": "daily", "type": "timer", "config": "0 0 2 * * * *" }] }
 * ```
 * `timeout` is in seconds (CloudBase's unit; 3 when absent), `triggers` holds timer triggers only (the
 * only type CloudBase's config.json takes). The file is optional; a wrong one is an Error naming the file
 * and the key, so that the emulator refuses it at start as the CLI refuses it at deploy.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A timer trigger as config.json declares it; its `config` is the 7-field cron CloudBase uses (seconds first, year last). */
export interface TimerTriggerConfig {
  name: string
  type: 'timer'
  config: string
}

export interface FunctionConfig {
  /** How long a run may take, in ms; absent: the emulator's (CloudBase's 3 s). */
  timeoutMs?: number
  /** Added to the function's `process.env`. */
  envVariables: Record<string, string>
  /** The WeChat open APIs the function may call (`cloud.openapi.<api>`), as `namespace.method`. */
  openapi: string[]
  triggers: TimerTriggerConfig[]
}

/** SCF's longest timeout: 900 s. */
const MAX_TIMEOUT_S = 900

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

/** The config of the function in `<dir>/<name>/`; its defaults when it has no config.json. */
export function readFunctionConfig(dir: string, name: string): FunctionConfig {
  const file = join(dir, name, 'config.json')
  const config: FunctionConfig = { envVariables: {}, openapi: [], triggers: [] }
  if (!existsSync(file)) return config
  const wrong = (what: string) => new Error(`${file}: ${what}`)
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    // CloudBase takes strict JSON only: no comments, no trailing commas.
    throw wrong(`not JSON (strict JSON: no comments, no trailing commas): ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!isObject(json)) throw wrong('must hold a JSON object')
  const { timeout, envVariables, permissions, triggers } = json
  if (timeout !== undefined) {
    if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT_S) throw wrong(`"timeout" must be a number of seconds from 1 to ${MAX_TIMEOUT_S}, not ${JSON.stringify(timeout)}`)
    config.timeoutMs = timeout * 1000
  }
  if (envVariables !== undefined) {
    if (!isObject(envVariables) || !Object.values(envVariables).every((value) => typeof value === 'string')) throw wrong('"envVariables" must be an object of strings')
    config.envVariables = envVariables as Record<string, string>
  }
  if (permissions !== undefined) {
    const openapi = isObject(permissions) ? permissions.openapi : undefined
    if (!isObject(permissions) || (openapi !== undefined && (!Array.isArray(openapi) || !openapi.every((api) => typeof api === 'string' && /^\w+\.\w+$/.test(api))))) {
      throw wrong('"permissions" must be { "openapi": ["namespace.method", ...] }')
    }
    config.openapi = (openapi as string[] | undefined) || []
  }
  if (triggers !== undefined) {
    if (!Array.isArray(triggers)) throw wrong('"triggers" must be an array of { name, type: "timer", config }')
    // CloudBase takes one trigger per function.
    if (triggers.length > 1) throw wrong(`"triggers" holds ${triggers.length} triggers; CloudBase takes one per function`)
    for (const trigger of triggers) {
      if (!isObject(trigger) || typeof trigger.name !== 'string' || !/^[a-zA-Z][a-zA-Z0-9_-]{0,59}$/.test(trigger.name)) {
        throw wrong('a trigger\'s "name" must start with a letter and hold at most 60 letters, digits, _ and -')
      }
      if (trigger.type !== 'timer') throw wrong(`trigger "${trigger.name}": "type" must be "timer" (the only type config.json takes), not ${JSON.stringify(trigger.type)}`)
      if (typeof trigger.config !== 'string') throw wrong(`trigger "${trigger.name}": "config" must be the cron text, e.g. "0 0 2 * * * *"`)
      config.triggers.push({ name: trigger.name, type: 'timer', config: trigger.config })
    }
  }
  return config
}
