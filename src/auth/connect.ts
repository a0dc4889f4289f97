/**
 * `connectHttp`: how a cloud reaches a CloudBase-compatible endpoint (the emulator, or CloudBase's
 * classic `/web`): the `http` transport over the host's request primitive, and a signed-in session for
 * its tokens. Adapters that offer `endpoint` pass it to `createCloud`; a bundle that only uses a host's
 * native cloud never includes it.
 */
import { createHttpTransport } from '../core/http-transport'
import { createRequester, type TokenSource } from '../core/request'
import type { Transport } from '../core/transport'
import type { Platform } from '../platform'
import { createSession } from './session'

/** What `cloud.init()` said about the endpoint. */
export interface EndpointConfig {
  endpoint: string
  env?: string
  timeout?: number
  ticket?: string
}

/** A transport to the endpoint and the session whose tokens its requests carry (none: requests carry no token). */
export interface Connection {
  transport: Transport
  tokens?: TokenSource
}

/** Builds the connection one cloud uses for all its requests to `config.endpoint`. */
export function connectHttp(platform: Platform, config: EndpointConfig): Connection {
  const transport = createHttpTransport(platform, config.endpoint, config.timeout || 15000)
  // Sign-in requests go through the same pipeline (env, timeout), without tokens of their own.
  const { storage } = platform
  const store = storage ? { storage, key: `mpcloud:session:${config.env || ''}@${config.endpoint}` } : undefined
  return { transport, tokens: createSession(createRequester(transport, config), config, store) }
}
