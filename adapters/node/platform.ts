/** Node's primitives for mpcloud: `fetch` (Node 18+). */
import type { Platform } from '../../src/platform'

export const nodePlatform: Platform = {
  request({ url, data, headers, timeout }) {
    return fetch(url, { method: 'POST', headers, body: data, signal: AbortSignal.timeout(timeout) }).then((response) =>
      response.text().then((text) => ({ statusCode: response.status, data: text })),
    )
  },
}
