/**
 * The `http` transport: CloudBase's classic `/web` protocol (dialect A, docs/protocol.md §1.1) over the host's
 * request primitive, towards the emulator or any CloudBase-compatible endpoint.
 */
import type { ProtocolResponse } from '../protocol/database'
import type { Platform } from '../platform'
import type { Transport } from './transport'

/** A transport that POSTs each request to `<endpoint>/web?env=<env>`. */
export function createHttpTransport(platform: Platform, endpoint: string, timeout: number): Transport {
  const base = endpoint.replace(/\/+$/, '') + '/web'
  return {
    send(request) {
      // seqId as the official client makes it: it lets a server tell retries of one call apart.
      const body = Object.assign({}, request, { seqId: Math.random().toString(16).slice(2) })
      const url = typeof request.env === 'string' ? `${base}?env=${encodeURIComponent(request.env)}` : base
      return platform
        .request({ url, data: JSON.stringify(body), headers: { 'content-type': 'application/json;charset=UTF-8' }, timeout })
        .then((response) => {
          let data = response.data
          if (typeof data === 'string') {
            try {
              data = JSON.parse(data)
            } catch {
              data = undefined
            }
          }
          // A CloudBase body is the answer even with a 4xx/5xx status (413 carries { code, message }).
          if (data && typeof data === 'object' && ('data' in data || 'code' in data)) return data as ProtocolResponse
          throw new Error(`HTTP ${response.statusCode} from ${base} without a CloudBase response`)
        })
    },
  }
}
