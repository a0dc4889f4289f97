/**
 * `mpcloud/emulator`: the local cloud. `startEmulator()` serves the CloudBase protocol on 127.0.0.1 over
 * one durable store per environment.
 *
 * @example
 * const emulator = await startEmulator({ port: 0, collections: ['todos'] })
 * cloud.init({ env: emulator.env, endpoint: emulator.url })
 * await emulator.stop()
 */
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { oauthFailure, oauthRoutes } from './auth/actions'
import { createTokens, loadSecret } from './auth/tokens'
import { createEmulatorServer, type Route } from './http/server'
import { createWebHandler, requestOrigin } from './http/web'
import { handleAdmin } from './database/admin-actions'
import { Transactions } from './database/transactions'
import { createFunctions } from './functions/service'
import { attachRealtime } from './realtime/server'
import { createStorage } from './storage/service'
import { Store } from './store/store'

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
  /** Receives one line per request, and cloud functions' console output (default: silent). */
  log?: (line: string) => void
  /**
   * The cloud functions folder: each function is `<functions>/<name>/index.js` (CommonJS or ESM) exporting
   * `main(event, context)`. Each call runs in its own worker thread; without this option no function is served.
   */
  functions?: string
  /** How long a function may run, in ms, before its call fails and its worker is ended (default 3000, CloudBase's). */
  functionTimeout?: number
  /** The largest file a storage upload may carry, in bytes (default 50 MB; JSON requests stay at 10 MB). */
  maxUploadBytes?: number
}

export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:9000`: the SDK's `endpoint`. */
  url: string
  env: string
  /**
   * A sign-in ticket for the user `openid` (valid ten minutes): tests and the demo act as a named user by
   * signing in with it, as CloudBase's custom login does (`cloud.init({ ..., ticket })`).
   */
  createTicket(openid: string): string
  /** Stops serving and closes the store; pending writes have been committed. */
  stop(): Promise<void>
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const env = options.env || 'demo-env'
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/.test(env)) throw new Error(`invalid env id "${env}"`)
  let file = ':memory:'
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true })
    file = join(options.dataDir, `${env}.sqlite`)
  }
  const log = options.log || (() => {})
  const secret = loadSecret(options.dataDir)
  let wsUrl = ''
  let url = ''
  // Functions and storage check their options first: a bad one fails the start before the store opens.
  const functions = createFunctions({
    env,
    url: () => url,
    log,
    ...(options.functions !== undefined ? { dir: options.functions } : {}),
    ...(options.functionTimeout !== undefined ? { timeoutMs: options.functionTimeout } : {}),
  })
  const storage = createStorage({ env, secret, ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.maxUploadBytes !== undefined ? { maxUploadBytes: options.maxUploadBytes } : {}) })
  const store = new Store(file)
  for (const name of options.collections || []) store.createCollection(name)
  const tokens = createTokens(secret, { dataDir: options.dataDir })
  const transactions = new Transactions(store)
  const services = Object.assign({}, storage.actions, functions.actions)
  const web = createWebHandler({ env, store, tokens, transactions, wsUrl: () => wsUrl, services, url: () => url })
  const routes: Record<string, Route> = {
    '/web': { method: 'POST', handle: web },
    '/admin': { method: 'POST', handle: (body, _bearer, req) => handleAdmin({ env, store, transactions, services }, body, { origin: requestOrigin(req, url) }) },
  }
  for (const [path, handle] of Object.entries(oauthRoutes(tokens))) {
    routes[path] = {
      method: path === '/auth/v1/user/me' ? 'GET' : 'POST',
      handle: (body, bearer) => handle((body || {}) as Record<string, unknown>, bearer),
      failure: oauthFailure,
    }
  }
  const server = createEmulatorServer(routes, log, storage.routes)
  const closeRealtime = attachRealtime(server, { env, store, tokens, log })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port || 0, options.host || '127.0.0.1', () => resolve())
  })
  const { address, port } = server.address() as AddressInfo
  wsUrl = `ws://${address}:${port}/ws`
  url = `http://${address}:${port}`
  return {
    url,
    env,
    createTicket(openid) {
      if (typeof openid !== 'string' || !/^[\w-]{1,64}$/.test(openid)) throw new Error(`invalid openid "${openid}"`)
      return tokens.issue(openid, 'ticket', 'custom')
    },
    stop: () =>
      new Promise<void>((resolve) => {
        closeRealtime()
        functions.stop().catch((error: unknown) => log(`stopping functions: ${String(error)}`))
        server.close(() => {
          store.close()
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
