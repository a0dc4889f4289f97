/**
 * The Node platform's HTTP primitives against a real `node:http` server on 127.0.0.1: answers of any
 * status, failures, the timeout freeing its socket, keep-alive reuse, redirects as fetch follows them,
 * and the file primitives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import busboy from 'busboy'
import { afterEach, describe, expect, it } from 'vitest'
import { createNodePlatform } from '../../adapters/node/platform'

interface TestServer {
  url: string
  /** Connections accepted so far. */
  readonly connections: number
  /** Connections open now. */
  readonly open: number
  close(): Promise<void>
}

const servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<TestServer> {
  const sockets = new Set<Socket>()
  let connections = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => handler(req, res, Buffer.concat(chunks)))
  })
  server.on('connection', (socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const running: TestServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return connections
    },
    get open() {
      return sockets.size
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
  servers.push(running)
  return running
}

const json = { 'content-type': 'application/json;charset=UTF-8' }
const post = (url: string, data: string, timeout = 5000) => ({ url, data, headers: json, timeout })

async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 2000
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met within 2 s')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('request', () => {
  it('POSTs the JSON text with its headers and resolves with the status and the body as text', async () => {
    let seen: { method?: string; type?: string; length?: string; body?: string } = {}
    const server = await serve((req, res, body) => {
      seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body: body.toString() }
      res.end('{"data":{"ok":"✓"},"requestId":"r1"}')
    })
    const response = await createNodePlatform().request(post(`${server.url}/web?env=e`, '{"action":"x","n":"é"}'))
    expect(response).toEqual({ statusCode: 200, data: '{"data":{"ok":"✓"},"requestId":"r1"}' })
    expect(seen).toEqual({ method: 'POST', type: json['content-type'], length: String(Buffer.byteLength('{"action":"x","n":"é"}')), body: '{"action":"x","n":"é"}' })
  })

  it('resolves with a non-2xx answer and its body, as fetch did', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 413
      res.end('{"code":"PAYLOAD_TOO_LARGE","message":"too big"}')
    })
    await expect(createNodePlatform().request(post(server.url, '{}'))).resolves.toEqual({ statusCode: 413, data: '{"code":"PAYLOAD_TOO_LARGE","message":"too big"}' })
  })

  it('drops a byte order mark as response.text() did', async () => {
    const server = await serve((_req, res) => res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":1}')])))
    await expect(createNodePlatform().request(post(server.url, '{}'))).resolves.toEqual({ statusCode: 200, data: '{"data":1}' })
  })

  it('rejects when the connection is refused', async () => {
    const server = await serve(() => {})
    const { url } = server
    await server.close()
    servers.splice(servers.indexOf(server), 1)
    await expect(createNodePlatform().request(post(url, '{}'))).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('rejects after the timeout and destroys the socket, so the server sees it close', async () => {
    const server = await serve(() => {}) // never answers
    const started = Date.now()
    await expect(createNodePlatform().request(post(server.url, '{}', 100))).rejects.toThrow(/within 100 ms/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
    await until(() => server.open === 0)
  })

  it('rejects when the server aborts the answer midway, and the next request gets a fresh socket', async () => {
    let calls = 0
    const server = await serve((_req, res) => {
      if (++calls === 1) {
        res.writeHead(200, { 'content-length': '1000' })
        res.write('{"data":')
        setTimeout(() => res.socket!.destroy(), 20)
      } else res.end('{"data":2}')
    })
    const platform = createNodePlatform()
    await expect(platform.request(post(server.url, '{}'))).rejects.toThrow()
    await expect(platform.request(post(server.url, '{}'))).resolves.toEqual({ statusCode: 200, data: '{"data":2}' })
    expect(server.connections).toBe(2)
  })

  it('carries large bodies both ways', async () => {
    const server = await serve((_req, res, body) => res.end(body))
    const big = JSON.stringify({ data: 'x'.repeat(8 * 1024 * 1024) })
    const response = await createNodePlatform().request(post(server.url, big))
    expect(response.statusCode).toBe(200)
    expect(response.data).toBe(big)
  })

  it('keeps the connection alive: N sequential requests use one server-side connection', async () => {
    const server = await serve((_req, res, body) => res.end(body))
    const platform = createNodePlatform()
    for (let i = 0; i < 20; i++) expect((await platform.request(post(server.url, `{"n":${i}}`))).data).toBe(`{"n":${i}}`)
    expect(server.connections).toBe(1)
  })

  it('gives each platform its own pool', async () => {
    const server = await serve((_req, res) => res.end('{}'))
    await createNodePlatform().request(post(server.url, '{}'))
    await createNodePlatform().request(post(server.url, '{}'))
    expect(server.connections).toBe(2)
  })

  it('sends the request again on a fresh socket when the server closes a kept-alive one as it is reused', async () => {
    let calls = 0
    const server = await serve((req, res) => {
      // The second request, the first on the reused socket, meets a server that closed it unanswered.
      if (++calls === 2) req.socket.destroy()
      else res.end(`{"data":${calls}}`)
    })
    const platform = createNodePlatform()
    await platform.request(post(server.url, '{}'))
    await expect(platform.request(post(server.url, '{}'))).resolves.toEqual({ statusCode: 200, data: '{"data":3}' })
    expect(server.connections).toBe(2)
  })

  it('does not send a request twice on a fresh socket', async () => {
    let calls = 0
    const server = await serve((req) => {
      calls++
      req.socket.destroy()
    })
    await expect(createNodePlatform().request(post(server.url, '{}'))).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(calls).toBe(1)
  })

  it('follows redirects as fetch does: 307 repeats the POST, 303 turns it into a GET without a body', async () => {
    const seen: string[] = []
    const server = await serve((req, res, body) => {
      seen.push(`${req.method} ${req.url} ${body.toString()} ${req.headers['content-type'] || '-'}`)
      if (req.url === '/a') res.writeHead(307, { location: '/b' }).end()
      else if (req.url === '/b') res.writeHead(303, { location: `${server.url}/c` }).end()
      else res.end('{"data":"c"}')
    })
    await expect(createNodePlatform().request(post(`${server.url}/a`, '{"q":1}'))).resolves.toEqual({ statusCode: 200, data: '{"data":"c"}' })
    expect(seen).toEqual([`POST /a {"q":1} ${json['content-type']}`, `POST /b {"q":1} ${json['content-type']}`, 'GET /c  -'])
  })

  it('rejects a redirect to a Location that is no URL', async () => {
    const server = await serve((_req, res) => res.writeHead(302, { location: 'http://[bad' }).end())
    await expect(createNodePlatform().request(post(server.url, '{}'))).rejects.toThrow(/Invalid URL/)
  })

  it('gives up after 20 redirects', async () => {
    const server = await serve((_req, res) => res.writeHead(307, { location: '/again' }).end())
    await expect(createNodePlatform().request(post(server.url, '{}'))).rejects.toThrow(/more than 20 redirects/)
  })
})

describe('files', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-node-platform-'))
    dirs.push(dir)
    return dir
  }

  it('uploads a file as a multipart form: the fields in order, then the file', async () => {
    const parts: string[] = []
    const server = await serve((req, res, body) => {
      const form = busboy({ headers: req.headers })
      form.on('field', (name, value) => parts.push(`${name}=${value}`))
      form.on('file', (name, file, info) => {
        const chunks: Buffer[] = []
        file.on('data', (chunk: Buffer) => chunks.push(chunk))
        file.on('end', () => parts.push(`${name}:${info.filename}:${info.mimeType}:${Buffer.concat(chunks).toString('hex')}`))
      })
      form.on('close', () => res.writeHead(204).end())
      form.end(body)
    })
    const filePath = join(tempDir(), 'photo "1".png')
    writeFileSync(filePath, Buffer.from([0, 1, 2, 255, 13, 10]))
    const response = await createNodePlatform().uploadFile!({ url: server.url, filePath, name: 'file', formData: { key: 'a/b.png', Signature: 's=1' } })
    expect(response.statusCode).toBe(204)
    expect(parts).toEqual(['key=a/b.png', 'Signature=s=1', 'file:photo %221%22.png:application/octet-stream:000102ff0d0a'])
  })

  it('downloads into a temp file, with the status of any answer', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256))
    const server = await serve((req, res) => {
      if (req.url === '/missing') res.writeHead(404).end('no such file')
      else res.end(bytes)
    })
    const platform = createNodePlatform()
    const found = await platform.downloadFile!({ url: `${server.url}/file` })
    expect(found.statusCode).toBe(200)
    expect(readFileSync(found.tempFilePath).equals(bytes)).toBe(true)
    const missing = await platform.downloadFile!({ url: `${server.url}/missing` })
    expect(missing.statusCode).toBe(404)
    expect(readFileSync(missing.tempFilePath, 'utf8')).toBe('no such file')
    rmSync(found.tempFilePath)
    rmSync(missing.tempFilePath)
  })
})
