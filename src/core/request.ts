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
  /** The caller's access token, for endpoints that want one (the http transport); see `TokenSource`. */
  tokens?: TokenSource
}

/** Where the pipeline gets the caller's access token; the auth feature provides it. */
export interface TokenSource {
  /** A valid access token; `renew` asks for a new one (the server said the last one expired). */
  get(renew: boolean): Promise<string>
}

/** Sends one protocol request for the public API `api`; resolves with the successful response body. */
export type Requester = (api: string, request: ProtocolRequest) => Promise<ProtocolResponse>

/** The `dataVersion` the official client sends (docs/protocol.md §1.1). */
export const DATA_VERSION = '2020-01-10'

/** Reads: sending them twice changes nothing, so they alone are retried. */
const IDEMPOTENT = ['database.queryDocument', 'database.countDocument', 'database.aggregate']
/** Failures worth another attempt: the server was busy or the network dropped. */
const TRANSIENT = ['NETWORK_ERROR', 'TIMEOUT', 'SYS_ERR', 'SERVER_TIMEOUT', 'EXCEED_REQUEST_LIMIT']

/** Builds the pipeline over `transport`. */
export function createRequester(transport: Transport, config: RequestConfig): Requester {
  const timeout = config.timeout === undefined ? 15000 : config.timeout
  const retries = config.retries === undefined ? 2 : config.retries
  const { tokens } = config

  return (api, request) =>
    new Promise<ProtocolResponse>((resolve, reject) => {
      // The server may say the token expired: it is replaced once per call.
      let renewed = false
      /**
       * Sends `request` with `token`, retrying transient failures of reads, and settles the call itself:
       * one promise per call, not a chain of them, each link of which would cost an allocation and a
       * microtask.
       */
      function sendWith(token?: string): void {
        const { action } = request
        // Key order as the official client sends it: action, dataVersion, env, the parameters, access_token.
        const envelope: ProtocolRequest = { action, dataVersion: DATA_VERSION }
        if (config.env !== undefined) envelope.env = config.env
        Object.assign(envelope, request)
        if (token !== undefined) envelope.access_token = token
        let attemptsLeft = IDEMPOTENT.indexOf(action) >= 0 ? retries : 0

        function attempt(): void {
          let settled = false
          // A response arriving after the timeout is ignored: the caller already has its error.
          const timer = setTimeout(() => fail(new CloudError(api, 'TIMEOUT', `no response to ${action} within ${timeout} ms`)), timeout)
          function fail(error: CloudError): void {
            if (settled) return
            settled = true
            clearTimeout(timer)
            if (attemptsLeft > 0 && TRANSIENT.indexOf(error.code) >= 0) {
              // Back off 100 ms, 200 ms, ... so a struggling server is not hammered.
              setTimeout(attempt, 100 * (retries - --attemptsLeft))
            } else if (tokens && !renewed && error.code === 'ACCESS_TOKEN_EXPIRED') {
              // A fresh token, and the request again with its own retries.
              renewed = true
              tokens.get(true).then(sendWith).catch(reject)
            } else reject(error)
          }
          let sent: Promise<ProtocolResponse>
          try {
            sent = transport.send(envelope)
          } catch (error) {
            // A transport that throws instead of rejecting fails this attempt like a network error (its
            // timer then never fires a retry of its own).
            sent = Promise.reject(error)
          }
          sent.then(
            (response) => {
              if (settled) return
              if (!response || typeof response !== 'object') return fail(new CloudError(api, 'SDK_ERROR', `empty response to ${action}`))
              if (response.code) {
                return fail(new CloudError(api, String(response.code), String(response.message || response.code), response.requestId))
              }
              settled = true
              clearTimeout(timer)
              resolve(response)
            },
            (error: unknown) =>
              fail(isCloudError(error) ? error : new CloudError(api, 'NETWORK_ERROR', `${action} failed: ${error instanceof Error ? error.message : String(error)}`)),
          )
        }
        attempt()
      }

      // Requests get a token, and a fresh one once if the server says it expired. Sign-in requests obtain
      // the token, so the session sends them through a requester made without `tokens` (connectHttp).
      if (tokens) tokens.get(false).then(sendWith).catch(reject)
      else sendWith()
    })
}
