/** Node's primitives for mpcloud: `fetch` (Node 18+), `ws` sockets, files through the file system. */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import WebSocket from 'ws'
import type { Platform } from '../../src/platform'

export const nodePlatform: Platform = {
  request({ url, data, headers, timeout }) {
    return fetch(url, { method: 'POST', headers, body: data, signal: AbortSignal.timeout(timeout) }).then((response) =>
      response.text().then((text) => ({ statusCode: response.status, data: text })),
    )
  },
  uploadFile({ url, filePath, name, formData }) {
    return readFile(filePath).then((bytes) => {
      const form = new FormData()
      for (const key of Object.keys(formData)) form.append(key, formData[key]!)
      form.append(name, new Blob([bytes]), basename(filePath))
      return fetch(url, { method: 'POST', body: form }).then((response) => response.text().then((text) => ({ statusCode: response.status, data: text })))
    })
  },
  downloadFile({ url }) {
    return fetch(url).then((response) =>
      response.arrayBuffer().then((body) => {
        const tempFilePath = join(tmpdir(), `mpcloud-${randomBytes(8).toString('hex')}`)
        return writeFile(tempFilePath, Buffer.from(body)).then(() => ({ statusCode: response.status, tempFilePath }))
      }),
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
