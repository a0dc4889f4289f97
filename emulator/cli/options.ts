/**
 * The command line's one table: each command with its options (type, default, description, example),
 * from which both `util.parseArgs` and the help text are made. A later command (`logs`, `trigger`,
 * `export`, ...) is one more entry.
 */
import { parseArgs } from 'node:util'

export interface OptionSpec {
  type: 'string' | 'boolean'
  /** Takes several values (`--collection a --collection b`). */
  multiple?: boolean
  /** What the value is called in the help (`--port N`). */
  value?: string
  default?: string | boolean
  description: string
  example?: string
  /** The values allowed, when there is a short list. */
  choices?: string[]
}

/** A word given after the command (`mpcloud trigger <function>`): its value is `values[name]`. */
export interface ArgumentSpec {
  name: string
  required: boolean
  description: string
}

export interface CommandSpec {
  summary: string
  /** The words it takes after its name, in order; none when absent. */
  arguments?: ArgumentSpec[]
  options: Record<string, OptionSpec>
  examples: string[]
}

/** The options of every command that calls a running emulator (trigger, logs, stats): where it is, and the key to sign with. */
const CALLING_AN_EMULATOR: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'URL', default: 'http://127.0.0.1:9000', description: 'where the emulator runs', example: '--url http://127.0.0.1:9100' },
  env: { type: 'string', value: 'ID', default: 'demo-env', description: 'the environment id the emulator serves', example: '--env my-env-1a2b' },
  'admin-key': { type: 'string', value: 'ID:KEY', description: "the emulator's admin key, as its banner prints it (secretId:secretKey)", example: '--admin-key AKIDlocal:secret' },
  data: { type: 'string', value: 'DIR', description: "the emulator's --data DIR: the admin key is read from its admin-key.json", example: '--data .mpcloud' },
  project: { type: 'string', value: 'DIR', default: '.', description: 'the project folder, whose mpcloud.json or cloudbaserc.json may name the env', example: '--project ../my-mini-program' },
}

/** Every command, by name. */
export const COMMANDS: Record<string, CommandSpec> = {
  emulator: {
    summary: 'runs the local cloud (database, realtime watch, storage, cloud functions, sign-in) until Ctrl+C',
    options: {
      port: { type: 'string', value: 'N', default: '9000', description: 'TCP port to listen on; 0 picks a free one', example: '--port 0' },
      host: {
        type: 'string',
        value: 'ADDRESS',
        default: '127.0.0.1',
        description: 'address to listen on; 0.0.0.0 lets a phone on your network reach it (anyone on the network can)',
        example: '--host 0.0.0.0',
      },
      data: { type: 'string', value: 'DIR', description: 'keep the data in DIR (one SQLite file per env, files, keys); in memory without it', example: '--data .mpcloud' },
      env: { type: 'string', value: 'ID', default: 'demo-env', description: 'the environment id served (what cloud.init({ env }) names)', example: '--env my-env-1a2b' },
      collection: { type: 'string', multiple: true, value: 'NAME', description: 'create this collection at start if missing (repeat for more)', example: '--collection todos --collection users' },
      functions: { type: 'string', value: 'DIR', description: 'serve the cloud functions in DIR (<DIR>/<name>/index.js exporting main)', example: '--functions cloudfunctions' },
      'function-timeout': { type: 'string', value: 'MS', default: '3000', description: "how long a function may run before its call fails (CloudBase's default)", example: '--function-timeout 10000' },
      'function-idle-timeout': { type: 'string', value: 'MS', default: '600000', description: 'how long an idle warm instance of a function is kept before it ends (the next call is a cold start)', example: '--function-idle-timeout 60000' },
      'max-function-workers': { type: 'string', value: 'N', default: '4', description: 'how many functions may run at once (each in a worker of up to 256 MB); more calls wait', example: '--max-function-workers 8' },
      'max-queued-function-calls': {
        type: 'string',
        value: 'N',
        default: '100',
        description: 'how many calls may wait for a worker; past them a call fails with EXCEED_CONCURRENT_REQUEST_LIMIT',
        example: '--max-queued-function-calls 0',
      },
      http: {
        type: 'string',
        multiple: true,
        value: 'PATH=FUNCTION',
        description: "serve FUNCTION by URL at PATH and every path below it, as CloudBase's HTTP access does (repeat for more; event.path is relative to PATH)",
        example: '--http /api=api',
      },
      'http-port': { type: 'string', value: 'N', default: '9001', description: 'TCP port the --http routes are served on (their own, as CloudBase serves them on another domain); 0 picks a free one', example: '--http-port 0' },
      'max-upload-mb': { type: 'string', value: 'N', default: '50', description: 'the largest file a storage upload may carry', example: '--max-upload-mb 200' },
      'admin-key': { type: 'string', value: 'ID:KEY', description: 'the secretId:secretKey the server SDKs sign /admin with (default: generated, kept in the data dir)', example: '--admin-key AKIDlocal:secret' },
      'allow-unauthenticated': { type: 'boolean', default: false, description: "serve /web calls without a sign-in as a guest (CloudBase's \"allow unauthenticated access\")" },
      project: {
        type: 'string',
        value: 'DIR',
        default: '.',
        description: 'the project folder: its project.config.json (cloudfunctionRoot), cloudbaserc.json (envId, functionRoot) and mpcloud.json (env, collections, functions, rules, http) set what no option does',
        example: '--project ../my-mini-program',
      },
      rules: {
        type: 'string',
        value: 'FILE',
        description: "enforce the security rules in FILE (JSON: { \"database\": { <collection>: <preset or rule> }, \"storage\": <rule>, \"functions\": { \"*\": { \"invoke\": ... } } }; what it leaves out, and everything without --rules, gets CloudBase's defaults: collections PRIVATE, storage read by all and written by the uploader, functions for signed-in users); `open` enforces none, loudly",
        example: '--rules rules.json',
      },
      log: { type: 'string', value: 'FORMAT', default: 'text', choices: ['text', 'json'], description: 'one readable line per event, or one JSON object per event', example: '--log json' },
      quiet: { type: 'boolean', default: false, description: 'print nothing after the banner' },
      help: { type: 'boolean', default: false, description: 'show this help' },
    },
    examples: [
      'npx mpcloud emulator --data .mpcloud --collection todos',
      'npx mpcloud emulator --port 0 --functions cloudfunctions --log json',
      'npx mpcloud emulator --host 0.0.0.0     # for a phone on the same network',
    ],
  },
  trigger: {
    summary: "fires a function's timer trigger (its config.json's) now, in a running emulator, as its timer would",
    arguments: [
      { name: 'function', required: true, description: 'the function whose trigger fires' },
      { name: 'trigger', required: false, description: "the trigger's name, checked against its config.json (a function has one)" },
    ],
    options: {
      ...CALLING_AN_EMULATOR,
      help: { type: 'boolean', default: false, description: 'show this help' },
    },
    examples: ['npx mpcloud trigger dailyTasks --data .mpcloud', 'npx mpcloud trigger cleanup nightly --admin-key AKIDlocal:secret --url http://127.0.0.1:9100'],
  },
  logs: {
    summary: "prints the function runs a running emulator logged (CloudBase's log fields), newest last; --follow prints later ones until Ctrl+C",
    arguments: [{ name: 'function', required: false, description: "only this function's runs" }],
    options: {
      follow: { type: 'boolean', default: false, description: 'keep printing later runs (asks every second) until Ctrl+C' },
      errors: { type: 'boolean', default: false, description: 'only the runs that failed (RetCode not 0)' },
      limit: { type: 'string', value: 'N', default: '100', description: 'print at most the latest N runs first', example: '--limit 20' },
      ...CALLING_AN_EMULATOR,
      help: { type: 'boolean', default: false, description: 'show this help' },
    },
    examples: ['npx mpcloud logs --data .mpcloud', 'npx mpcloud logs api --follow --errors --data .mpcloud'],
  },
  stats: {
    summary: 'prints per function the count, errors and p50/p95/max duration of its runs in a running emulator, over a window',
    arguments: [{ name: 'function', required: false, description: 'only this function' }],
    options: {
      window: { type: 'string', value: 'SECONDS', default: '300', description: 'how far back to count', example: '--window 60' },
      ...CALLING_AN_EMULATOR,
      help: { type: 'boolean', default: false, description: 'show this help' },
    },
    examples: ['npx mpcloud stats --data .mpcloud', 'npx mpcloud stats api --window 60 --data .mpcloud'],
  },
  outbox: {
    summary: 'prints the cloud.openapi calls (subscribe messages, SMS, ...) the functions of a running emulator made, oldest first; --follow prints later ones until Ctrl+C',
    options: {
      api: { type: 'string', value: 'NAME', description: 'only this API', example: '--api subscribeMessage.send' },
      function: { type: 'string', value: 'NAME', description: 'only the calls this function made', example: '--function onOrderCreate' },
      follow: { type: 'boolean', default: false, description: 'keep printing later calls (asks every second) until Ctrl+C' },
      json: { type: 'boolean', default: false, description: 'print each call as one line of JSON' },
      ...CALLING_AN_EMULATOR,
      help: { type: 'boolean', default: false, description: 'show this help' },
    },
    examples: ['npx mpcloud outbox --data .mpcloud', 'npx mpcloud outbox --api subscribeMessage.send --function onOrderCreate --follow --data .mpcloud'],
  },
}

/** A mistake on the command line: printed as one line, with where to look. */
export class UsageError extends Error {}

export type Values = Record<string, string | boolean | string[] | undefined>

/**
 * Parses `args` against `command`'s options; unknown options and bad choices are UsageErrors that name them.
 * An option not given takes its value from `fallbacks` (what the project files say), else its default.
 */
export function parseCommand(name: string, args: string[], fallbacks: (given: Values) => Values = () => ({})): Values {
  const command = COMMANDS[name]!
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {}
  for (const [option, spec] of Object.entries(command.options)) {
    options[option] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) }
  }
  let values: Values
  let positionals: string[]
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: !!command.arguments })
    values = parsed.values as Values
    positionals = parsed.positionals
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const unknown = /Unknown option '([^']+)'/.exec(message)
    if (unknown) throw new UsageError(`unknown option ${unknown[1]} for \`mpcloud ${name}\`; its options are ${Object.keys(command.options).map((o) => `--${o}`).join(', ')}`)
    throw new UsageError(message.replace(/\. To specify.*$/s, '').trim())
  }
  const words = command.arguments || []
  if (!values.help) {
    const usage = `mpcloud ${name} ${words.map((word) => (word.required ? `<${word.name}>` : `[<${word.name}>]`)).join(' ')}`
    if (positionals.length > words.length) throw new UsageError(`unexpected ${JSON.stringify(positionals[words.length])}: the command is \`${usage}\``)
    const missing = words.find((word, at) => word.required && positionals[at] === undefined)
    if (missing) throw new UsageError(`name the ${missing.name}: \`${usage}\``)
    words.forEach((word, at) => (values[word.name] = positionals[at]))
  }
  for (const [option, spec] of Object.entries(command.options)) {
    const value = values[option]
    if (spec.choices && typeof value === 'string' && spec.choices.indexOf(value) < 0) {
      throw new UsageError(`--${option} must be ${spec.choices.join(' or ')}, got ${JSON.stringify(value)}`)
    }
  }
  const project = fallbacks(values)
  for (const [option, spec] of Object.entries(command.options)) {
    if (values[option] === undefined) values[option] = project[option] !== undefined ? project[option] : spec.default
  }
  return values
}

/** A whole number within bounds, from an option's text. */
export function integerOption(option: string, text: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`)
  return value
}

/** A positive number, from an option's text. */
export function positiveOption(option: string, text: string): number {
  const value = Number(text)
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`--${option} must be a positive number, got ${JSON.stringify(text)}`)
  return value
}
