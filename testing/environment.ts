/**
 * A test environment for security rules, in the spirit of `@firebase/rules-unit-testing`: an emulator with
 * the rules under test, and ready clouds (mpcloud/node) that act as a named user, as nobody, or as the
 * administrator (for seeding). Every context signs in for real, over HTTP, as a mini program would.
 */
import { Aggregate, connectHttp, createCloud, createCommand, createRealtime, invokeFunction, nodePlatform, storageCalls, type Cloud, type Connection, type Database } from '../adapters/node/index'
import { startEmulator, type EmulatorOptions, type OutboxEntry, type OutboxQuery, type RulesInForce, type RunningEmulator } from '../emulator/index'

/** How to set up a test environment. */
export interface TestEnvironmentOptions extends Omit<EmulatorOptions, 'rules' | 'port'> {
  /**
   * The rules under test (the `rules` of `startEmulator`); what they leave out, and everything without them,
   * gets CloudBase's defaults.
   */
  rules?: RulesInForce
  /**
   * An emulator already running, to use instead of starting one (its rules are replaced by `rules` when
   * given; `cleanup()` leaves it running). The other options are then ignored.
   */
  emulator?: RunningEmulator
}

/** One identity's way in: a ready cloud acting as it. */
export interface TestContext {
  /** A cloud (mpcloud/node, `init()` done) whose every request is this context's identity's. */
  readonly cloud: Cloud
  /** `cloud.database()`. */
  database(): Database
}

/** Who an authenticated context is, beyond its openid. */
export interface TestUser {
  /** How the user signed in (`auth.loginType`): `CUSTOM` (default) or a mini program's `WECHAT`. */
  loginType?: 'CUSTOM' | 'WECHAT'
  /** CloudBase's user id (`auth.uid`) when it is not the openid. */
  uid?: string
}

export interface TestEnvironment {
  /** The emulator the contexts talk to: its `url`, `events` (each rule decision is in its request's event), ... */
  readonly emulator: RunningEmulator
  /** A context signed in as the user `openid` (what rules see as `auth.openid`; its writes get this `_openid`). */
  authenticatedContext(openid: string, user?: TestUser): TestContext
  /** A context that is not signed in: rules see `auth == null`. */
  unauthenticatedContext(): TestContext
  /**
   * Runs `seed` with a context that acts as the administrator: no rule applies and `_openid` is written as
   * given (`add({ data: { _openid: 'o-alice', ... } })` seeds a document Alice owns). The context is closed
   * when `seed` settles; using it afterwards fails.
   */
  withRulesDisabled<T>(seed: (context: TestContext) => Promise<T> | T): Promise<T>
  /** Puts other rules in force at once (`emulator.setRules`). */
  setRules(rules: RulesInForce): void
  /** Removes every document of every collection (collections and indexes stay). */
  clearDatabase(): Promise<void>
  /** Deletes every file. */
  clearStorage(): Promise<void>
  /**
   * The `cloud.openapi` calls the emulator's functions made (docs/openapi.md), oldest first, as
   * `emulator.outbox()`: `{ api, appid, functionName, requestId, data }`, `data` in the snake_case sent.
   * `{ since: id }` gives only later calls, so a test can ignore the ones before it.
   */
  outbox(query?: OutboxQuery): OutboxEntry[]
  /** Empties the outbox (between tests, as `clearDatabase`); later calls' ids count on from the last one. */
  clearOutbox(): Promise<void>
  /** Stops the emulator it started. Using the environment afterwards fails, saying so. */
  cleanup(): Promise<void>
}

/** The endpoint's transport without a session: requests carry no access token, so the emulator serves a guest. */
const withoutSignIn = (...args: Parameters<typeof connectHttp>): Connection => ({ transport: connectHttp(...args).transport })

/** A cloud over the emulator; `ticket` signs in as someone, `signIn: false` sends no token at all. */
function cloudOf(emulator: RunningEmulator, identity: { ticket: string } | { signIn: false }): Cloud {
  const connect = 'ticket' in identity ? connectHttp : withoutSignIn
  const cloud = createCloud({ platform: nodePlatform, connect, realtime: createRealtime, functions: invokeFunction, storage: storageCalls, commands: createCommand, aggregate: Aggregate })
  cloud.init({ env: emulator.env, endpoint: emulator.url, ...('ticket' in identity ? { ticket: identity.ticket } : {}) })
  return cloud
}

const contextOf = (cloud: Cloud): TestContext => ({ cloud, database: () => cloud.database() })

/** A context (its cloud and its databases) that refuses every use once `closed()` says why. */
function closable(context: TestContext, closed: () => string | undefined): TestContext {
  const check = () => {
    const why = closed()
    if (why) throw new Error(why)
  }
  const guard = <T extends object>(target: T): T => new Proxy(target, { get: (object, key, receiver) => (check(), Reflect.get(object, key, receiver)) })
  return { cloud: guard(context.cloud), database: () => (check(), guard(context.database())) }
}

/**
 * Starts an emulator with `options.rules` (or uses `options.emulator`) and returns the environment.
 * Unauthenticated contexts need the emulator to serve guests: one started here does
 * (`allowUnauthenticated`, CloudBase's "允许未登录访问").
 */
export async function createTestEnvironment(options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  const { emulator: given, rules, ...emulatorOptions } = options
  const emulator = given || (await startEmulator({ allowUnauthenticated: true, ...emulatorOptions, ...(rules !== undefined ? { rules } : {}), port: 0 }))
  if (given && rules !== undefined) given.setRules(rules)
  let cleanedUp = false
  const live = () => {
    if (cleanedUp) throw new Error('this test environment was cleaned up (cleanup() was called): a test that uses it afterwards may be missing an await')
  }
  return {
    emulator,
    authenticatedContext(openid, user = {}) {
      live()
      return contextOf(cloudOf(emulator, { ticket: emulator.createTicket(openid, user) }))
    },
    unauthenticatedContext() {
      live()
      return contextOf(cloudOf(emulator, { signIn: false }))
    },
    async withRulesDisabled(seed) {
      live()
      let done = false
      const context = closable(contextOf(cloudOf(emulator, { ticket: emulator.createAdminTicket() })), () =>
        done ? 'the context of withRulesDisabled() is closed once its callback settles: seed inside the callback' : undefined,
      )
      try {
        return await seed(context)
      } finally {
        done = true
      }
    },
    setRules(next) {
      live()
      emulator.setRules(next)
    },
    async clearDatabase() {
      live()
      emulator.clearDatabase()
    },
    async clearStorage() {
      live()
      emulator.clearStorage()
    },
    outbox(query) {
      live()
      return emulator.outbox(query)
    },
    async clearOutbox() {
      live()
      emulator.clearOutbox()
    },
    async cleanup() {
      if (cleanedUp) return
      cleanedUp = true
      if (!given) await emulator.stop()
    },
  }
}
