/**
 * The composition root: `createCloud()` wires a transport to the feature services and returns the
 * object that `wx.cloud` code calls (`init`, `database`, ...).
 */
import { invalidArgument } from './protocol/errors'
import { createRequester } from './core/request'
import type { Transport } from './core/transport'
import { Database, type DatabaseConfig } from './database/database'

/** `cloud.init()` options. */
export interface InitConfig {
  /** The environment id. */
  env?: string
  /** Milliseconds before a request fails (default 15000). */
  timeout?: number
  /** Accepted for wx compatibility; the transport decides what it records. */
  traceUser?: boolean
}

/** What `createCloud()` needs. */
export interface CloudOptions {
  /** Carries protocol requests (the `http` transport, a host's native one, or a test recorder). */
  transport: Transport
}

/** A cloud: drop-in for `wx.cloud`. */
export interface Cloud {
  /** Sets the default environment; as on wx, the first call wins. */
  init(config?: InitConfig): void
  /** The database of the default environment, or of `config.env`. */
  database(config?: DatabaseConfig): Database
}

/** Creates a cloud over `options.transport`. */
export function createCloud(options: CloudOptions): Cloud {
  if (!options || !options.transport || typeof options.transport.send !== 'function') {
    throw invalidArgument('createCloud', 'takes { transport } with a send(request) method')
  }
  const { transport } = options
  let initial: InitConfig | undefined
  return {
    init(config = {}) {
      if (initial) return
      if (config.env !== undefined && (typeof config.env !== 'string' || !config.env)) {
        throw invalidArgument('cloud.init', 'env must be a non-empty string')
      }
      if (config.timeout !== undefined && !(typeof config.timeout === 'number' && config.timeout > 0)) {
        throw invalidArgument('cloud.init', 'timeout must be a positive number of milliseconds')
      }
      initial = Object.assign({}, config)
    },
    database(config = {}) {
      const env = config.env || (initial && initial.env)
      const requestConfig: { env?: string; timeout?: number } = {}
      if (env) requestConfig.env = env
      if (initial && initial.timeout) requestConfig.timeout = initial.timeout
      return new Database(createRequester(transport, requestConfig), env ? { env } : {})
    },
  }
}
