/**
 * The request pipeline, seen from outside: one principal per request (user, guest, administrator,
 * system), admin requests only with the admin key's signature, no CORS on `/admin`, one event per
 * request with its fields, and a change feed whose commits say who wrote and why.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { adminCall, signedAdminRequest } from '../helpers/admin'
import { anonymousToken } from '../helpers/web'

let emulator: RunningEmulator
let token: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
  token = await anonymousToken(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

async function web(body: Record<string, unknown>, target: RunningEmulator = emulator) {
  const response = await fetch(`${target.url}/web`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

/** The event of the request whose answer carried `requestId`. */
const eventOf = (requestId: unknown, target: RunningEmulator = emulator): EmulatorEvent | undefined =>
  target.events.recent().find((event) => event.kind === 'request' && event.requestId === requestId)

describe('principals', () => {
  it('a signed-in user: its openid is the principal of the request and the owner of what it adds', async () => {
    const added = await web({ action: 'database.addDocument', env: emulator.env, access_token: token, collectionName: 'todos', data: { title: 'mine' } })
    const event = eventOf(added.body.requestId)
    expect(event).toMatchObject({ dialect: 'web', action: 'database.addDocument', principal: { kind: 'user', loginType: 'ANONYMOUS' }, target: 'todos', outcome: 'ok' })
    const openid = (event!.principal as { openid: string }).openid
    expect(openid).toMatch(/^o/)
    const { data } = await adminCall(emulator, 'database.getDocument', { collectionName: 'todos', query: JSON.stringify({ _id: (added.body.data as { _id: string })._id }) })
    expect(JSON.parse((data as { list: string[] }).list[0]!)).toMatchObject({ title: 'mine', _openid: openid })
  })

  it('a custom sign-in is a CUSTOM user, the openid of its ticket', async () => {
    const signIn = await fetch(`${emulator.url}/auth/v1/signin/custom`, { method: 'POST', body: JSON.stringify({ provider_id: 'custom', ticket: emulator.createTicket('o-carol') }) })
    const { access_token } = (await signIn.json()) as { access_token: string }
    const counted = await web({ action: 'database.countDocument', env: emulator.env, access_token, collectionName: 'todos' })
    expect(eventOf(counted.body.requestId)!.principal).toEqual({ kind: 'user', openid: 'o-carol', uid: 'o-carol', loginType: 'CUSTOM' })
  })

  it('a ticket made for a WeChat user signs in as a WECHAT user, on the v1 actions as on the v3 paths', async () => {
    const v3 = await fetch(`${emulator.url}/auth/v1/signin/custom`, { method: 'POST', body: JSON.stringify({ ticket: emulator.createTicket('o-wx', { loginType: 'WECHAT' }) }) })
    const { access_token } = (await v3.json()) as { access_token: string }
    const counted = await web({ action: 'database.countDocument', env: emulator.env, access_token, collectionName: 'todos' })
    expect(eventOf(counted.body.requestId)!.principal).toEqual({ kind: 'user', openid: 'o-wx', uid: 'o-wx', loginType: 'WECHAT' })
    const v1 = await web({ action: 'auth.signInWithTicket', ticket: emulator.createTicket('o-wx2', { loginType: 'WECHAT' }) })
    const refresh_token = (v1.body.data as { refresh_token: string }).refresh_token
    const fetched = await web({ action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token })
    const answer = await web({ action: 'database.countDocument', env: emulator.env, access_token: (fetched.body.data as { access_token: string }).access_token, collectionName: 'todos' })
    expect(eventOf(answer.body.requestId)!.principal).toMatchObject({ openid: 'o-wx2', loginType: 'WECHAT' })
    expect(() => emulator.createTicket('o-x', { loginType: 'ANONYMOUS' as never })).toThrow(/loginType/)
  })

  it('a guest (no token) is refused by default, as CloudBase without "allow unauthenticated access"', async () => {
    const refused = await web({ action: 'database.countDocument', env: emulator.env, collectionName: 'todos' })
    expect(refused.body).toMatchObject({ code: 'CHECK_LOGIN_FAILED', message: expect.stringMatching(/sign in/) })
    expect(eventOf(refused.body.requestId)).toMatchObject({ principal: { kind: 'guest' }, outcome: 'error', code: 'CHECK_LOGIN_FAILED' })
  })

  it('a guest is served where the env allows unauthenticated access, and owns nothing it adds', async () => {
    const open = await startEmulator({ port: 0, collections: ['todos'], allowUnauthenticated: true })
    try {
      const added = await web({ action: 'database.addDocument', env: open.env, collectionName: 'todos', data: { _id: 'g', by: 'guest' } }, open)
      expect(added.body).toMatchObject({ data: { _id: 'g' } })
      expect(eventOf(added.body.requestId, open)!.principal).toEqual({ kind: 'guest' })
      const { data } = await adminCall(open, 'database.getDocument', { collectionName: 'todos', query: '{"_id":"g"}' })
      expect(JSON.parse((data as { list: string[] }).list[0]!)).toEqual({ _id: 'g', by: 'guest' })
      // A token that does not hold is still refused: only its absence makes a guest.
      expect((await web({ action: 'database.countDocument', env: open.env, access_token: 'forged', collectionName: 'todos' }, open)).body.code).toBe('CHECK_LOGIN_FAILED')
    } finally {
      await open.stop()
    }
  })

  it('the administrator: a verified /admin request', async () => {
    const answer = await adminCall(emulator, 'database.calculateDocument', { collectionName: 'todos', query: '{}' })
    expect(eventOf(answer.requestId)).toMatchObject({ dialect: 'admin', action: 'database.calculateDocument', principal: { kind: 'admin' }, target: 'todos', outcome: 'ok' })
  })
})

describe('admin authentication', () => {
  it('an unsigned /admin request is refused with SIGN_PARAM_INVALID and changes nothing', async () => {
    const before = await adminCall(emulator, 'database.calculateDocument', { collectionName: 'todos', query: '{}' })
    const response = await fetch(`${emulator.url}/admin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'database.removeDocument', envName: emulator.env, collectionName: 'todos', query: '{}', multi: true }),
    })
    expect(await response.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/not signed/) })
    expect(await adminCall(emulator, 'database.calculateDocument', { collectionName: 'todos', query: '{}' })).toMatchObject({ data: before.data })
  })

  it('a request signed with another key, or changed after signing, is refused', async () => {
    const foreign = { url: emulator.url, env: emulator.env, adminCredentials: { secretId: emulator.adminCredentials.secretId, secretKey: 'not-the-key' } }
    expect(await adminCall(foreign, 'database.calculateDocument', { collectionName: 'todos' })).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/does not match/) })
    const stranger = { ...foreign, adminCredentials: { secretId: 'AKIDsomeoneelse', secretKey: 'x' } }
    expect(await adminCall(stranger, 'database.calculateDocument', { collectionName: 'todos' })).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/AKIDsomeoneelse/) })
    const signed = signedAdminRequest(emulator, 'database.calculateDocument', { collectionName: 'todos' })
    const changed = signed.body.replace('"todos"', '"users"')
    const { request } = await import('node:http')
    const answer = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const outgoing = request(signed.url, { method: 'POST', headers: signed.headers }, (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk))
        res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>))
      })
      outgoing.on('error', reject)
      outgoing.end(changed)
    })
    expect(answer).toMatchObject({ code: 'SIGN_PARAM_INVALID' })
  })

  it('/admin sends no CORS headers and grants no preflight; /web does both', async () => {
    const admin = await fetch(`${emulator.url}/admin`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: '{}' })
    expect(admin.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(`${emulator.url}/admin`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull()
    const webPreflight = await fetch(`${emulator.url}/web`, { method: 'OPTIONS', headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' } })
    expect(webPreflight.headers.get('access-control-allow-origin')).toBe('*')
    expect((await web({ action: 'database.countDocument', env: emulator.env, access_token: token, collectionName: 'todos' })).headers.get('access-control-allow-origin')).toBe('*')
  })

  it('the key pair is generated once per data dir and kept there; a fixed one is used as given; a bad one fails the start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-admin-key-'))
    try {
      const first = await startEmulator({ port: 0, dataDir: dir })
      const key = first.adminCredentials
      await first.stop()
      expect(JSON.parse(readFileSync(join(dir, 'admin-key.json'), 'utf8'))).toEqual(key)
      const second = await startEmulator({ port: 0, dataDir: dir })
      expect(second.adminCredentials).toEqual(key)
      expect(await adminCall(second, 'database.addCollection', { collectionName: 'kept' })).toMatchObject({ data: {} })
      await second.stop()
      const fixed = await startEmulator({ port: 0, dataDir: dir, adminKey: { secretId: 'AKIDfixed', secretKey: 'fixed-key' } })
      expect(fixed.adminCredentials).toEqual({ secretId: 'AKIDfixed', secretKey: 'fixed-key' })
      expect(await adminCall({ ...fixed, adminCredentials: key }, 'database.calculateDocument', { collectionName: 'kept' })).toMatchObject({ code: 'SIGN_PARAM_INVALID' })
      await fixed.stop()
      await expect(startEmulator({ port: 0, adminKey: { secretId: 'has space', secretKey: 'k' } })).rejects.toThrow(/ID:KEY/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the event log', () => {
  it('one event per request with time, requestId, dialect, action, principal, target, outcome, code and ms', async () => {
    const before = Date.now()
    const failed = await web({ action: 'database.queryDocument', env: emulator.env, access_token: token, collectionName: 'nope' })
    expect(failed.body.code).toBe('DATABASE_COLLECTION_NOT_EXIST')
    const events = emulator.events.recent().filter((event) => event.requestId === failed.body.requestId)
    expect(events).toHaveLength(1)
    const [event] = events
    expect(event).toMatchObject({ kind: 'request', dialect: 'web', action: 'database.queryDocument', principal: { kind: 'user' }, target: 'nope', outcome: 'error', code: 'DATABASE_COLLECTION_NOT_EXIST' })
    expect(Date.parse(event!.time)).toBeGreaterThanOrEqual(before - 1)
    expect(event!.ms).toBeGreaterThan(0)
    expect(event!.message).toMatch(/not exists/)
  })

  it('requests that never reach an action are events too: bad JSON, an unknown path, an unknown action', async () => {
    const badJson = await fetch(`${emulator.url}/web`, { method: 'POST', body: '{"action":' })
    const badJsonId = ((await badJson.json()) as { requestId: string }).requestId
    expect(eventOf(badJsonId)).toMatchObject({ dialect: 'web', outcome: 'error', code: 'INVALID_PARAM' })
    const nowhere = await fetch(`${emulator.url}/nowhere`)
    expect(nowhere.status).toBe(404)
    expect(eventOf(((await nowhere.json()) as { requestId: string }).requestId)).toMatchObject({ dialect: 'http', action: 'GET /nowhere', code: 'INVALID_REQUEST_SOURCE' })
    const unknown = await web({ action: 'database.dropDatabase', env: emulator.env, access_token: token })
    expect(eventOf(unknown.body.requestId)).toMatchObject({ action: 'database.dropDatabase', code: 'INVALID_ACTION' })
  })

  it('realtime frames are requests of the ws dialect under the connection’s principal; the session ends as one event', async () => {
    const sign = (await web({ action: 'auth.wsWebSign', env: emulator.env, access_token: token })).body.data as { signStr: string; wsUrl: string }
    const socket = new WebSocket(sign.wsUrl)
    const frames: { msgType: string }[] = []
    socket.on('message', (raw) => frames.push(JSON.parse(String(raw)) as { msgType: string }))
    await new Promise((resolve) => socket.once('open', resolve))
    socket.send(JSON.stringify({ requestId: 'l', msgType: 'LOGIN', msgData: { envId: emulator.env }, exMsgData: { signStr: sign.signStr } }))
    socket.send(JSON.stringify({ requestId: 'i', watchId: 'w', msgType: 'INIT_WATCH', msgData: { collName: 'todos', query: '{}' } }))
    await vi.waitFor(() => expect(frames.map((f) => f.msgType)).toEqual(['LOGIN_RES', 'INIT_EVENT']))
    const init = emulator.events.recent().filter((event) => event.dialect === 'ws' && event.action === 'INIT_WATCH').pop()
    expect(init).toMatchObject({ kind: 'request', principal: { kind: 'user' }, target: 'todos', outcome: 'ok' })
    socket.close()
    await vi.waitFor(() => expect(emulator.events.recent().filter((event) => event.kind === 'session').pop()).toMatchObject({ dialect: 'ws', principal: { kind: 'user' }, message: expect.stringMatching(/closed/) }))
  })

  it('subscribers get every next event; one that throws is dropped and the request still answers', async () => {
    const seen: string[] = []
    const unsubscribe = emulator.events.subscribe((event) => seen.push(event.action))
    const throwing = vi.spyOn(console, 'error').mockImplementation(() => {})
    emulator.events.subscribe(() => {
      throw new Error('a broken console')
    })
    try {
      const answer = await web({ action: 'database.countDocument', env: emulator.env, access_token: token, collectionName: 'todos' })
      expect(answer.body).toMatchObject({ data: { total: expect.any(Number) } })
      expect(seen).toContain('database.countDocument')
      expect(throwing).toHaveBeenCalledWith(expect.stringMatching(/a broken console/))
    } finally {
      throwing.mockRestore()
      unsubscribe()
    }
    const count = seen.length
    await web({ action: 'database.countDocument', env: emulator.env, access_token: token, collectionName: 'todos' })
    expect(seen).toHaveLength(count)
  })
})

describe('multipart bodies on /admin (node-sdk’s wx.openApi and its kin)', () => {
  it('are read as forms: cloudPay is refused with a message naming the API, an unsigned open API call for its signature; a broken form is INVALID_PARAM', async () => {
    const form = (action: string) => {
      const body = new FormData()
      body.append('action', action)
      body.append('apiName', 'subscribeMessage.send')
      body.append('requestData', new Blob([new Uint8Array([8, 1, 18, 3])]), 'requestData')
      body.append('envName', emulator.env)
      return body
    }
    const pay = (await (await fetch(`${emulator.url}/admin`, { method: 'POST', body: form('wx.wxPayApi') })).json()) as Record<string, unknown>
    expect(pay).toMatchObject({ code: 'INVALID_ACTION', message: expect.stringMatching(/^cloud\.cloudPay\.subscribeMessage\.send is not supported by the emulator/) })
    // wx.openApi is served (docs/openapi.md): only a signed request from a function's SDK is read.
    const unsigned = (await (await fetch(`${emulator.url}/admin`, { method: 'POST', body: form('wx.openApi') })).json()) as Record<string, unknown>
    expect(unsigned.code).not.toBe('INVALID_ACTION')
    expect(unsigned.message).toMatch(/sign|Authorization|credential/i)
    const broken = await fetch(`${emulator.url}/admin`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nnonsense' })
    expect(await broken.json()).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/multipart/) })
  })
})
