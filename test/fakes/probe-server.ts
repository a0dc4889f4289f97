/**
 * A local HTTP + WebSocket server for the fakes' own tests, for what the emulator does not serve: an echo
 * of the request as received, a body that is not JSON, raw bytes, a chosen status, a request that never
 * answers, and a WebSocket that echoes frames (text and binary) as they came.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

/** What `/echo` answers: the request as the server saw it. */
export interface Echo {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface ProbeServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string
  /** Requests to `/hang` received so far. */
  readonly hanging: number
  close(): Promise<void>
}

export async function startProbeServer(): Promise<ProbeServer> {
  let hanging = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = (req.url || '/').split('?')[0]
      const body = Buffer.concat(chunks).toString('utf8')
      if (path === '/echo') {
        const echo: Echo = { method: req.method || '', url: req.url || '', headers: req.headers, body }
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] })
        return res.end(JSON.stringify(echo))
      }
      if (path === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' })
        return res.end('plain text, not JSON')
      }
      if (path === '/bytes') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        return res.end(Buffer.from([0, 1, 2, 255]))
      }
      if (path === '/teapot') {
        res.writeHead(418, { 'content-type': 'application/json' })
        return res.end(JSON.stringify({ code: 'TEAPOT' }))
      }
      if (path === '/hang') {
        hanging++
        return // never answers
      }
      res.writeHead(404)
      res.end()
    })
  })
  const wss = new WebSocketServer({ server, path: '/ws' })
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    get hanging() {
      return hanging
    },
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
