/**
 * Cloud functions (docs/protocol.md §8): `functions.invokeFunction` on `/web` (a signed-in user calls) and on
 * `/admin` (wx-server-sdk's and node-sdk's `callFunction`). A function is `<dir>/<name>/index.js`
 * exporting `main(event, context)`, as in a CloudBase project's `cloudfunctions/` folder.
 *
 * The function sees what CloudBase gives it: `event` is the caller's data plus `userInfo: { appId, openId }`
 * for a client call; the environment carries `WX_CONTEXT_KEYS`/`WX_OPENID`/`WX_APPID`/`TCB_ENV`, which
 * wx-server-sdk's `getWXContext()` reads, `TENCENTCLOUD_RUNENV=SCF` and `SCF_NAMESPACE` let the SDK find its env
 * as it does on CloudBase, and `TCB_CONTEXT_CNFG`'s URL points the function's own wx-server-sdk or node-sdk at
 * this emulator's `/admin`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { EmulatorError, invalidParam } from '../errors'
import type { EmulatorEvent, EventLog, InvocationRecord } from '../pipeline/events'
import type { Principal } from '../pipeline/principal'
import type { Request, Service } from '../pipeline/service'
import { readFunctionConfig, type FunctionConfig } from './function-config'
import { FUNCTION_MEMORY_MB, Runner, type Failure, type Outcome } from './runner'
import { versionOf } from './version'

/** CloudBase's default function timeout. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 3000

/** How many functions run at once by default: four workers of 256 MB fit a developer's laptop. */
export const DEFAULT_MAX_FUNCTION_WORKERS = 4

/** How many calls wait for a worker by default, beyond those running. */
export const DEFAULT_MAX_QUEUED_FUNCTION_CALLS = 100

/** The mini program appId a client call carries in the emulator (`event.userInfo.appId`, `getWXContext().APPID`). */
export const EMULATOR_APPID = 'wx00000000emulator'

/** Letters, digits, `_` and `-`, as CloudBase function names: never a path. */
const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/

export interface FunctionsOptions {
  env: string
  /** The folder of functions; without it every call says no function is served. */
  dir?: string
  /** A function's timeout when its config.json sets none (default CloudBase's 3 s). */
  timeoutMs?: number
  /** How many function instances may live at once, each a worker of up to 256 MB (default 4). */
  maxFunctionWorkers?: number
  /** How long an idle instance stays warm, in ms (default 10 minutes). */
  idleMs?: number
  /** How many calls may wait for a worker when all are busy (default 100); beyond them a call is refused. */
  maxQueuedFunctionCalls?: number
  /** The emulator's own URL (`http://127.0.0.1:<port>`), known once it listens. */
  url: () => string
  /** What a function's own server SDK signs with, as CloudBase hands a function temporary keys. */
  adminKey: { secretId: string; secretKey: string }
  /** Each run, and each line a function prints, become events here. */
  events: EventLog
}

/** Who a function runs for, beside its event: what the log, `getWXContext()` and the runtime see. */
export interface CallOrigin {
  /** Who calls: a user (a client call), the administrator (a server SDK), the system (a timer, a trigger). */
  principal: Principal
  /** `getWXContext().SOURCE` (`TCB_SOURCE`): `wx_client` for a mini program's call, `wx_trigger`, `wx_http`, ... */
  source?: string
  /** The dialect of the request that led to the call, for its events (`web`, `admin`, `timer`, ...). */
  dialect: string
  /** The invocation's id (context.request_id, the log's RequestId); a new one when absent. */
  requestId?: string
  /** The caller's IP address (`getWXContext().CLIENTIP`), when known. */
  clientIp?: string
}

/** The functions service: the pipeline's action, and the way other entry points (timers, triggers, HTTP) run a function. */
export interface FunctionsService extends Service {
  /**
   * Runs function `name` with `event` for `origin`; resolves with the JSON text of what it returned. Fails with
   * FUNCTIONS_REQUEST_FAIL when there is no such function, FUNCTIONS_EXECUTE_FAIL when it throws, times out or
   * exits, EXCEED_CONCURRENT_REQUEST_LIMIT when no worker is free and the line is full.
   */
  call(name: string, event: unknown, origin: CallOrigin): Promise<string>
  /** The folder of the functions served, if any. */
  readonly dir: string | undefined
  /**
   * Who the invocation running now with this WX_API_TOKEN runs for (its server SDK sends the token with every
   * request, as `wxCloudApiToken`); undefined for any other value. index.ts lets a system-run invocation's own
   * requests act for the system, so a trigger's writes carry the source `trigger`.
   */
  runningFor(token: unknown): Principal | undefined
  /** The invocation running now with this WX_API_TOKEN: its function, request id and config.json's `permissions.openapi` (for `cloud.openapi`). */
  invocationFor(token: unknown): RunningInvocation | undefined
}

/** A running invocation as the open API service needs it. */
export interface RunningInvocation {
  functionName: string
  requestId: string
  /** Its config.json's `permissions.openapi`. */
  openapi: readonly string[]
}

/** `functions.invokeFunction` on `/web` (a user calls) and `/admin` (the server SDKs call). */
export function functionsService(options: FunctionsOptions): FunctionsService {
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_FUNCTION_TIMEOUT_MS : options.timeoutMs
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`the function timeout must be a positive number of milliseconds, got ${timeoutMs}`)
  const dir = options.dir === undefined ? undefined : resolve(options.dir)
  if (dir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) throw new Error(`the functions folder ${dir} does not exist`)
  const maxWorkers = options.maxFunctionWorkers === undefined ? DEFAULT_MAX_FUNCTION_WORKERS : options.maxFunctionWorkers
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1) throw new Error(`maxFunctionWorkers must be a positive integer, got ${maxWorkers}`)
  const maxQueued = options.maxQueuedFunctionCalls === undefined ? DEFAULT_MAX_QUEUED_FUNCTION_CALLS : options.maxQueuedFunctionCalls
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new Error(`maxQueuedFunctionCalls must be a whole number, got ${maxQueued}`)
  if (options.idleMs !== undefined && !(Number.isFinite(options.idleMs) && options.idleMs > 0)) throw new Error(`the idle time of a function instance must be a positive number of milliseconds, got ${options.idleMs}`)
  const runner = new Runner({ maxWorkers, maxQueued, ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}) })
  /** Each function's config.json, read again only when its folder changed. */
  const configs = new Map<string, { version: string; config: FunctionConfig }>()
  /**
   * The invocations running now by their WX_API_TOKEN: a function's server SDK sends it (`wxCloudApiToken`) with
   * every call it makes, so that a function calling another is known for who it runs, as on CloudBase.
   */
  const running = new Map<string, { origin: CallOrigin; source: string | undefined; invocation?: RunningInvocation }>()

  const call = async (name: string, event: unknown, origin: CallOrigin): Promise<string> => {
    if (!FUNCTION_NAME.test(name)) throw invalidParam(`function_name ${JSON.stringify(name)} is not a function name (letters, digits, "_" and "-", at most 60)`)
    if (dir === undefined) {
      throw new EmulatorError('FUNCTIONS_REQUEST_FAIL', `function "${name}" not found: this emulator serves no functions (start it with functions: '<dir>' or --functions DIR)`)
    }
    const file = join(dir, name, 'index.js')
    if (!existsSync(file)) throw new EmulatorError('FUNCTIONS_REQUEST_FAIL', `function "${name}" not found: there is no ${name}/index.js in ${dir}`)
    const version = `${name}\0${createHash('sha1').update(versionOf(join(dir, name))).digest('hex')}`
    let known = configs.get(name)
    if (!known || known.version !== version) {
      try {
        known = { version, config: readFunctionConfig(dir, name) }
      } catch (error) {
        throw new EmulatorError('FUNCTIONS_REQUEST_FAIL', `function "${name}" cannot run: ${error instanceof Error ? error.message : String(error)}`)
      }
      configs.set(name, known)
    }
    const { config } = known
    const limitMs = config.timeoutMs === undefined ? timeoutMs : config.timeoutMs
    const { principal, dialect } = origin
    const requestId = origin.requestId || randomUUID()
    const token = randomBytes(18).toString('base64url')
    const identity = identityOf(origin, requestId, token)
    const env = environment(options, name, config)
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      memory_limit_in_mb: FUNCTION_MEMORY_MB,
      time_limit_in_ms: limitMs,
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: options.env,
      environment: JSON.stringify(Object.assign(pick(env, ['TCB_ENV', 'SCF_NAMESPACE', 'TCB_CONTEXT_CNFG']), identity)),
    }
    const record = (fields: Pick<EmulatorEvent, 'kind' | 'outcome' | 'ms'> & Partial<EmulatorEvent>) =>
      options.events.emit(Object.assign({ time: new Date().toISOString(), requestId, dialect, action: name, principal, target: name }, fields))
    let started = process.hrtime.bigint()
    let startTime = new Date()
    let start = { cold: false, instance: 0 }
    const log = new Lines(MAX_LOG_CHARS)
    running.set(token, { origin, source: origin.source, invocation: { functionName: name, requestId, openapi: config.openapi } })
    let outcome: Outcome
    try {
      outcome = await runner.run({
        name,
        version,
        file,
        event,
        context,
        env,
        identity,
        timeoutMs: limitMs,
        onStart: (at) => {
          started = process.hrtime.bigint()
          startTime = new Date()
          start = at
        },
        output: (line, stream, logged) => {
          log.add(line)
          record({ kind: 'output', outcome: stream === 'stdout' ? 'ok' : 'error', ms: 0, message: line, ...(logged ? { fields: logged.fields, level: logged.level } : {}) })
        },
      })
    } finally {
      running.delete(token)
    }
    // A call refused for want of an instance never ran: its request's event is the whole story.
    if (!outcome.ok && outcome.reason === 'busy') throw new EmulatorError('EXCEED_CONCURRENT_REQUEST_LIMIT', outcome.message)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    const invocation: InvocationRecord = {
      RequestId: requestId,
      FunctionName: name,
      RetCode: outcome.ok ? 0 : RET_CODES[outcome.reason as Exclude<Failure, 'busy'>],
      StartTime: chinaTime(startTime),
      Duration: Math.round(ms * 100) / 100,
      BillDuration: Math.max(1, Math.ceil(ms)),
      MemUsage: outcome.memory || 0,
      RetMsg: truncate(outcome.ok ? outcome.json : retMsgOf(outcome), MAX_RET_MSG_CHARS),
      Log: log.text(),
      cold: start.cold,
      instance: start.instance,
      ...(origin.source !== undefined ? { source: origin.source } : {}),
    }
    if (!outcome.ok) {
      record({ kind: 'invocation', outcome: 'error', code: 'FUNCTIONS_EXECUTE_FAIL', ms, message: `${outcome.reason}: ${outcome.stack || outcome.message}`, invocation })
      throw new EmulatorError('FUNCTIONS_EXECUTE_FAIL', outcome.message)
    }
    record({ kind: 'invocation', outcome: 'ok', ms, invocation })
    return outcome.json
  }

  const runningFor = (token: unknown): Principal | undefined => (typeof token === 'string' ? running.get(token)?.origin.principal : undefined)
  const invocationFor = (token: unknown): RunningInvocation | undefined => (typeof token === 'string' && token ? running.get(token)?.invocation : undefined)

  const invoke = async ({ body: request, principal, dialect, headers }: Request) => {
    const name = request.function_name
    if (typeof name !== 'string' || !name) throw invalidParam('function_name is required')
    // A function calling another through its server SDK: the callee runs for the caller's caller, and its
    // SOURCE grows by `scf` (docs/protocol.md §8).
    const caller = dialect === 'admin' && typeof request.wxCloudApiToken === 'string' ? running.get(request.wxCloudApiToken) : undefined
    if (caller) {
      const source = caller.source ? `${caller.source},scf` : 'scf'
      const { clientIp } = caller.origin
      const json = await call(name, eventOf(request.request_data, undefined), { principal: caller.origin.principal, dialect, source, ...(clientIp !== undefined ? { clientIp } : {}) })
      return { data: { response_data: request.parse === true ? (JSON.parse(json) as unknown) : json } }
    }
    const openid = principal.kind === 'user' ? principal.openid : undefined
    const clientIp = openid !== undefined ? clientIpOf(headers) : undefined
    const json = await call(name, eventOf(request.request_data, openid), {
      principal,
      dialect,
      ...(openid !== undefined ? { source: 'wx_client' } : {}),
      ...(clientIp !== undefined ? { clientIp } : {}),
    })
    // With `parse: true` (js-sdk's option) the server hands back the value itself, not its JSON text.
    return { data: { response_data: request.parse === true ? (JSON.parse(json) as unknown) : json } }
  }

  const action = { access: 'principal' as const, target: (body: Record<string, unknown>) => (typeof body.function_name === 'string' ? body.function_name : undefined), handle: invoke }
  return { name: 'functions', actions: { web: { 'functions.invokeFunction': action }, admin: { 'functions.invokeFunction': action } }, stop: () => runner.stop(), call, dir, runningFor, invocationFor }
}

/** RetCode of a failed run: SCF's status codes (407 and 430 from its status-code table; docs/protocol.md §8). */
const RET_CODES: Record<Exclude<Failure, 'busy'>, number> = { threw: 430, 'too-large': 407, timeout: 433, 'out-of-memory': 434, exited: 439, crashed: 439 }

/** How much of a return value RetMsg keeps, and of the printed lines Log keeps. */
const MAX_RET_MSG_CHARS = 4096
const MAX_LOG_CHARS = 64 * 1024

function retMsgOf(outcome: Extract<Outcome, { ok: false }>): string {
  // What CloudBase's Node runtime writes for code that threw (reference cloudbase-backend.md §4).
  if (outcome.reason === 'threw') return JSON.stringify({ errorCode: 1, errorMessage: 'user code exception caught', stackTrace: outcome.stack || outcome.message })
  return outcome.message
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`
}

/** Lines up to a size; past it, how many more there were. */
class Lines {
  private readonly lines: string[] = []
  private size = 0
  private dropped = 0
  constructor(private readonly max: number) {}
  add(line: string): void {
    if (this.size + line.length + 1 > this.max) this.dropped++
    else {
      this.lines.push(line)
      this.size += line.length + 1
    }
  }
  text(): string {
    return this.lines.join('\n') + (this.dropped ? `\n... (${this.dropped} more lines)` : '')
  }
}

/** `YYYY-MM-DD HH:mm:ss` in UTC+8, as CloudBase's function log writes StartTime. */
function chinaTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
}

/** The client's address as a proxy in front of the emulator reports it, else the loopback one the emulator listens on. */
function clientIpOf(headers: Request['headers'] | undefined): string {
  const forwarded = headers && headers['x-forwarded-for']
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
  return first || '127.0.0.1'
}

/** The caller's data (`request_data`, JSON text or '') as the function's event, with the caller's identity. */
function eventOf(requestData: unknown, openid: string | undefined): unknown {
  if (requestData !== undefined && typeof requestData !== 'string') throw invalidParam('request_data must be the JSON text of the data')
  let data: unknown = {}
  if (requestData) {
    try {
      data = JSON.parse(requestData)
    } catch {
      throw invalidParam('request_data is not valid JSON')
    }
  }
  if (openid === undefined || !data || typeof data !== 'object' || Array.isArray(data)) return data
  // CloudBase sets userInfo itself: a caller cannot pass someone else's.
  return Object.assign({}, data, { userInfo: { appId: EMULATOR_APPID, openId: openid } })
}

/**
 * An instance's `process.env`: the emulator's, minus any CloudBase context of its own, plus the function's
 * config.json `envVariables`, plus what the SCF runtime sets. The caller's identity is not in it: see identityOf.
 */
function environment(options: FunctionsOptions, name: string, config: FunctionConfig): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(WX_|TCB_|SCF_|TENCENTCLOUD_)/.test(key)) env[key] = value
  }
  Object.assign(env, config.envVariables, {
    // What the SCF runtime sets. node-sdk fills an empty env (`cloud.init()`) from SCF_NAMESPACE only when this says
    // it runs in SCF (`checkIsInScf`, utils/cloudplatform.ts); it then also picks its internal endpoint, which
    // TCB_CONTEXT_CNFG's URL overrides (`buildUrl`, utils/tcbapiendpoint.ts), and skips probing for Tencent Cloud.
    TENCENTCLOUD_RUNENV: 'SCF',
    // Inside SCF node-sdk reports a missing region on every call. Here it only adds an X-TCB-Region header:
    // the injected URL decides where requests go.
    TENCENTCLOUD_REGION: 'ap-shanghai',
    TCB_ENV: options.env,
    SCF_NAMESPACE: options.env,
    SCF_FUNCTIONNAME: name,
    // The function's own server SDK signs its calls to this emulator's /admin with the admin key, as a
    // CloudBase function's SDK signs with the temporary keys its runtime is given: `cloud.init()` needs nothing.
    TENCENTCLOUD_SECRETID: options.adminKey.secretId,
    TENCENTCLOUD_SECRETKEY: options.adminKey.secretKey,
    // node-sdk's "server inject URL" (utils/tcbcontext.ts): where wx-server-sdk inside the function sends its requests.
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: `${options.url()}/admin` }),
    // SCF's advanced logging is on: cloud.logger() hands its records to the runtime (worker-source.ts) as fields.
    _SCF_TCB_LOG: '1',
  })
  return env
}

/**
 * What CloudBase's runtime sets into `process.env` for one invocation (from the context's `environ`), and takes
 * out after it: wx-server-sdk's getWXContext() and node-sdk's getCloudbaseContext() read it on every call, so
 * a warm instance reports the current caller.
 * - `WX_CONTEXT_KEYS` lists the `WX_` keys set; `WX_OPENID`/`WX_APPID` only for a user's call (UNIONID never:
 *   the emulator has none); `WX_CLIENTIP` where the caller's address is known;
 * - `WX_API_TOKEN`: this invocation's token, which the function's server SDK sends with each of its requests
 *   (`wxCloudApiToken`); getWXContext() leaves it out;
 * - `TCB_CONTEXT_KEYS` lists the `TCB_` keys node-sdk reads: `TCB_SOURCE` (the call chain, which node-sdk also
 *   sends as `X-TCB-Source` with `,scf` added), `TCB_SEQID` (the request id), `TCB_SOURCE_IP`.
 */
function identityOf(origin: CallOrigin, requestId: string, token: string): Record<string, string> {
  const openid = origin.principal.kind === 'user' ? origin.principal.openid : undefined
  const wx: Record<string, string> = {}
  if (openid !== undefined) Object.assign(wx, { WX_OPENID: openid, WX_APPID: EMULATOR_APPID })
  if (origin.clientIp !== undefined) wx.WX_CLIENTIP = origin.clientIp
  wx.WX_API_TOKEN = token
  const tcb: Record<string, string> = { TCB_SEQID: requestId }
  if (origin.source !== undefined) tcb.TCB_SOURCE = origin.source
  if (origin.clientIp !== undefined) tcb.TCB_SOURCE_IP = origin.clientIp
  return Object.assign({ WX_CONTEXT_KEYS: Object.keys(wx).join(','), TCB_CONTEXT_KEYS: Object.keys(tcb).join(',') }, wx, tcb)
}

function pick(env: Record<string, string>, keys: string[]): Record<string, string> {
  const picked: Record<string, string> = {}
  for (const key of keys) if (env[key] !== undefined) picked[key] = env[key]!
  return picked
}
