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
import { createEmulatorServer } from './http/server'
import { handleWeb } from './http/web'
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
  const server = createEmulatorServer({ '/web': (body) => handleWeb({ store, env }, body) }, log)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port || 0, options.host || '127.0.0.1', () => resolve())
  })
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    env,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close()
          resolve()
        })
        server.closeAllConnections()
      }),
  }
}
