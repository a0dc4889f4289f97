/**
 * HTTP access under hostile requests: bad percent-encoding, huge headers, request targets that are not
 * paths, raw garbage, bodies cut short and `__proto__` keys never take the emulator down; after each it
 * still answers, on both of its ports.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { writeFunction } from '../helpers/functions'
import { expectResponsive } from './hostile/responsive'

let dir: string
let emulator: RunningEmulator
let base: string

/**
 * Sends `text` on a raw connection to the HTTP access port and resolves with all it got back once the server
 * closes (the requests say `Connection: close`), or once this side hangs up after `hangUpMs`.
 */
function raw(text: string, hangUpMs = 5000): Promise<string> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text))
    let got = ''
    const timer = setTimeout(() => socket.destroy(), hangUpMs)
    socket.setEncoding('utf8').on('data', (chunk: string) => (got += chunk))
    socket.on('close', () => (clearTimeout(timer), resolve(got)))
    socket.on('error', (error) => (got ? undefined : reject(error)))
  })
}

async function stillServing(): Promise<void> {
  await expectResponsive(emulator)
  const response = await fetch(`${base}/api/ok`)
  expect(response.status).toBe(200)
  expect(((await response.json()) as { path: string }).path).toBe('/ok')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-http-hostile-'))
  writeFunction(dir, 'echo', `exports.main = (event) => ({ path: event.path, query: event.queryStringParameters, headers: event.headers, proto: Object.getPrototypeOf(event.queryStringParameters) === Object.prototype })`)
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, http: { routes: { '/api': 'echo' } } })
  base = emulator.httpUrl!
})

afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('hostile requests to HTTP access', () => {
  it('bad percent-encoding in the path and the query is passed on as sent, not an error', async () => {
    const response = await fetch(`${base}/api/%E0%A4%A/%zz?x=%ZZ&%=1&ok=%41`)
    expect(response.status).toBe(200)
    const seen = (await response.json()) as { path: string; query: Record<string, string> }
    expect(seen.path).toBe('/%E0%A4%A/%zz')
    expect(seen.query).toEqual({ x: '%ZZ', '%': '1', ok: 'A' })
    await stillServing()
  })

  it('__proto__ as a query key or a header is a plain key of the event', async () => {
    const got = await raw(`GET /api/p?__proto__=x&constructor=y HTTP/1.1\r\nHost: a\r\n__proto__: h\r\nConnection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1\.1 200/)
    const seen = JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) as { query: Record<string, string>; headers: Record<string, string>; proto: boolean }
    expect(Object.entries(seen.query)).toEqual([['__proto__', 'x'], ['constructor', 'y']])
    expect(Object.entries(seen.headers).find(([name]) => name === '__proto__')).toEqual(['__proto__', 'h'])
    await stillServing()
  })

  it('huge headers are refused by the HTTP parser (431), many repeated ones are joined', async () => {
    const huge = await fetch(`${base}/api`, { headers: { 'x-huge': 'a'.repeat(64 * 1024) } }).then((response) => response.status, () => 'closed')
    expect([431, 'closed']).toContain(huge)
    const many = Array.from({ length: 500 }, (_, i) => `X-Many: ${i}\r\n`).join('')
    const got = await raw(`GET /api HTTP/1.1\r\nHost: a\r\n${many}Connection: close\r\n\r\n`)
    expect(got).toMatch(/^HTTP\/1\.1 200/)
    const seen = JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> }
    expect(seen.headers['x-many']!.split(', ')).toHaveLength(500)
    await stillServing()
  })

  it('request targets that are not paths: `*` is 400 INVALID_PATH, an absolute URL is served by its path, garbage is closed', async () => {
    expect(await raw(`OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400[\s\S]*INVALID_PATH/)
    const absolute = await raw(`GET http://example.com/api/abs?q=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`)
    expect(absolute).toMatch(/^HTTP\/1\.1 200[\s\S]*"path":"\/abs"/)
    // Node's parser answers these itself (400, or nothing before it closes): never a function run, never a crash.
    for (const garbage of [`\u0000\u0001GARBAGE \r\n\r\n`, `GET /api HTTP/9.9\r\n\r\n`, `GET /api\u0000x HTTP/1.1\r\n\r\n`]) {
      const got = await raw(garbage)
      expect(got === '' || /^HTTP\/1\.1 (400|505)/.test(got), got).toBe(true)
    }
    await stillServing()
  })

  it('a body cut short, a lying content-length and a client that leaves mid-body leave nothing behind', async () => {
    await raw(`POST /api HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly a little`, 100)
    await raw(`POST /api HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 999999999999\r\n\r\nxx`, 100)
    await raw(`POST /api HTTP/1.1\r\nHost: a\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n`)
    await stillServing()
  })

  it('a stream of oversized bodies is answered 413 each time and the emulator keeps serving', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${base}/api`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(300 * 1024) }).then((response) => response.status)),
    )
    expect(answers).toEqual([413, 413, 413, 413, 413])
    await stillServing()
  })
})
