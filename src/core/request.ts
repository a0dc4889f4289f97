/**
 * The request pipeline every feature sends through: adds the envelope, applies the timeout, retries
 * idempotent reads after transient failures, and turns failures into `CloudError`s named after the API
 * the user called.
 */
import { CloudError, isCloudError } from '../protocol/errors'
import type { ProtocolRequest, ProtocolResponse } from '../protocol/database'
import type { Transport } from './transport'

/** How the pipeline behaves; every field has a default. */
export interface RequestConfig {
  /** The environment id sent as `env` in every request. */
  env?: string
  /** Milliseconds before a request fails with `TIMEOUT` (default 15000). */
  timeout?: number
  /** Extra attempts for idempotent reads after a transient failure (default 2). */
  retries?: number
}

/** Sends one protocol request for the public API `api`; resolves with the successful response body. */
export type Requester = (api: string, request: ProtocolRequest) => Promise<ProtocolResponse>

/** The `dataVersion` the official client sends (reference §1.1). */
export const DATA_VERSION = '2020-01-10'

/** Reads: sending them twice changes nothing, so they alone are retried. */
const IDEMPOTENT = ['database.queryDocument', 'database.countDocument', 'database.aggregate']
/** Failures worth another attempt: the server was busy or the network dropped. */
const TRANSIENT = ['NETWORK_ERROR', 'TIMEOUT', 'SYS_ERR', 'SERVER_TIMEOUT', 'EXCEED_REQUEST_LIMIT']

/** Builds the pipeline over `transport`. */
export function createRequester(transport: Transport, config: RequestConfig): Requester {
  const timeout = config.timeout === undefined ? 15000 : config.timeout
  const retries = config.retries === undefined ? 2 : config.retries

  function once(api: string, request: ProtocolRequest): Promise<ProtocolResponse> {
    // Key order as the official client sends it: action, dataVersion, env, then the parameters.
    const envelope: ProtocolRequest = { action: request.action, dataVersion: DATA_VERSION }
    if (config.env !== undefined) envelope.env = config.env
    Object.assign(envelope, request)
    return new Promise<ProtocolResponse>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new CloudError(api, 'TIMEOUT', `no response to ${request.action} within ${timeout} ms`)),
        timeout,
      )
      transport.send(envelope).then(
        (response) => {
          clearTimeout(timer)
          if (!response || typeof response !== 'object') {
            reject(new CloudError(api, 'SDK_ERROR', `empty response to ${request.action}`))
          } else if (response.code) {
            reject(new CloudError(api, String(response.code), String(response.message || response.code), response.requestId))
          } else resolve(response)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(
            isCloudError(error)
              ? error
              : new CloudError(api, 'NETWORK_ERROR', `${request.action} failed: ${error instanceof Error ? error.message : String(error)}`),
          )
        },
      )
    })
  }

  return function send(api, request) {
    const attempts = IDEMPOTENT.indexOf(request.action) >= 0 ? retries + 1 : 1
    const attempt = (n: number): Promise<ProtocolResponse> =>
      once(api, request).catch((error: CloudError) => {
        if (n + 1 >= attempts || TRANSIENT.indexOf(error.code) < 0) throw error
        // Back off 100 ms, 200 ms, ... so a struggling server is not hammered.
        return new Promise<void>((r) => setTimeout(r, 100 * (n + 1))).then(() => attempt(n + 1))
      })
    return attempt(0)
  }
}
