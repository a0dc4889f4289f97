/**
 * The options `mpcloud/taro-plugin` and `mpcloud/vite` share, and their one validation: a wrong value is an
 * `Error` naming the plugin, the option, what was given and what is allowed, thrown when the build tool loads
 * its config, before anything is built.
 */
import type { RulesInForce } from '../emulator/index'

/** How the emulator the plugin starts is set up; what is left out comes from the project files, as for `npx mpcloud emulator`. */
export interface MpcloudEmulatorOptions {
  /** The project folder whose `mpcloud.json`, `cloudbaserc.json` and `project.config.json` are read (default: the app's root). */
  project?: string
  /** Where the data is kept between runs (default: in memory, as the CLI without `--data`). Relative to the app's root. */
  dataDir?: string
  /** The cloud functions folder (default: the project files' `cloudfunctionRoot` / `functionRoot` / `"functions"`). */
  functions?: string
  /** Collections created at start when missing (default: mpcloud.json's `"collections"`). */
  collections?: string[]
  /** The security rules: the rules object, `'open'` (none), or a rules file relative to the app's root (default: mpcloud.json's `"rules"`, else CloudBase's defaults). */
  rules?: RulesInForce | string
  /** Print one line per emulator request (default false: only the start line and failed requests). */
  log?: boolean
}

/** The options of `mpcloud/taro-plugin` and `mpcloud/vite`. */
export interface MpcloudPluginOptions {
  /** The environment id the app's `cloud.init({ env })` names, served by the emulator (default: the project files' env, else `demo-env`). */
  env?: string
  /** The emulator's port, compiled into the endpoint (default 9000, the CLI's). */
  port?: number
  /**
   * Who must reach the emulator: `'localhost'` (default; DevTools' simulator and the browser on this machine,
   * endpoint `http://127.0.0.1:PORT`), `'lan'` (a phone on the same network: this machine's LAN IPv4 address,
   * and the emulator listens on every interface), or a host name or IPv4 address to compile in as it is.
   */
  host?: string
  /** Start the emulator with the watch build or dev server (default true; an emulator already on the port is reused); `false` to run `npx mpcloud emulator` yourself. */
  emulator?: boolean | MpcloudEmulatorOptions
  /** Which kind of build this is, when the build tool's own answer is not wanted (default: development for watch builds and dev servers). */
  mode?: 'development' | 'production'
  /**
   * Keep the endpoint client (HTTP, sign-in, the realtime socket) in production builds for WeChat and Alipay,
   * for an app that calls `cloud.init({ env, endpoint })` at run time (default false: those builds reach only
   * the host's own cloud, about 5 KB gzipped smaller, and `init({ endpoint })` fails saying so).
   */
  runtimeEndpoint?: boolean
}

/** The options checked, defaults applied where they do not depend on the project. */
export interface ResolvedOptions {
  env?: string
  port: number
  host: string
  emulator: false | MpcloudEmulatorOptions
  mode?: 'development' | 'production'
  runtimeEndpoint: boolean
}

const KEYS = ['env', 'port', 'host', 'emulator', 'mode', 'runtimeEndpoint']
const EMULATOR_KEYS = ['project', 'dataDir', 'functions', 'collections', 'rules', 'log']
/** CloudBase's environment ids, as the emulator checks them. */
const ENV_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/
/** A host name (RFC 1123 labels) or a dotted IPv4 address: what can stand between `http://` and `:PORT`. */
const HOST_NAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)
/** A value as the message shows it: strings and objects as JSON (so `"9000"` is told from `9000`), the rest as written. */
const shown = (value: unknown) => (typeof value === 'string' || typeof value === 'object' ? JSON.stringify(value) : String(value))

/**
 * The environment variables that override an option for one build, without editing the config: a second
 * app on another port, a CI job building for development (`MPCLOUD_MODE=development taro build ...`).
 */
export const ENVIRONMENT: [variable: string, option: 'port' | 'host' | 'mode'][] = [
  ['MPCLOUD_PORT', 'port'],
  ['MPCLOUD_HOST', 'host'],
  ['MPCLOUD_MODE', 'mode'],
]

/**
 * Checks what the user passed to `plugin` (`mpcloud/taro-plugin` or `mpcloud/vite`), with the overrides
 * `MPCLOUD_PORT`, `MPCLOUD_HOST` and `MPCLOUD_MODE` from `environment` (the build's `process.env`).
 */
export function resolveOptions(given: unknown, plugin: string, environment: Record<string, string | undefined> = process.env): ResolvedOptions {
  const sources: Record<string, string> = {}
  const wrong = (option: string, value: unknown, allowed: string) => new Error(`${plugin}: ${sources[option] || `option "${option}"`} must be ${allowed}, not ${shown(value)}`)
  if (given === undefined || given === null) given = {}
  if (!isObject(given)) throw new Error(`${plugin}: the options must be an object ({ ${KEYS.join(', ')} }), not ${shown(given)}`)
  for (const key of Object.keys(given)) {
    if (KEYS.indexOf(key) < 0) throw new Error(`${plugin}: unknown option "${key}"; the options are ${KEYS.join(', ')}`)
  }
  const overridden: Record<string, unknown> = Object.assign({}, given)
  for (const [name, option] of ENVIRONMENT) {
    const text = environment[name]
    if (text === undefined || text === '') continue
    sources[option] = `environment variable ${name}`
    // A port is a number in the config; from the environment it is digits, and anything else stays text to be refused.
    overridden[option] = option === 'port' && /^\d+$/.test(text) ? Number(text) : text
  }
  const { env, port = 9000, host = 'localhost', emulator = true, mode, runtimeEndpoint = false } = overridden
  if (env !== undefined && (typeof env !== 'string' || !ENV_ID.test(env))) throw wrong('env', env, 'an environment id (letters, digits, _ and -, up to 64)')
  // 0 ("any free port") cannot be compiled into the app before the emulator has started.
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw wrong('port', port, 'a TCP port from 1 to 65535')
  if (typeof host !== 'string' || (host !== 'localhost' && host !== 'lan' && !HOST_NAME.test(host))) {
    throw wrong('host', host, `"localhost", "lan", or a host name or IPv4 address without scheme or port (e.g. "192.168.1.20")`)
  }
  if (mode !== undefined && mode !== 'development' && mode !== 'production') throw wrong('mode', mode, '"development" or "production"')
  if (typeof runtimeEndpoint !== 'boolean') throw wrong('runtimeEndpoint', runtimeEndpoint, 'true or false')
  return { port, host, runtimeEndpoint, emulator: resolveEmulator(emulator, wrong, plugin), ...(env !== undefined ? { env } : {}), ...(mode !== undefined ? { mode } : {}) }
}

function resolveEmulator(emulator: unknown, wrong: (option: string, value: unknown, allowed: string) => Error, plugin: string): false | MpcloudEmulatorOptions {
  if (emulator === true) return {}
  if (emulator === false) return false
  if (!isObject(emulator)) throw wrong('emulator', emulator, 'true, false or an object ({ project, dataDir, functions, collections, rules, log })')
  for (const key of Object.keys(emulator)) {
    if (EMULATOR_KEYS.indexOf(key) < 0) throw new Error(`${plugin}: unknown option "emulator.${key}"; the emulator options are ${EMULATOR_KEYS.join(', ')}`)
  }
  for (const key of ['project', 'dataDir', 'functions']) {
    const value = emulator[key]
    if (value !== undefined && (typeof value !== 'string' || !value)) throw wrong(`emulator.${key}`, value, 'a folder path (relative to the app root)')
  }
  const { collections, rules, log } = emulator
  if (collections !== undefined && (!Array.isArray(collections) || !collections.every((name) => typeof name === 'string' && name))) {
    throw wrong('emulator.collections', collections, 'an array of collection names')
  }
  if (rules !== undefined && !(typeof rules === 'string' && rules) && !isObject(rules)) {
    throw wrong('emulator.rules', rules, `the rules object ({ database, storage, functions }), "open", or a rules file's path`)
  }
  if (log !== undefined && typeof log !== 'boolean') throw wrong('emulator.log', log, 'true or false')
  return emulator as MpcloudEmulatorOptions
}
