/** The Node platform's WebSocket: `ws`, reporting to mpcloud's socket handlers. */
import WebSocket from 'ws'
import type { Socket, SocketHandlers } from '../../src/platform'

/** Opens a socket to `url`; `handlers` hear nothing after `onClose`. */
export function connectSocket(url: string, handlers: SocketHandlers): Socket {
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
}
