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
import { createWebHandler } from './http/web'
import { handleAdmin } from './database/admin-actions'
import { Transactions } from './database/transactions'
import { attachRealtime } from './realtime/server'
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
  /** Receives one line per request (default: silent). */
  log?: (line: string) => void
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
  const store = new Store(file)
  for (const name of options.collections || []) store.createCollection(name)
  const log = options.log || (() => {})
  const tokens = createTokens(loadSecret(options.dataDir))
  const transactions = new Transactions(store)
  let wsUrl = ''
  const web = createWebHandler({ env, store, tokens, transactions, wsUrl: () => wsUrl })
  const routes: Record<string, Route> = {
    '/web': { method: 'POST', handle: web },
    '/admin': { method: 'POST', handle: (body) => handleAdmin({ env, store, transactions }, body) },
  }
  for (const [path, handle] of Object.entries(oauthRoutes(tokens))) {
    routes[path] = {
      method: path === '/auth/v1/user/me' ? 'GET' : 'POST',
      handle: (body, bearer) => handle((body || {}) as Record<string, unknown>, bearer),
      failure: oauthFailure,
    }
  }
  const server = createEmulatorServer(routes, log)
  const closeRealtime = attachRealtime(server, { env, store, tokens, log })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port || 0, options.host || '127.0.0.1', () => resolve())
  })
  const { address, port } = server.address() as AddressInfo
  wsUrl = `ws://${address}:${port}/ws`
  return {
    url: `http://${address}:${port}`,
    env,
    createTicket(openid) {
      if (typeof openid !== 'string' || !/^[\w-]{1,64}$/.test(openid)) throw new Error(`invalid openid "${openid}"`)
      return tokens.issue(openid, 'ticket', 'custom')
    },
    stop: () =>
      new Promise<void>((resolve) => {
        closeRealtime()
        server.close(() => {
          store.close()
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
