import type { ProtocolRequest, ProtocolResponse } from '../protocol/database'

/**
 * What carries a protocol request to a backend and brings its response back: the one seam between the
 * SDK and the world. `http` speaks CloudBase's `/web` protocol; `native` replays requests on a host's
 * own cloud SDK; tests record them.
 *
 * A transport resolves with the response body, including failures the server reports as
 * `{ code, message }`, and rejects only when no response arrived (network down, host API failed).
 */
export interface Transport {
  send(request: ProtocolRequest): Promise<ProtocolResponse>
}
