/** Node's primitives for mpcloud: `fetch` (Node 18+) and `ws` sockets. */
import WebSocket from 'ws'
import type { Platform } from '../../src/platform'

export const nodePlatform: Platform = {
  request({ url, data, headers, timeout }) {
    return fetch(url, { method: 'POST', headers, body: data, signal: AbortSignal.timeout(timeout) }).then((response) =>
      response.text().then((text) => ({ statusCode: response.status, data: text })),
    )
  },
  connectSocket(url, handlers) {
    const socket = new WebSocket(url)
    let closed = false
    socket.on('open', () => handlers.onOpen())
    socket.on('message', (data) => handlers.onMessage(String(data)))
    socket.on('error', (error) => !closed && handlers.onError(error.message))
    socket.on('close', (code, reason) => {
      closed = true
      handlers.onClose(code, String(reason))
    })
    return {
      send: (data) => socket.send(data),
      close: (code, reason) => (socket.readyState === WebSocket.CONNECTING ? socket.terminate() : socket.close(code, reason)),
    }
  },
}
