/**
 * A transport that records every request and answers from a responder: the way unit tests see exactly
 * what the SDK puts on the wire.
 */
import type { ProtocolRequest, ProtocolResponse, Transport } from '../../src/index'

export interface RecordingTransport extends Transport {
  readonly requests: ProtocolRequest[]
  /** The last request, without the envelope (`dataVersion`, `env`). */
  last(): Record<string, unknown>
}

/** Canned successful responses per action, shaped as the CloudBase server sends them. */
export function defaultResponse(request: ProtocolRequest): ProtocolResponse {
  switch (request.action) {
    case 'database.queryDocument':
      return { requestId: 'r', data: { list: [] } }
    case 'database.countDocument':
      return { requestId: 'r', data: { total: 0 } }
    case 'database.addDocument':
      return Array.isArray(request.data)
        ? { requestId: 'r', data: { insertedIds: request.data.map((_, i) => `id-${i + 1}`) } }
        : { requestId: 'r', data: { _id: 'id-1' } }
    case 'database.updateDocument':
      return { requestId: 'r', data: { updated: 1, upserted_id: null } }
    case 'database.deleteDocument':
      return { requestId: 'r', data: { deleted: 1 } }
    case 'database.aggregate':
      return { requestId: 'r', data: { list: '[]' } }
    default:
      return { requestId: 'r', data: {} }
  }
}

export function recordingTransport(
  respond: (request: ProtocolRequest) => ProtocolResponse | Promise<ProtocolResponse> = defaultResponse,
): RecordingTransport {
  const requests: ProtocolRequest[] = []
  return {
    requests,
    send(request) {
      requests.push(request)
      return Promise.resolve(respond(request))
    },
    last() {
      const request = requests[requests.length - 1]
      if (!request) throw new Error('no request was sent')
      const { dataVersion: _v, env: _e, ...rest } = request
      return rest
    },
  }
}
