/**
 * `mpcloud/emulator`: the local cloud. `startEmulator()` serves the CloudBase protocol on 127.0.0.1 over
 * one durable store per environment. It is a list of services (auth, database, realtime, storage,
 * functions) behind one request pipeline: see docs/architecture.md.
 *
 * @example
 * const emulator = await startEmulator({ port: 0, collections: ['todos'] })
 * cloud.init({ env: emulator.env, endpoint: emulator.url })
 * await emulator.stop()
 */
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { loadAdminKey } from './auth/admin-key'
import type { AdminCredentials } from './auth/admin-signature'
import { authService } from './auth/service'
import { createTokens, loadSecret } from './auth/tokens'
import { databaseService } from './database/service'
import { readFunctionConfig } from './functions/function-config'
import { functionsService, type FunctionsService } from './functions/service'
import { gatewayService } from './gateway/service'
import { createEmulatorServer } from './http/server'
import { httpAccessService, type HttpAccessService } from './http-access/service'
import { logsService } from './logs/service'
import { createEventLog, type EmulatorEvent } from './pipeline/events'
import { createPipeline } from './pipeline/pipeline'
import { EMULATOR, sourceOf, type Principal } from './pipeline/principal'
import { seedCollections, type SeedDocuments, type SeedOutcome } from './database/seed'
import type { Action, Incoming, Service } from './pipeline/service'
import type { OutboxEntry, OutboxQuery } from './openapi/outbox'
import { openapiService } from './openapi/service'
import { realtimeService } from './realtime/server'
import { createEnforcement, type RulesInForce } from './rules/enforcement'
import { storageService } from './storage/service'
import { lockDataDir } from './store/data-dir-lock'
import { Store } from './store/store'
import { checkDatabaseTriggers, type DatabaseTriggerConfig } from './triggers/database-config'
import { databaseTriggersService } from './triggers/database'
import { timersService, type Fired as FiredTrigger } from './triggers/timers'

export type { AdminCredentials } from './auth/admin-signature'
export type { EmulatorEvent } from './pipeline/events'
export { formatEvent } from './pipeline/events'
export type { Principal } from './pipeline/principal'
export type { SeedDocuments } from './database/seed'
export type { RulesSource } from './rules/gate'
export type { RulesInForce } from './rules/enforcement'
export type { Fired as FiredTrigger, TimerEvent } from './triggers/timers'
export type { DatabaseTriggerConfig, TriggerCondition, ConditionItem, DatabaseEventType } from './triggers/database-config'
export type { DatabaseTriggerEvent } from './triggers/database'
export type { OutboxEntry, OutboxQuery } from './openapi/outbox'

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Host to listen on (default 127.0.0.1). */
  host?: string
  /** Directory for the data files (one SQLite file per env); without it, data lives in memory. */
  dataDir?: string
  /** The environment id served (default `demo-env`). */
  env?: string
  /** Collections to create at start when missing. */
  collections?: string[]
  /** Receives every event of the structured log as it happens (requests, function runs and output, realtime sessions). */
  onEvent?: (event: EmulatorEvent) => void
  /**
   * The cloud functions folder: each function is `<functions>/<name>/index.js` (CommonJS or ESM) exporting
   * `main(event, context)`. Calls run in warm instances (worker threads), one call at a time each, as on
   * CloudBase; without this option no function is served.
   */
  functions?: string
  /** How long a function may run, in ms, when its config.json sets no `timeout` (default 3000, CloudBase's). */
  functionTimeout?: number
  /** How many function instances may live at once, each a worker of up to 256 MB (default 4); more calls wait in line. */
  maxFunctionWorkers?: number
  /** How long an idle function instance stays warm, in ms (default 600000: 10 minutes). */
  functionIdleTimeout?: number
  /** How many calls may wait for a worker (default 100); beyond them a call fails with EXCEED_CONCURRENT_REQUEST_LIMIT. */
  maxQueuedFunctionCalls?: number
  /** The largest file a storage upload may carry, in bytes (default 50 MB; JSON requests stay at 10 MB). */
  maxUploadBytes?: number
  /**
   * Whether the functions' timer triggers (their config.json's `triggers`) fire on their own (default true).
   * `false` for tests that fire them with `fireTrigger()` instead; a wrong cron then fails only that call.
   */
  timers?: boolean
  /**
   * The admin key pair `/admin` requests must be signed with (what `wx-server-sdk` / `@cloudbase/node-sdk` take as
   * `secretId` / `secretKey`). Default: generated once per data dir and kept in it, or fresh for an in-memory emulator.
   */
  adminKey?: AdminCredentials
  /**
   * CloudBase's "allow unauthenticated access" switch: when true, a `/web` request without an access token is
   * served as a guest instead of failing with CHECK_LOGIN_FAILED. Default false, as on CloudBase.
   */
  allowUnauthenticated?: boolean
  /**
   * The security rules client requests are checked against (`/web` and watches; the administrator and the
   * system bypass them): `{ database: { todos: 'READONLY', posts: { read: true, write: 'doc._openid == auth.openid' } },
   * storage: { read: true, write: 'resource.openid == auth.openid' }, functions: { '*': { invoke: 'auth != null' } } }`.
   * What is left out gets CloudBase's default for a new environment: a collection is PRIVATE (only its
   * creator reads and writes a document), storage is read by all and written by the uploader, functions
   * need a sign-in; so the default, `{}`, is CloudBase's behaviour. `'open'` enforces nothing (prototyping
   * only: no CloudBase environment behaves so). An invalid rule fails the start, naming it and where.
   */
  rules?: RulesInForce
  /**
   * CloudBase's HTTP access service: `routes` maps a path prefix to the function serving it and every path
   * below it (`{ '/api': 'api' }`: `GET /api/users/1` runs `api` with `event.path` `/users/1`), served on a port
   * of its own (`port`, default 0: a free one), as CloudBase serves them on another domain (docs/http-access.md).
   */
  http?: { routes: Record<string, string>; port?: number }
  /**
   * Database triggers (docs/triggers.md): each runs `function` for every insert, update or delete (`events`,
   * default all three) of a document of `collection` that matches `condition` (`{ all: [...] }` or
   * `{ any: [...] }` of `{ field: 'a.b', op: '=' | '!=' | '>' | '>=' | '<' | '<=', value }`), with CloudBase's
   * CloudEvents envelope, after the write. A wrong one fails the start, naming the trigger and the field.
   */
  databaseTriggers?: DatabaseTriggerConfig[]
  /**
   * Documents to start with, per collection (`{ todos: [{ _id: 't1', title: 'Milk' }] }`): written into each
   * collection that is empty at start (a data dir that holds documents keeps them; restarts never duplicate),
   * by the system, so they carry no `_openid` unless given one, and fire no database trigger.
   */
  seed?: SeedDocuments
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:9000`: the SDK's `endpoint`. */
  url: string
  /** The HTTP access service's base URL (`http://127.0.0.1:9001`), when started with `http` routes. */
  httpUrl?: string
  env: string
  /** What the server SDKs sign with: `cloud.init({ env, serviceUrl: url + '/admin', secretId, secretKey })`. */
  adminCredentials: AdminCredentials
  /** The structured log: the latest events (a bounded ring), and a feed of the next ones. */
  events: {
    recent(): EmulatorEvent[]
    subscribe(listener: (event: EmulatorEvent) => void): () => void
  }
  /**
   * A sign-in ticket for the user `openid` (valid ten minutes): tests and the demo act as a named user by
   * signing in with it, as CloudBase's custom login does (`cloud.init({ ..., ticket })`). The user signs in
   * as `CUSTOM`, or as a mini program's WeChat user with `{ loginType: 'WECHAT' }` (what rules see as
   * `auth.loginType`); `uid` is its CloudBase user id when that is not the openid (`auth.uid`).
   */
  createTicket(openid: string, options?: { loginType?: 'CUSTOM' | 'WECHAT'; uid?: string }): string
  /**
   * A sign-in ticket whose session acts as the administrator over the client protocol: no rule applies and
   * `_openid` is written as given, as the server SDKs write. For seeding tests (`mpcloud/testing`'s
   * `withRulesDisabled`); only who holds this emulator object can make one.
   */
  createAdminTicket(): string
  /**
   * Puts other security rules in force at once (`'open'`: none), as a changed rules file does. Throws,
   * naming the mistake and its position, when they do not compile; the rules in force then stay.
   */
  setRules(rules: RulesInForce): void
  /**
   * Removes every document of every collection (collections and indexes stay), as one commit by the
   * emulator: watches see the removals. For tests (`mpcloud/testing`'s `clearDatabase`).
   */
  clearDatabase(): void
  /** Deletes every stored file and who uploaded it (temporary URLs handed out stop working). For tests. */
  clearStorage(): void
  /**
   * Runs function `name`'s timer trigger now, as its timer would (what `mpcloud trigger` does); `trigger`
   * when given must be its name. Resolves with the event it was given and what it returned.
   */
  fireTrigger(name: string, trigger?: string): Promise<FiredTrigger>
  /**
   * The `cloud.openapi` calls functions made (docs/openapi.md), oldest first: the last 1,000 accepted, each
   * `{ id, time, api, appid, functionName, requestId, data }` with `data` as sent (snake_case keys).
   */
  outbox(query?: OutboxQuery): OutboxEntry[]
  /** Empties the outbox; entries recorded later keep counting their ids on, so a cursor held across stays valid. For tests. */
  clearOutbox(): void
  /** Stops serving and closes the store; pending writes have been committed. */
  stop(): Promise<void>
}

/**
 * The auth service with its `/admin` authenticator made to know running invocations: a signed request carrying
 * the WX_API_TOKEN of an invocation that runs for the system (a database or timer trigger's run) acts for that
 * principal, not the administrator, so its writes' commits say `source: 'trigger'` and the database triggers
 * know which chain of runs made them (their loop guard). Actions only the administrator may call
 * (`access: 'admin'`) stay the administrator's. A user's call keeps its function's SDK the administrator, as on
 * CloudBase.
 */
function actingForInvocations(auth: Service, functions: FunctionsService, services: () => Service[]): Service {
  const signed = auth.authenticators && auth.authenticators.admin
  if (!signed) return auth
  let adminOnly: Set<string> | undefined
  const admin = (incoming: Incoming): Principal => {
    const principal = signed(incoming)
    adminOnly = adminOnly || new Set(services().flatMap((service) => Object.entries((service.actions && service.actions.admin) || {}).filter(([, action]) => action.access === 'admin').map(([name]) => name)))
    const runsFor = adminOnly.has(incoming.action) ? undefined : functions.runningFor(incoming.body.wxCloudApiToken)
    return runsFor && runsFor.kind === 'system' ? runsFor : principal
  }
  return Object.assign({}, auth, { authenticators: Object.assign({}, auth.authenticators, { admin }) })
}

/** An openid or uid a ticket can name. */
const USER_ID = /^[\w-]{1,64}$/

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const env = options.env || 'demo-env'
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/.test(env)) throw new Error(`invalid env id "${env}"`)
  let file = ':memory:'
  let unlock = () => {}
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    unlock = lockDataDir(options.dataDir)
    file = join(options.dataDir, `${env}.sqlite`)
  }
  try {
    return await serve(options, env, file, unlock)
  } catch (error) {
    unlock()
    throw error
  }
}

async function serve(options: EmulatorOptions, env: string, file: string, unlock: () => void): Promise<RunningEmulator> {
  const events = createEventLog()
  if (options.onEvent) events.subscribe(options.onEvent)
  const secret = loadSecret(options.dataDir)
  const adminKey = loadAdminKey(options.dataDir, options.adminKey)
  const tokens = createTokens(secret, { dataDir: options.dataDir })
  let url = ''
  // The rules in force, replaceable while running (setRules); CloudBase's defaults without the option. A
  // storage rule's get() reads the store (opened below, before any request).
  const enforcement = createEnforcement(options.rules ?? {}, (collection, id) => store.documents(collection)?.get(id))
  // Services check their options first: a bad one fails the start before the store opens.
  const functions = functionsService({
    env,
    url: () => url,
    adminKey,
    events,
    ...(options.functions !== undefined ? { dir: options.functions } : {}),
    ...(options.functionTimeout !== undefined ? { timeoutMs: options.functionTimeout } : {}),
    ...(options.maxFunctionWorkers !== undefined ? { maxFunctionWorkers: options.maxFunctionWorkers } : {}),
    ...(options.functionIdleTimeout !== undefined ? { idleMs: options.functionIdleTimeout } : {}),
    ...(options.maxQueuedFunctionCalls !== undefined ? { maxQueuedFunctionCalls: options.maxQueuedFunctionCalls } : {}),
  })
  // Timer triggers: a wrong cron in a config.json fails the start here, naming the file and the trigger.
  const timers = timersService({ dir: functions.dir, call: functions.call, readConfig: readFunctionConfig, schedule: options.timers !== false, notice: (message, code) => pipeline.notice(message, code) })
  // HTTP access runs functions by URL on its own port; it is handed the one way to run a function. Bad routes fail here.
  const httpAccess: HttpAccessService | undefined = options.http
    ? httpAccessService({ env, routes: options.http.routes, invoke: functions.call, host: options.host || '127.0.0.1', ...(options.http.port !== undefined ? { port: options.http.port } : {}) })
    : undefined
  const storage = storageService({ env, secret, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}), guard: enforcement.storage })
  let report = (message: string) => console.error(message)
  // Database triggers: a wrong one fails the start here, naming the trigger and the field, before the store opens.
  const triggerList = checkDatabaseTriggers(options.databaseTriggers || [])
  const store = new Store(file, (message) => report(message))
  for (const name of options.collections || []) store.createCollection(name)
  let seeded: SeedOutcome[]
  try {
    seeded = seedCollections(store, options.seed || {})
  } catch (error) {
    store.close()
    throw error
  }
  // They read the change feed from start(), once the emulator listens (a function's own SDK calls it back).
  const databaseTriggers = databaseTriggersService({
    env,
    triggers: triggerList,
    dir: functions.dir,
    onCommit: (listener) => store.onCommit(listener),
    call: functions.call,
    notice: (message, code) => pipeline.notice(message, code),
  })

  // cloud.openapi: checked against the calling invocation's config.json, recorded in the outbox.
  const openapi = openapiService({ invocationFor: functions.invocationFor })
  const services: Service[] = [
    actingForInvocations(authService({ env, tokens, adminKey, allowUnauthenticated: options.allowUnauthenticated === true }), functions, () => services),
    databaseService(store, enforcement.database),
    realtimeService(store, enforcement.database),
    storage,
    timers,
    databaseTriggers,
    functions,
    openapi,
    // Function logs and metrics (functions.getLogs, functions.getStats): read from the structured log.
    logsService(events),
  ]
  if (httpAccess) services.push(httpAccess)
  // The gateway dialect (js-sdk 3.x's default) runs the client dialect's actions, as the bearer's user.
  const client: Record<string, Action> = Object.assign({}, ...services.map((service) => (service.actions && service.actions.web) || {}))
  const bearer = (incoming: Incoming) => pipeline.principalOf('oauth', incoming)
  services.push(gatewayService({ client, authorize: enforcement.authorize, bearer, allowUnauthenticated: options.allowUnauthenticated === true }))
  // Function rules are the pipeline's authorize hook: an invoke is allowed or refused before it runs.
  const pipeline = createPipeline({ env, services, events, authorize: enforcement.authorize })
  report = (message) => pipeline.notice(message, 'SYS_ERR')
  for (const { collection, inserted } of seeded) {
    pipeline.notice(inserted ? `seeded ${collection} with ${inserted} document${inserted === 1 ? '' : 's'}` : `${collection} holds documents: its seed is not loaded again`)
  }
  const server = createEmulatorServer(
    pipeline,
    services.flatMap((service) => service.routes || []),
    () => url,
    services.flatMap((service) => Object.keys((service.actions && service.actions.gateway) || {})),
  )
  for (const service of services) if (service.attach) service.attach(server, pipeline)
  let httpUrl: string | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port || 0, options.host || '127.0.0.1', () => resolve())
    })
    if (httpAccess) httpUrl = await httpAccess.listen()
  } catch (error) {
    // Nothing was served: give back what was opened (the store's file, the sockets' timers).
    for (const service of services) await (service.stop && service.stop())
    if (server.listening) await new Promise((resolve) => server.close(resolve))
    store.close()
    throw error
  }
  const { address, port } = server.address() as AddressInfo
  // Listening on every interface: this machine reaches it on loopback (the LAN addresses are the CLI's to show).
  const reachable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address
  url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
  timers.start()
  databaseTriggers.start()
  return {
    url,
    ...(httpUrl !== undefined ? { httpUrl } : {}),
    env,
    adminCredentials: { secretId: adminKey.secretId, secretKey: adminKey.secretKey },
    setRules: (rules) => enforcement.set(rules),
    events: { recent: () => events.recent(), subscribe: (listener) => events.subscribe(listener) },
    createTicket(openid, { loginType = 'CUSTOM', uid } = {}) {
      if (typeof openid !== 'string' || !USER_ID.test(openid)) throw new Error(`invalid openid ${JSON.stringify(openid)}: 1 to 64 letters, digits, _ or -`)
      if (uid !== undefined && (typeof uid !== 'string' || !USER_ID.test(uid))) throw new Error(`invalid uid ${JSON.stringify(uid)}: 1 to 64 letters, digits, _ or -`)
      if (loginType !== 'CUSTOM' && loginType !== 'WECHAT') throw new Error(`loginType must be 'CUSTOM' or 'WECHAT', got ${JSON.stringify(loginType)}`)
      return tokens.issue({ sub: openid, scope: loginType === 'WECHAT' ? 'wechat' : 'custom', ...(uid !== undefined ? { uid } : {}) }, 'ticket')
    },
    createAdminTicket: () => tokens.issue({ sub: 'administrator', scope: 'admin' }, 'ticket'),
    clearDatabase() {
      const removals = store.collectionNames().flatMap((collection) => [...store.documents(collection)!.keys()].map((id) => ({ collection, id, doc: null })))
      store.write(removals, { principal: EMULATOR, source: sourceOf(EMULATOR) })
    },
    clearStorage: () => storage.clear(),
    fireTrigger: (name, trigger) => timers.fire(name, trigger),
    outbox: (query) => openapi.outbox.list(query).entries,
    clearOutbox: () => openapi.outbox.clear(),
    async stop() {
      // Every service stops (sockets, workers), whatever another one's stop did; then the server, then the store.
      for (const service of services) {
        try {
          await (service.stop && service.stop())
        } catch (error) {
          pipeline.notice(`stopping ${service.name}: ${error instanceof Error ? error.message : String(error)}`, 'SYS_ERR')
        }
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      store.close()
      unlock()
    },
  }
}
