/**
 * HTTP access (docs/http-access.md; reference cloudbase-backend.md §3b): real HTTP to the emulator's own
 * HTTP access port, functions written to a temp folder. The event is CloudBase's integration request (path
 * relative to the route, httpMethod, lower-case headers, string query values and body, base64 for binary);
 * the response maps a string, a number, an object and an integration response; CloudBase's size limits
 * answer 413; a route that does not exist 404; a function that fails 502.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import type { HttpAccessEvent } from '../../emulator/http-access/event'
import { WX_SERVER_SDK, writeFunction } from '../helpers/functions'

let dir: string
let emulator: RunningEmulator
let base: string

/** The event the `echo` function saw. */
type Seen = HttpAccessEvent & { method?: unknown }

async function echo(path: string, init?: RequestInit): Promise<Seen> {
  const response = await fetch(`${base}${path}`, init)
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { event: Seen }).event
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-http-access-'))
  // Wrapped: the event itself has headers and body, so returned as it is it reads as an integration response.
  writeFunction(dir, 'echo', `exports.main = (event) => ({ event })`)
  writeFunction(dir, 'mirror', `exports.main = (event) => event`)
  writeFunction(dir, 'text', `exports.main = () => 'hello 你好'`)
  writeFunction(dir, 'number', `exports.main = () => 42`)
  writeFunction(dir, 'object', `exports.main = () => ({ ok: true, list: [1, 2] })`)
  writeFunction(dir, 'nothing', `exports.main = () => {}`)
  writeFunction(
    dir,
    'integration',
    `exports.main = () => ({ statusCode: 201, headers: { 'Content-Type': 'text/html; charset=utf-8', 'set-cookie': ['a=1; Path=/; HttpOnly', 'b=2'], 'x-count': 3, 'content-length': '999' }, body: '<p>made</p>' })`,
  )
  writeFunction(dir, 'redirect', `exports.main = () => ({ statusCode: 302, headers: { location: '/elsewhere' } })`)
  writeFunction(dir, 'not-found', `exports.main = () => ({ statusCode: 404, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'no such user' }) })`)
  writeFunction(dir, 'png', `exports.main = () => ({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71, 0, 255]).toString('base64'), isBase64Encoded: true })`)
  // The seed's HTTP trigger answers so: a valid integration response, without a content type.
  writeFunction(dir, 'seed', `exports.main = () => ({ statusCode: 200, body: JSON.stringify({ success: true }) })`)
  writeFunction(dir, 'bad-status', `exports.main = () => ({ statusCode: 'teapot', body: '' })`)
  writeFunction(dir, 'bad-header', `exports.main = () => ({ statusCode: 200, headers: { 'x-bad': 'a\\r\\nset-cookie: evil=1' }, body: 'x' })`)
  writeFunction(dir, 'throws', `exports.main = () => { throw new Error('boom in the function') }`)
  writeFunction(dir, 'bad-config', `exports.main = () => 'never'`)
  writeFunction(
    dir,
    'context',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)}); cloud.init(); exports.main = (event, context) => { const { OPENID, SOURCE, ENV } = cloud.getWXContext(); return { OPENID: OPENID || null, SOURCE, ENV, requestId: context.request_id } }`,
  )
  emulator = await startEmulator({
    port: 0,
    env: 'http-env',
    functions: dir,
    functionTimeout: 10_000,
    http: {
      routes: {
        '/api': 'echo',
        '/api/v2': 'text',
        '/mirror': 'mirror',
        '/text': 'text',
        '/number': 'number',
        '/object': 'object',
        '/nothing': 'nothing',
        '/integration/': 'integration',
        '/redirect': 'redirect',
        '/not-found': 'not-found',
        '/png': 'png',
        '/seed': 'seed',
        '/bad-status': 'bad-status',
        '/bad-header': 'bad-header',
        '/throws': 'throws',
        '/context': 'context',
        '/missing': 'nosuchfunction',
        '/bad-config': 'bad-config',
      },
    },
  })
  base = emulator.httpUrl!
})

afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('the event, as CloudBase builds it', () => {
  it('is served on its own port, not the API one', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(base).not.toBe(emulator.url)
    expect((await fetch(`${emulator.url}/api`)).status).toBe(404)
  })

  it('path is relative to the route; httpMethod, lower-case headers, string query values, requestContext', async () => {
    const event = await echo('/api/users/1?a=1&b=two&empty=&sp=a%20b', { headers: { 'X-Custom-Header': 'Value', Accept: 'text/plain' } })
    expect(event.path).toBe('/users/1')
    expect(event.httpMethod).toBe('GET')
    expect(event.headers['x-custom-header']).toBe('Value')
    expect(event.headers.accept).toBe('text/plain')
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true)
    expect(event.queryStringParameters).toEqual({ a: '1', b: 'two', empty: '', sp: 'a b' })
    expect(event.requestContext).toEqual({ requestId: expect.any(String), envId: 'http-env', appId: expect.any(Number), uin: expect.any(Number) })
    expect(event.body).toBe('')
    expect(event.isBase64Encoded).toBe(false)
    // CloudBase has no `method` field (the seed reads one): the emulator adds none.
    expect(event.method).toBeUndefined()
  })

  it('the route itself is "/", every sub-path reaches the same function, the longest route wins, a lookalike prefix does not match', async () => {
    expect((await echo('/api')).path).toBe('/')
    expect((await echo('/api/')).path).toBe('/')
    expect((await echo('/api?x=1')).path).toBe('/')
    expect((await echo('/api/a/b/c')).path).toBe('/a/b/c')
    expect(await (await fetch(`${base}/api/v2/anything`)).text()).toBe('hello 你好')
    expect((await fetch(`${base}/apix`)).status).toBe(404)
    // A route given with a trailing slash serves its path without one too.
    expect((await fetch(`${base}/integration`)).status).toBe(201)
  })

  it('a key given several times has its values joined with commas, still one string', async () => {
    expect((await echo('/api?tag=a&tag=b&tag=c&one=1')).queryStringParameters).toEqual({ tag: 'a,b,c', one: '1' })
  })

  it('every method is passed on as httpMethod', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect((await echo('/api/item', { method, ...(method === 'OPTIONS' ? {} : { body: 'x' }) })).httpMethod).toBe(method)
    }
  })

  it('a JSON body arrives as its text, a text body as it is, neither base64', async () => {
    const json = await echo('/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1,"b":[true]}' })
    expect(json.body).toBe('{"a":1,"b":[true]}')
    expect(typeof json.body).toBe('string')
    expect(json.isBase64Encoded).toBe(false)
    const text = await echo('/api', { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '你好, world' })
    expect(text).toMatchObject({ body: '你好, world', isBase64Encoded: false })
    const form = await echo('/api', { method: 'POST', body: new URLSearchParams({ q: 'a b' }) })
    expect(form).toMatchObject({ body: 'q=a+b', isBase64Encoded: false })
  })

  it('a binary body arrives base64-encoded with isBase64Encoded', async () => {
    const bytes = Buffer.from([0, 1, 2, 127, 128, 254, 255])
    const event = await echo('/api/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
    expect(event.isBase64Encoded).toBe(true)
    expect(Buffer.from(event.body, 'base64')).toEqual(bytes)
    const image = await echo('/api/upload', { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes })
    expect(image).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true })
  })

  it('the function runs for a guest, its SOURCE is http, its request id is the event\'s and the log\'s', async () => {
    const response = await fetch(`${base}/context`)
    expect(response.status).toBe(200)
    const context = (await response.json()) as { OPENID: unknown; SOURCE: string; ENV: string; requestId: string }
    expect(context).toMatchObject({ OPENID: null, SOURCE: 'http', ENV: 'http-env' })
    const request = emulator.events.recent().find((event) => event.kind === 'request' && event.requestId === context.requestId)
    expect(request).toMatchObject({ dialect: 'http', action: 'GET /context', target: 'context', principal: { kind: 'guest' }, outcome: 'ok' })
  })
})

describe('the response', () => {
  it('a string or a number: 200 text/plain', async () => {
    for (const [path, body] of [['/text', 'hello 你好'], ['/number', '42']] as const) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      expect(await response.text()).toBe(body)
    }
  })

  it('a plain object: 200 application/json; nothing returned: JSON null', async () => {
    const response = await fetch(`${base}/object`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await response.json()).toEqual({ ok: true, list: [1, 2] })
    const nothing = await fetch(`${base}/nothing`)
    expect(nothing.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await nothing.text()).toBe('null')
  })

  it('an integration response is used as it is: status, headers, several cookies; the server frames the body itself', async () => {
    const response = await fetch(`${base}/integration/x`)
    expect(response.status).toBe(201)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2'])
    expect(response.headers.get('x-count')).toBe('3')
    const body = await response.text()
    expect(body).toBe('<p>made</p>')
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(body)))
  })

  it('redirects, error statuses and the seed\'s { statusCode, body } without headers', async () => {
    const redirect = await fetch(`${base}/redirect`, { redirect: 'manual' })
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get('location')).toBe('/elsewhere')
    const missing = await fetch(`${base}/not-found`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ error: 'no such user' })
    const seed = await fetch(`${base}/seed`)
    expect(seed.status).toBe(200)
    expect(seed.headers.get('content-type')).toBeNull()
    expect(JSON.parse(await seed.text())).toEqual({ success: true })
  })

  it('a base64 body with isBase64Encoded is sent as its bytes', async () => {
    const response = await fetch(`${base}/png`)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([137, 80, 78, 71, 0, 255]))
  })

  it('the event returned as it is reads as an integration response (as CloudBase warns): its body comes back', async () => {
    const response = await fetch(`${base}/mirror`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'echoed' })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('echoed')
  })
})

describe('failures', () => {
  const failure = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init)
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { code: string; message: string; requestId: string } }
  }

  it('no route: 404 INVALID_PATH naming the routes', async () => {
    const { status, body } = await failure('/nowhere/at/all')
    expect(status).toBe(404)
    expect(body.code).toBe('INVALID_PATH')
    expect(body.message).toMatch(/no HTTP access route serves \/nowhere\/at\/all; the routes are .*\/api → echo/)
    expect(body.requestId).toEqual(expect.any(String))
  })

  it('a route to a function that does not exist: 404 ENV_FEATURE_NOT_CONFIGURED', async () => {
    const { status, body } = await failure('/missing')
    expect(status).toBe(404)
    expect(body.code).toBe('ENV_FEATURE_NOT_CONFIGURED')
    expect(body.message).toMatch(/nosuchfunction/)
  })

  it('a function that cannot start (its config.json is not JSON): 502 FUNCTION_EXECUTE_FAIL naming the file', async () => {
    // Broken after the start: a wrong config.json at start fails the start itself.
    writeFileSync(join(dir, 'bad-config', 'config.json'), '{ not json')
    const { status, body } = await failure('/bad-config')
    expect(status).toBe(502)
    expect(body.code).toBe('FUNCTION_EXECUTE_FAIL')
    expect(body.message).toMatch(/config\.json/)
  })

  it('a function that throws: 502 FUNCTION_EXECUTE_FAIL with its message, one failed request in the log', async () => {
    const { status, type, body } = await failure('/throws')
    expect(status).toBe(502)
    expect(type).toBe('application/json; charset=utf-8')
    expect(body.code).toBe('FUNCTION_EXECUTE_FAIL')
    expect(body.message).toMatch(/boom in the function/)
    const events = emulator.events.recent().filter((event: EmulatorEvent) => event.requestId === body.requestId)
    expect(events.find((event) => event.kind === 'request')).toMatchObject({ dialect: 'http', action: 'GET /throws', target: 'throws', outcome: 'error', code: 'FUNCTION_EXECUTE_FAIL' })
    expect(events.find((event) => event.kind === 'invocation')).toMatchObject({ dialect: 'http', target: 'throws', outcome: 'error' })
  })

  it('an integration response that cannot be sent: 502 saying what is wrong', async () => {
    const status = await failure('/bad-status')
    expect(status.status).toBe(502)
    expect(status.body.message).toMatch(/statusCode must be a whole number from 200 to 599, not "teapot"/)
    const header = await failure('/bad-header')
    expect(header.status).toBe(502)
    expect(header.body.message).toMatch(/header "x-bad" cannot be sent/)
  })

  it('a text body over 100 KB or a binary one over 20 MB: 413 EXCEED_MAX_PAYLOAD_SIZE; at the limit it passes', async () => {
    const text = await failure('/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `"${'x'.repeat(100 * 1024 - 1)}"` })
    expect(text.status).toBe(413)
    expect(text.body.code).toBe('EXCEED_MAX_PAYLOAD_SIZE')
    expect(text.body.message).toMatch(/larger than 100 KB/)
    expect((await echo('/api', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(100 * 1024) })).body).toHaveLength(100 * 1024)
    // Binary bodies may be larger: 200 KB of bytes pass, 20 MB and one byte do not.
    expect((await echo('/api', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(200 * 1024, 7) })).isBase64Encoded).toBe(true)
    const binary = await failure('/api', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(20 * 1024 * 1024 + 1) })
    expect(binary.status).toBe(413)
    expect(binary.body.message).toMatch(/larger than 20 MB/)
  })
})

describe('starting', () => {
  it('a taken HTTP access port fails the start with EADDRINUSE and gives back what was opened (the data dir, the API port)', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as { port: number }).port
    const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-http-taken-'))
    try {
      await expect(startEmulator({ port: 0, dataDir, http: { routes: { '/api': 'echo' }, port: taken } })).rejects.toMatchObject({ code: 'EADDRINUSE', port: taken })
      // The data dir's lock was released: the same folder serves again.
      const again = await startEmulator({ port: 0, dataDir, http: { routes: { '/api': 'echo' } } })
      expect(again.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      await again.stop()
    } finally {
      holder.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('a route that is not a path or a function that is not a name fails the start, naming it; without http no port is opened', async () => {
    await expect(startEmulator({ port: 0, http: { routes: { api: 'echo' } } })).rejects.toThrow(/http routes: the route "api" must be a path starting with "\/"/)
    await expect(startEmulator({ port: 0, http: { routes: { '/api': '../echo' } } })).rejects.toThrow(/the route "\/api" must name a function/)
    const plain = await startEmulator({ port: 0 })
    expect(plain.httpUrl).toBeUndefined()
    await plain.stop()
  })
})
