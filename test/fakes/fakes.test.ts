/**
 * The host fakes against real servers: the emulator (`/web` and its realtime socket) and a local probe
 * server (echo, non-JSON bodies, bytes, a request that never answers, a WebSocket echo).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { anonymousToken } from '../helpers/web'
import { createMy, type FakeMy } from './my'
import { startProbeServer, type Echo, type ProbeServer } from './probe-server'
import { createTaro, type uploadFile as TaroUpload } from './taro'
import { ENV_TYPE } from './taro-types'
import { createUni } from './uni'
import { createWx } from './wx'

let emulator: RunningEmulator
let probe: ProbeServer
const disposers: (() => void)[] = []
/** `http://127.0.0.1:<a port nobody listens on>/`: connections are refused. */
let REFUSED: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
  probe = await startProbeServer()
  const closed = createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  REFUSED = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`
  await new Promise((resolve) => closed.close(resolve))
})
afterAll(async () => {
  await probe.close()
  await emulator.stop()
})
afterEach(() => {
  while (disposers.length) disposers.pop()!()
})

function wxFake(options: Parameters<typeof createWx>[0] = {}) {
  const made = createWx(options)
  disposers.push(made.control.dispose)
  return made
}
function myFake(options: Parameters<typeof createMy>[0] = {}) {
  const made = createMy(options)
  disposers.push(made.control.dispose)
  return made
}

const signIn = () => ({ action: 'auth.signInAnonymously', env: emulator.env })

/** Calls a callback-style API and resolves with which callback ran and what `complete` saw. */
function outcome<S, F>(start: (cb: { success: (r: S) => void; fail: (e: F) => void; complete: (r: unknown) => void }) => unknown) {
  return new Promise<{ ok?: S; fail?: F; complete: unknown; returned: unknown }>((resolve) => {
    let ok: S | undefined
    let fail: F | undefined
    const returned = start({
      success: (r) => (ok = r),
      fail: (e) => (fail = e),
      complete: (r) => resolve({ ...(ok === undefined ? {} : { ok }), ...(fail === undefined ? {} : { fail }), complete: r, returned }),
    })
  })
}

/** The realtime URL and a sign for it, from `auth.wsWebSign` (a signed-in v1 anonymous user). */
async function realtimeTicket(): Promise<{ wsUrl: string; signStr: string }> {
  const access_token = await anonymousToken(emulator)
  const response = await fetch(`${emulator.url}/web`, {
    method: 'POST',
    body: JSON.stringify({ action: 'auth.wsWebSign', env: emulator.env, access_token }),
  })
  const body = (await response.json()) as { data: { wsUrl: string; signStr: string } }
  expect(body.data.wsUrl).toMatch(/^ws:\/\//)
  return body.data
}

const PING = JSON.stringify({ requestId: 'r', msgType: 'PING', msgData: null })

function makeFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fakes-test-'))
  disposers.push(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'photo.txt')
  writeFileSync(path, content)
  return path
}

describe('wx', () => {
  it('request: a round trip to /web, returning a RequestTask and never a Promise', async () => {
    const { wx, control } = wxFake()
    const result = await outcome<WechatMiniprogram.RequestSuccessCallbackResult, unknown>((cb) =>
      wx.request({ url: `${emulator.url}/web`, method: 'POST', data: signIn(), ...cb }),
    )
    expect(typeof (result.returned as { abort: unknown }).abort).toBe('function')
    expect((result.returned as { then?: unknown }).then).toBeUndefined()
    expect(result.ok!.statusCode).toBe(200)
    expect(result.ok!.errMsg).toBe('request:ok')
    expect(typeof (result.ok!.data as { data: { refresh_token: unknown } }).data.refresh_token).toBe('string')
    expect(result.ok!.header['content-type']).toMatch(/application\/json/)
    expect(result.complete).toBe(result.ok)
    expect(control.requests).toBe(1)
    expect(wx.request({ url: `${emulator.url}/web` }).abort).toBeTypeOf('function')
  })

  it('request: an HTTP error status is a success, with the body parsed', async () => {
    const { wx } = wxFake()
    const result = await outcome<WechatMiniprogram.RequestSuccessCallbackResult, unknown>((cb) => wx.request({ url: `${emulator.url}/web`, ...cb }))
    expect(result.fail).toBeUndefined()
    expect(result.ok!.statusCode).toBe(404)
    expect(result.ok!.data).toMatchObject({ code: 'INVALID_REQUEST_SOURCE' })
  })

  it('request: data goes to the query for GET, JSON or form body otherwise; header and cookies pass', async () => {
    const { wx } = wxFake()
    const get = await outcome<WechatMiniprogram.RequestSuccessCallbackResult<Echo>, unknown>((cb) =>
      wx.request<Echo>({ url: `${probe.url}/echo?x=1`, data: { a: 'b c', n: 2 }, header: { 'X-Trace': 7 }, ...cb }),
    )
    expect(get.ok!.data.method).toBe('GET')
    expect(get.ok!.data.url).toBe('/echo?x=1&a=b%20c&n=2')
    expect(get.ok!.data.headers['x-trace']).toBe('7')
    expect(get.ok!.data.headers['content-type']).toBe('application/json')
    expect(get.ok!.cookies).toEqual(['a=1; Path=/', 'b=2; Path=/'])
    const json = await outcome<WechatMiniprogram.RequestSuccessCallbackResult<Echo>, unknown>((cb) =>
      wx.request<Echo>({ url: `${probe.url}/echo`, method: 'POST', data: { a: [1] }, ...cb }),
    )
    expect(json.ok!.data.body).toBe('{"a":[1]}')
    const form = await outcome<WechatMiniprogram.RequestSuccessCallbackResult<Echo>, unknown>((cb) =>
      wx.request<Echo>({
        url: `${probe.url}/echo`,
        method: 'PUT',
        data: { a: 'x y' },
        header: { 'Content-Type': 'application/x-www-form-urlencoded' },
        ...cb,
      }),
    )
    expect(form.ok!.data.method).toBe('PUT')
    expect(form.ok!.data.body).toBe('a=x%20y')
  })

  it('request: dataType json leaves a non-JSON body as text; dataType text and responseType arraybuffer', async () => {
    const { wx } = wxFake()
    const json = await outcome<WechatMiniprogram.RequestSuccessCallbackResult, unknown>((cb) => wx.request({ url: `${probe.url}/text`, ...cb }))
    expect(json.ok!.data).toBe('plain text, not JSON')
    const text = await outcome<WechatMiniprogram.RequestSuccessCallbackResult, unknown>((cb) =>
      wx.request({ url: `${probe.url}/echo`, dataType: 'text', ...cb }),
    )
    expect(typeof text.ok!.data).toBe('string')
    expect(JSON.parse(text.ok!.data as string).method).toBe('GET')
    const bytes = await outcome<WechatMiniprogram.RequestSuccessCallbackResult, unknown>((cb) =>
      wx.request({ url: `${probe.url}/bytes`, responseType: 'arraybuffer', ...cb }),
    )
    expect(bytes.ok!.data).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(bytes.ok!.data as ArrayBuffer)]).toEqual([0, 1, 2, 255])
  })

  it('request: abort, timeout and a refused connection fail with errMsg "request:fail ..."', async () => {
    const { wx } = wxFake()
    const aborted = await outcome<unknown, WechatMiniprogram.RequestFailCallbackErr>((cb) => {
      const task = wx.request({ url: `${probe.url}/hang`, ...cb })
      setTimeout(() => task.abort(), 50)
      return task
    })
    expect(aborted.ok).toBeUndefined()
    expect(aborted.fail!.errMsg).toBe('request:fail abort')
    expect(aborted.complete).toBe(aborted.fail)
    const timedOut = await outcome<unknown, WechatMiniprogram.RequestFailCallbackErr>((cb) => wx.request({ url: `${probe.url}/hang`, timeout: 100, ...cb }))
    expect(timedOut.fail!.errMsg).toBe('request:fail timeout')
    const refused = await outcome<unknown, WechatMiniprogram.RequestFailCallbackErr>((cb) => wx.request({ url: REFUSED, ...cb }))
    expect(refused.fail!.errMsg).toMatch(/^request:fail .*ECONNREFUSED/)
    expect(typeof refused.fail!.errno).toBe('number')
  })

  it('connectSocket: a SocketTask PING/PONG with the emulator, then close', async () => {
    const { wx, control } = wxFake()
    const { wsUrl } = await realtimeTicket()
    const task = wx.connectSocket({ url: wsUrl })
    const opened = new Promise<WechatMiniprogram.OnOpenListenerResult>((resolve) => task.onOpen(resolve))
    const message = new Promise<WechatMiniprogram.SocketTaskOnMessageListenerResult>((resolve) => task.onMessage(resolve))
    const closed = new Promise<WechatMiniprogram.SocketTaskOnCloseListenerResult>((resolve) => task.onClose(resolve))
    expect((await opened).header).toBeTypeOf('object')
    expect(control.sockets).toBe(1)
    const sent = await outcome<WechatMiniprogram.GeneralCallbackResult, unknown>((cb) => task.send({ data: PING, ...cb }))
    expect(sent.ok!.errMsg).toBe('sendSocketMessage:ok')
    expect(JSON.parse((await message).data as string)).toMatchObject({ requestId: 'r', msgType: 'PONG' })
    task.close({ code: 1000, reason: 'bye' })
    expect(await closed).toEqual({ code: 1000, reason: 'bye' })
    expect(control.sockets).toBe(0)
  })

  it('connectSocket: send before open fails; binary frames arrive as ArrayBuffer; closeAllSockets gives 1006', async () => {
    const { wx, control } = wxFake()
    const task = wx.connectSocket({ url: probe.wsUrl })
    // Listen before awaiting anything: wx calls onOpen listeners only if they are there when it opens.
    const opened = new Promise((resolve) => task.onOpen(resolve))
    const early = await outcome<unknown, WechatMiniprogram.GeneralCallbackResult>((cb) => task.send({ data: 'too early', ...cb }))
    expect(early.fail!.errMsg).toMatch(/^sendSocketMessage:fail/)
    await opened
    const echoed = new Promise<WechatMiniprogram.SocketTaskOnMessageListenerResult>((resolve) => task.onMessage(resolve))
    task.send({ data: new Uint8Array([9, 8, 7]).buffer })
    const data = (await echoed).data
    expect(data).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([9, 8, 7])
    const closed = new Promise<WechatMiniprogram.SocketTaskOnCloseListenerResult>((resolve) => task.onClose(resolve))
    control.closeAllSockets()
    expect((await closed).code).toBe(1006)
  })

  it('connectSocket: a refused connection reports onError then onClose', async () => {
    const { wx } = wxFake()
    const task = wx.connectSocket({ url: REFUSED.replace('http', 'ws') })
    const error = new Promise<WechatMiniprogram.GeneralCallbackResult>((resolve) => task.onError(resolve))
    const closed = new Promise<WechatMiniprogram.SocketTaskOnCloseListenerResult>((resolve) => task.onClose(resolve))
    expect((await error).errMsg).toMatch(/ECONNREFUSED/)
    expect((await closed).code).toBe(1006)
  })

  it('uploadFile posts multipart form data read from the path; downloadFile writes a temp file', async () => {
    const { wx, control } = wxFake()
    const filePath = makeFile('hello upload')
    const up = await outcome<WechatMiniprogram.UploadFileSuccessCallbackResult, unknown>((cb) =>
      wx.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', formData: { note: 'n1' }, header: { 'x-up': '1' }, ...cb }),
    )
    expect(up.ok!.errMsg).toBe('uploadFile:ok')
    expect(up.ok!.statusCode).toBe(200)
    expect(typeof up.ok!.data).toBe('string')
    const echo = JSON.parse(up.ok!.data) as Echo
    expect(echo.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(echo.headers['x-up']).toBe('1')
    expect(echo.body).toContain('name="note"')
    expect(echo.body).toContain('name="file"; filename="photo.txt"')
    expect(echo.body).toContain('hello upload')
    const down = await outcome<WechatMiniprogram.DownloadFileSuccessCallbackResult, unknown>((cb) => wx.downloadFile({ url: `${probe.url}/text`, ...cb }))
    expect(down.ok!.errMsg).toBe('downloadFile:ok')
    expect(down.ok!.statusCode).toBe(200)
    expect(readFileSync(down.ok!.tempFilePath, 'utf8')).toBe('plain text, not JSON')
    const missing = await outcome<unknown, WechatMiniprogram.GeneralCallbackResult>((cb) =>
      wx.uploadFile({ url: `${probe.url}/echo`, filePath: `${filePath}.missing`, name: 'file', ...cb }),
    )
    expect(missing.fail!.errMsg).toMatch(/^uploadFile:fail/)
    control.dispose()
    expect(existsSync(down.ok!.tempFilePath)).toBe(false)
  })

  it('storage: missing keys read as "", values are copies', () => {
    const { wx } = wxFake()
    expect(wx.getStorageSync('nope')).toBe('')
    const value = { a: [1, 2], at: new Date(0) }
    wx.setStorageSync('k', value)
    value.a.push(3)
    expect(wx.getStorageSync('k')).toEqual({ a: [1, 2], at: new Date(0) })
    wx.removeStorageSync('k')
    expect(wx.getStorageSync('k')).toBe('')
  })

  it('app show/hide listeners, off with and without a listener', () => {
    const { wx, control } = wxFake()
    const shows: number[] = []
    const listener = (options: WechatMiniprogram.LaunchOptionsApp) => shows.push(options.scene)
    wx.onAppShow(listener)
    control.emitAppShow({ scene: 1011 })
    // The typings give offAppShow's listener another type (`OffAppShowCallback`) than onAppShow's: cast.
    wx.offAppShow(listener as unknown as WechatMiniprogram.OffAppShowCallback)
    control.emitAppShow()
    expect(shows).toEqual([1011])
    let hides = 0
    wx.onAppHide(() => hides++)
    wx.onAppHide(() => hides++)
    control.emitAppHide()
    wx.offAppHide()
    control.emitAppHide()
    expect(hides).toBe(2)
  })

  it('wx.cloud only when given; getSystemInfoSync', () => {
    expect('cloud' in wxFake().wx).toBe(false)
    const cloud = { init() {} } as unknown as WxCloud
    expect(wxFake({ cloud }).wx.cloud).toBe(cloud)
    expect(wxFake({ systemInfo: { platform: 'android' } }).wx.getSystemInfoSync()).toMatchObject({ platform: 'android', SDKVersion: expect.any(String) })
  })
})

describe('my (Alipay)', () => {
  type MyResult = Awaited<ReturnType<FakeMy['request']>>

  it('request: a Promise AND the callbacks, with both status/headers and statusCode/header', async () => {
    const { my } = myFake()
    let called: MyResult | undefined
    const result = await my.request({ url: `${emulator.url}/web`, method: 'POST', data: signIn(), success: (r) => (called = r) })
    expect(called).toBe(result)
    expect(result.status).toBe(200)
    expect(result.statusCode).toBe(200)
    expect(result.headers['content-type']).toMatch(/json/)
    expect(result.header['content-type']).toMatch(/json/)
    expect(typeof (result.data as { data: { refresh_token: unknown } }).data.refresh_token).toBe('string')
  })

  it('request: an HTTP error status fails with error 19, to the Promise and to fail/complete', async () => {
    const { my } = myFake()
    let failed: unknown
    let completed: unknown
    const error = await my
      .request({ url: `${emulator.url}/web`, fail: (e) => (failed = e), complete: (r) => (completed = r) })
      .then(() => undefined, (e: unknown) => e)
    expect(error).toMatchObject({ error: 19, errorMessage: 'http status error', status: 404 })
    expect(failed).toBe(error)
    expect(completed).toBe(error)
  })

  it('request: dataType json on a non-JSON body fails with 14; text, base64 and arraybuffer', async () => {
    const { my } = myFake()
    await expect(my.request({ url: `${probe.url}/text` })).rejects.toMatchObject({ error: 14, errorMessage: 'JSON parse data error' })
    expect((await my.request({ url: `${probe.url}/text`, dataType: 'text' })).data).toBe('plain text, not JSON')
    expect((await my.request({ url: `${probe.url}/bytes`, dataType: 'base64' })).data).toBe('data:application/octet-stream;base64,AAEC/w==')
    const bytes = (await my.request({ url: `${probe.url}/bytes`, dataType: 'arraybuffer' })).data
    expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([0, 1, 2, 255])
  })

  it('request: content-type defaults to JSON, headers and header both pass, GET data goes to the query', async () => {
    const { my } = myFake()
    const post = (await my.request({ url: `${probe.url}/echo`, method: 'POST', data: { a: 'b' }, headers: { 'X-One': '1' }, header: { 'x-two': '2' } }))
      .data as unknown as Echo
    expect(post.headers['content-type']).toBe('application/json')
    expect(post.headers['x-one']).toBe('1')
    expect(post.headers['x-two']).toBe('2')
    expect(post.body).toBe('{"a":"b"}')
    const get = (await my.request({ url: `${probe.url}/echo`, data: { q: '1 2' } })).data as unknown as Echo
    expect(get.url).toBe('/echo?q=1%202')
  })

  it('request: abort fails with error 9', async () => {
    const { my } = myFake()
    const request = my.request({ url: `${probe.url}/hang` })
    setTimeout(() => void request.abort({ requestTaskId: 0, operationType: 'abort' }), 50)
    await expect(request).rejects.toEqual({ error: 9, errorMessage: 'request:fail abort' })
  })

  it('connectSocket with multiple: true returns a SocketTask whose events nest under data', async () => {
    const { my, control } = myFake()
    const { wsUrl } = await realtimeTicket()
    const task = my.connectSocket({ url: wsUrl, multiple: true })
    const opened = new Promise<{ data: { socketTaskID: string } }>((resolve) => task.onOpen(resolve))
    const message = new Promise<{ data: { socketTaskID: string; data: unknown; isBuffer: boolean } }>((resolve) => task.onMessage(resolve as never))
    const id = (await opened).data.socketTaskID
    expect(typeof id).toBe('string')
    await expect(task.send({ data: PING })).resolves.toEqual({ success: true })
    const got = (await message).data
    expect(got.socketTaskID).toBe(id)
    expect(got.isBuffer).toBe(false)
    expect(JSON.parse(got.data as string)).toMatchObject({ requestId: 'r', msgType: 'PONG' })
    const closed = new Promise<{ data: { socketTaskID: string } }>((resolve) => task.onClose(resolve))
    await task.close()
    expect((await closed).data.socketTaskID).toBe(id)
    expect(control.sockets).toBe(0)
  })

  it('SocketTask binary frames travel base64-encoded with isBuffer', async () => {
    const { my } = myFake()
    const task = my.connectSocket({ url: probe.wsUrl, multiple: true })
    await new Promise((resolve) => task.onOpen(resolve))
    const message = new Promise<{ data: { data: unknown; isBuffer: boolean } }>((resolve) => task.onMessage(resolve as never))
    await task.send({ data: Buffer.from([1, 2, 3]).toString('base64'), isBuffer: true } as never)
    expect((await message).data).toMatchObject({ data: 'AQID', isBuffer: true })
  })

  it('connectSocket without multiple returns nothing and drives the global my.onSocket* socket', async () => {
    const { my } = myFake()
    const { wsUrl } = await realtimeTicket()
    const opened = new Promise<void>((resolve) => my.onSocketOpen(resolve))
    let connected: unknown
    const returned = my.connectSocket({ url: wsUrl, success: (r: unknown) => (connected = r) } as never)
    expect(returned).toBeUndefined()
    await opened
    expect(connected).toEqual({})
    const message = new Promise<{ data: string | ArrayBuffer; isBuffer: boolean }>((resolve) => my.onSocketMessage(resolve))
    await expect(my.sendSocketMessage({ data: PING })).resolves.toEqual({ success: true })
    const got = await message
    expect(got.isBuffer).toBe(false)
    expect(JSON.parse(got.data as string)).toMatchObject({ msgType: 'PONG' })
    const closed = new Promise<{ reason: string }>((resolve) => my.onSocketClose(resolve))
    await my.closeSocket({ reason: 'done' })
    expect(await closed).toEqual({ reason: 'done' })
    await expect(my.sendSocketMessage({ data: PING })).rejects.toMatchObject({ error: expect.any(Number) })
  })

  it('storage takes { key } objects and reads { data }, null when missing', () => {
    const { my } = myFake()
    expect(my.getStorageSync({ key: 'nope' })).toEqual({ data: null })
    expect(my.setStorageSync({ key: 'k', data: { n: 1 } })).toEqual({ success: true })
    expect(my.getStorageSync({ key: 'k' })).toEqual({ data: { n: 1 } })
    expect(my.removeStorageSync({ key: 'k' })).toEqual({ success: true })
    expect(my.getStorageSync({ key: 'k' })).toEqual({ data: null })
  })

  it('app events, my.cloud only when given, canIUse', () => {
    const { my, control } = myFake()
    const paths: (string | undefined)[] = []
    const listener = (param: { path?: string }) => paths.push(param.path)
    my.onAppShow(listener)
    control.emitAppShow({ path: 'pages/a/a' })
    my.offAppShow(listener as never)
    control.emitAppShow()
    expect(paths).toEqual(['pages/a/a'])
    let hides = 0
    my.onAppHide(() => hides++)
    control.emitAppHide()
    expect(hides).toBe(1)
    expect('cloud' in my).toBe(false)
    const cloud = { createCloudContext() {} } as unknown as NonNullable<FakeMy['cloud']>
    expect(myFake({ cloud }).my.cloud).toBe(cloud)
    expect(my.canIUse('request')).toBe(true)
    expect(my.canIUse('httpRequest')).toBe(false)
  })

  it('uploadFile: a Promise AND the callbacks; name (or the older fileName) is the form field; any status succeeds', async () => {
    const { my } = myFake()
    const filePath = makeFile('hello alipay')
    let called: unknown
    const task = my.uploadFile({
      url: `${probe.url}/echo`,
      filePath,
      name: 'file',
      fileType: 'image',
      formData: { note: 'n1' },
      header: { 'x-one': '1' },
      headers: { 'x-two': '2' },
      success: (r) => (called = r),
    })
    expect(task.onProgressUpdate).toBeTypeOf('function')
    const progress = new Promise<{ totalBytesWritten: number }>((resolve) => task.onProgressUpdate(resolve))
    const result = await task
    expect(called).toBe(result)
    expect(result.statusCode).toBe(200)
    expect(typeof result.data).toBe('string')
    expect(result.header['content-type']).toMatch(/json/)
    const echo = JSON.parse(result.data) as Echo
    expect(echo.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(echo.headers['x-one']).toBe('1')
    expect(echo.headers['x-two']).toBe('2')
    expect(echo.body).toContain('name="note"')
    expect(echo.body).toContain('name="file"; filename="photo.txt"')
    expect(echo.body).toContain('hello alipay')
    // Alipay's progress names, for an upload too.
    expect((await progress).totalBytesWritten).toBe('hello alipay'.length)
    // What uni's and Taro's Alipay layers send: the field as fileName.
    const old = await my.uploadFile({ url: `${probe.url}/echo`, filePath, fileName: 'legacy', fileType: 'video' } as never)
    expect((JSON.parse(old.data) as Echo).body).toContain('name="legacy"; filename="photo.txt"')
    const teapot = await my.uploadFile({ url: `${probe.url}/teapot`, filePath, name: 'file', fileType: 'audio' })
    expect(teapot.statusCode).toBe(418)
  })

  it('uploadFile: fileType is required (image, video or audio) and checked before any request; a missing file fails with 11', async () => {
    const { my, control } = myFake()
    const filePath = makeFile('x')
    let failed: unknown
    const untyped = await my
      .uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', fail: (e: unknown) => (failed = e) } as never)
      .then(() => undefined, (e: unknown) => e)
    expect(untyped).toMatchObject({ error: 2, errorMessage: expect.stringMatching(/fileType/) })
    expect(failed).toBe(untyped)
    await expect(my.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', fileType: 'document' })).rejects.toMatchObject({ error: 2 })
    await expect(my.uploadFile({ url: `${probe.url}/echo`, filePath, fileType: 'image' } as never)).rejects.toMatchObject({
      error: 2,
      errorMessage: expect.stringMatching(/name/),
    })
    expect(control.requests).toBe(0)
    await expect(my.uploadFile({ url: `${probe.url}/echo`, filePath: `${filePath}.missing`, name: 'file', fileType: 'image' })).rejects.toEqual({
      error: 11,
      errorMessage: '文件不存在',
    })
    await expect(my.uploadFile({ url: REFUSED, filePath, name: 'file', fileType: 'image' })).rejects.toMatchObject({ error: 12 })
  })

  it('downloadFile: apFilePath and tempFilePath, no statusCode; an HTTP error status fails with 12; abort with 9', async () => {
    const { my, control } = myFake()
    let called: unknown
    const result = await my.downloadFile({ url: `${probe.url}/text`, success: (r) => (called = r) })
    expect(called).toBe(result)
    expect(result.apFilePath).toBe(result.tempFilePath)
    expect(readFileSync(result.apFilePath, 'utf8')).toBe('plain text, not JSON')
    expect(result.header['content-type']).toBe('text/plain')
    expect(result.headers['content-type']).toBe('text/plain')
    expect('statusCode' in result).toBe(false)
    await expect(my.downloadFile({ url: `${probe.url}/teapot` })).rejects.toEqual({ error: 12, errorMessage: '下载失败' })
    const hanging = my.downloadFile({ url: `${probe.url}/hang` })
    setTimeout(() => void hanging.abort({ downloadTaskId: 0, operationType: 'abort' }), 50)
    await expect(hanging).rejects.toMatchObject({ error: 9 })
    control.dispose()
    expect(existsSync(result.apFilePath)).toBe(false)
  })
})

describe('uni', () => {
  function uniFake<V extends 2 | 3>(options: Parameters<typeof createUni<V>>[0]) {
    const made = createUni(options)
    disposers.push(made.control.dispose)
    return made
  }

  it('Vue 3: without callbacks a Promise of the success result, rejecting on failure', async () => {
    const { uni } = uniFake({ vue: 3 })
    const result = await uni.request({ url: `${emulator.url}/web`, method: 'POST', data: signIn() })
    expect(result.statusCode).toBe(200)
    expect((result.data as { data: { refresh_token: unknown } }).data.refresh_token).toBeTypeOf('string')
    expect((await uni.request({ url: `${emulator.url}/web` })).statusCode).toBe(404)
    await expect(uni.request({ url: REFUSED })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^request:fail/) })
  })

  it('Vue 2: without callbacks a Promise of [err, res]', async () => {
    const { uni } = uniFake({ vue: 2 })
    const [err, res] = await uni.request({ url: `${emulator.url}/web`, method: 'POST', data: signIn() })
    expect(err).toBeNull()
    expect(res.statusCode).toBe(200)
    const failed = await uni.request({ url: REFUSED })
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ errMsg: expect.stringMatching(/^request:fail/) })
  })

  it('with callbacks request returns the RequestTask, not a Promise', async () => {
    const { uni } = uniFake({ vue: 3 })
    const result = await outcome<UniNamespace.RequestSuccessCallbackResult, unknown>((cb) => uni.request({ url: `${emulator.url}/web`, ...cb }))
    expect(result.ok!.statusCode).toBe(404)
    expect(typeof (result.returned as UniNamespace.RequestTask).abort).toBe('function')
    expect((result.returned as { then?: unknown }).then).toBeUndefined()
  })

  it('connectSocket: a SocketTask with callbacks; without them (Vue 3) a Promise of the connect result only', async () => {
    const { uni, control } = uniFake({ vue: 3 })
    const { wsUrl } = await realtimeTicket()
    const task = uni.connectSocket({ url: wsUrl, complete: () => {} })
    await new Promise((resolve) => task.onOpen(resolve))
    const message = new Promise<UniNamespace.OnSocketMessageCallbackResult>((resolve) => task.onMessage(resolve))
    task.send({ data: PING })
    expect(JSON.parse((await message).data as string)).toMatchObject({ msgType: 'PONG' })
    task.close({})
    const promised: unknown = await uni.connectSocket({ url: wsUrl })
    expect(promised).toEqual({ errMsg: 'connectSocket:ok' })
    expect(control.sockets).toBeGreaterThan(0)
  })

  it('storage reads "" for missing keys; getSystemInfoSync().uniPlatform; app events reach the host', () => {
    const { uni, host } = uniFake({ vue: 3, uniPlatform: 'web' })
    expect(uni.getStorageSync('nope')).toBe('')
    uni.setStorageSync('k', [1])
    expect(uni.getStorageSync('k')).toEqual([1])
    uni.removeStorageSync('k')
    expect(uni.getStorageSync('k')).toBe('')
    expect(uni.getSystemInfoSync().uniPlatform).toBe('web')
    let shown = 0
    uni.onAppShow(() => shown++)
    host.control.emitAppShow()
    expect(shown).toBe(1)
  })

  it('mp-alipay: my.request underneath, so an HTTP error status fails; results renamed to wx names', async () => {
    const { uni, host } = uniFake({ vue: 3, uniPlatform: 'mp-alipay' })
    expect(host.platform).toBe('mp-alipay')
    const ok = (await uni.request({ url: `${probe.url}/echo`, header: { 'X-A': '1' } })) as UniNamespace.RequestSuccessCallbackResult & Record<string, unknown>
    expect(ok.errMsg).toBe('request:ok')
    expect(ok.statusCode).toBe(200)
    expect(ok.status).toBeUndefined()
    expect(ok.headers).toBeUndefined()
    expect((ok.data as Echo).headers['x-a']).toBe('1')
    expect((ok.data as Echo).headers['content-type']).toBe('application/json')
    await expect(uni.request({ url: `${probe.url}/teapot` })).rejects.toEqual(
      expect.objectContaining({ errMsg: 'request:fail http status error', statusCode: 418 }),
    )
    expect(uni.getStorageSync('nope')).toBe('')
    expect(uni.getSystemInfoSync().uniPlatform).toBe('mp-alipay')
  })

  it('mp-alipay: connectSocket passes multiple through and returns the Alipay SocketTask', async () => {
    const { uni } = uniFake({ vue: 3, uniPlatform: 'mp-alipay' })
    const task = uni.connectSocket({ url: probe.wsUrl, multiple: true, complete: () => {} }) as unknown as ReturnType<FakeMy['connectSocket']>
    const opened = await new Promise<{ data: { socketTaskID: string } }>((resolve) => (task as never as { onOpen(cb: unknown): void }).onOpen(resolve))
    expect(opened.data.socketTaskID).toBeTypeOf('string')
  })

  it('uploadFile/downloadFile: the task with callbacks; without, a Promise (Vue 3) or [err, res] (Vue 2)', async () => {
    const filePath = makeFile('hello uni')
    const { uni } = uniFake({ vue: 3, uniPlatform: 'app' })
    const withCallbacks = await outcome<UniNamespace.UploadFileSuccessCallbackResult, unknown>((cb) =>
      uni.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', formData: { a: '1' }, ...cb }),
    )
    expect(typeof (withCallbacks.returned as UniNamespace.UploadTask).onProgressUpdate).toBe('function')
    expect((withCallbacks.returned as { then?: unknown }).then).toBeUndefined()
    expect(withCallbacks.ok!.statusCode).toBe(200)
    expect((JSON.parse(withCallbacks.ok!.data) as Echo).body).toContain('name="file"; filename="photo.txt"')
    const uploaded = await uni.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file' })
    expect(uploaded.statusCode).toBe(200)
    const downloaded = await uni.downloadFile({ url: `${probe.url}/text` })
    expect(downloaded.statusCode).toBe(200)
    expect(readFileSync(downloaded.tempFilePath, 'utf8')).toBe('plain text, not JSON')
    await expect(uni.downloadFile({ url: REFUSED })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^downloadFile:fail/) })

    const vue2 = uniFake({ vue: 2, uniPlatform: 'app' }).uni
    const [err, res] = await vue2.downloadFile({ url: `${probe.url}/teapot` })
    expect(err).toBeNull()
    expect(res.statusCode).toBe(418)
    const failed = await vue2.uploadFile({ url: `${probe.url}/echo`, filePath: `${filePath}.missing`, name: 'file' })
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ errMsg: expect.stringMatching(/^uploadFile:fail/) })
  })

  it('mp-alipay: uploadFile sends name as fileName and needs the caller\'s fileType; downloadFile has no statusCode', async () => {
    const filePath = makeFile('hello uni alipay')
    const { uni, host } = uniFake({ vue: 3, uniPlatform: 'mp-alipay' })
    await expect(uni.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file' })).rejects.toMatchObject({
      errMsg: expect.stringMatching(/^uploadFile:fail .*fileType/),
    })
    expect(host.control.requests).toBe(0)
    const uploaded = (await uni.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', fileType: 'image' })) as UniNamespace.UploadFileSuccessCallbackResult & {
      errMsg: string
    }
    expect(uploaded.errMsg).toBe('uploadFile:ok')
    expect(uploaded.statusCode).toBe(200)
    expect((JSON.parse(uploaded.data) as Echo).body).toContain('name="file"; filename="photo.txt"')
    const downloaded = (await uni.downloadFile({ url: `${probe.url}/text` })) as UniNamespace.DownloadSuccessData & Record<string, unknown>
    expect(readFileSync(downloaded.tempFilePath, 'utf8')).toBe('plain text, not JSON')
    expect(downloaded.apFilePath).toBeUndefined()
    expect(downloaded.statusCode).toBeUndefined()
    await expect(uni.downloadFile({ url: `${probe.url}/teapot` })).rejects.toMatchObject({ errMsg: 'downloadFile:fail 下载失败' })
  })
})

describe('Taro', () => {
  function taroWeapp(cloud?: WxCloud) {
    const made = createTaro(cloud ? { cloud } : {})
    disposers.push(made.control.dispose)
    return made
  }
  function taroAlipay() {
    const made = createTaro({ env: 'ALIPAY' })
    disposers.push(made.control.dispose)
    return made
  }

  it('weapp: request is a Promise of the success result that has abort(); callbacks still run', async () => {
    const { Taro } = taroWeapp()
    let called: unknown
    const task = Taro.request({ url: `${emulator.url}/web`, method: 'POST', data: signIn(), success: (r) => (called = r) })
    expect(task).toBeInstanceOf(Promise)
    expect(task.abort).toBeTypeOf('function')
    const result = await task
    expect(called).toBe(result)
    expect(result.statusCode).toBe(200)
    expect(result.errMsg).toBe('request:ok')
    expect(result.data.data.refresh_token).toBeTypeOf('string')
    expect((await Taro.request({ url: `${emulator.url}/web` })).statusCode).toBe(404)
  })

  it('weapp: abort() rejects the Promise of a request that never answers', async () => {
    const { Taro } = taroWeapp()
    const before = probe.hanging
    const task = Taro.request({ url: `${probe.url}/hang` })
    await expect.poll(() => probe.hanging).toBe(before + 1)
    task.abort()
    await expect(task).rejects.toMatchObject({ errMsg: 'request:fail abort' })
  })

  it('weapp: connectSocket resolves the SocketTask (with errMsg merged); PING/PONG', async () => {
    const { Taro } = taroWeapp()
    const { wsUrl } = await realtimeTicket()
    const task = await Taro.connectSocket({ url: wsUrl })
    expect(task.errMsg).toBe('connectSocket:ok')
    await new Promise((resolve) => task.onOpen(resolve))
    const message = new Promise<{ data: unknown }>((resolve) => task.onMessage(resolve))
    task.send({ data: PING })
    expect(JSON.parse((await message).data as string)).toMatchObject({ msgType: 'PONG' })
    task.close({})
  })

  it('weapp: storage, getEnv, cloud = wx.cloud, app events', () => {
    const cloud = { init() {} } as unknown as WxCloud
    const { Taro, wx, control } = taroWeapp(cloud)
    expect(Taro.getStorageSync('nope')).toBe('')
    Taro.setStorageSync('k', 'v')
    expect(wx.getStorageSync('k')).toBe('v')
    Taro.removeStorageSync('k')
    expect(Taro.getStorageSync('k')).toBe('')
    expect(Taro.getEnv()).toBe(ENV_TYPE.WEAPP)
    expect(Taro.getEnv()).toBe(Taro.ENV_TYPE.WEAPP)
    expect(Taro.cloud).toBe(cloud)
    expect(Taro.cloud).toBe(wx.cloud)
    const scenes: number[] = []
    Taro.onAppShow((res) => scenes.push(res.scene))
    control.emitAppShow({ scene: 1089 })
    expect(scenes).toEqual([1089])
  })

  it('alipay: request maps header/status names through my.request; an HTTP error status rejects', async () => {
    const { Taro } = taroAlipay()
    const result = (await Taro.request({ url: `${probe.url}/echo`, header: { 'X-Up': 'U' } })) as unknown as Record<string, unknown>
    expect(result.statusCode).toBe(200)
    expect(result.header).toMatchObject({ 'content-type': 'application/json' })
    expect(result.status).toBeUndefined()
    expect(result.headers).toBeUndefined()
    expect((result.data as Echo).headers['x-up']).toBe('U')
    await expect(Taro.request({ url: `${probe.url}/teapot` })).rejects.toMatchObject({ error: 19, status: 418 })
    expect(Taro.getEnv()).toBe(ENV_TYPE.ALIPAY)
    expect(Taro.getStorageSync('nope')).toBe('')
  })

  it('alipay: abort() rejects; connectSocket resolves an object bound to the global my.onSocket*', async () => {
    const { Taro } = taroAlipay()
    const task = Taro.request({ url: `${probe.url}/hang` })
    setTimeout(() => task.abort(), 50)
    await expect(task).rejects.toMatchObject({ error: 9 })
    const { wsUrl } = await realtimeTicket()
    const socket = await Taro.connectSocket({ url: wsUrl })
    await new Promise((resolve) => socket.onOpen(resolve))
    const message = new Promise<{ data: unknown; isBuffer?: boolean }>((resolve) => socket.onMessage(resolve))
    socket.send({ data: PING })
    const got = await message
    expect(got.isBuffer).toBe(false)
    expect(JSON.parse(got.data as string)).toMatchObject({ msgType: 'PONG' })
    socket.close({})
  })

  it('weapp: uploadFile/downloadFile are Promises with the task methods, progress() and abort(); they reject on failure', async () => {
    const { Taro } = taroWeapp()
    const filePath = makeFile('hello taro')
    let called: unknown
    const upload = Taro.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', formData: { a: '1' }, success: (r) => (called = r) })
    expect(upload).toBeInstanceOf(Promise)
    expect(upload.onHeadersReceived).toBeTypeOf('function')
    const progress = new Promise<{ totalBytesSent: number }>((resolve) => expect(upload.progress(resolve)).toBe(upload))
    const uploaded = await upload
    expect(called).toBe(uploaded)
    expect(uploaded.errMsg).toBe('uploadFile:ok')
    expect(uploaded.statusCode).toBe(200)
    expect((JSON.parse(uploaded.data) as Echo).body).toContain('name="file"; filename="photo.txt"')
    expect((await progress).totalBytesSent).toBe('hello taro'.length)
    const downloaded = await Taro.downloadFile({ url: `${probe.url}/text` })
    expect(downloaded.statusCode).toBe(200)
    expect(readFileSync(downloaded.tempFilePath, 'utf8')).toBe('plain text, not JSON')
    const hanging = Taro.downloadFile({ url: `${probe.url}/hang` })
    setTimeout(() => hanging.abort(), 50)
    await expect(hanging).rejects.toMatchObject({ errMsg: expect.stringMatching(/^downloadFile:fail .*abort/) })
    // The Promise rejects even when the caller passed callbacks.
    let failed: unknown
    const missing = Taro.uploadFile({ url: `${probe.url}/echo`, filePath: `${filePath}.missing`, name: 'file', fail: (e) => (failed = e) })
    await expect(missing).rejects.toMatchObject({ errMsg: expect.stringMatching(/^uploadFile:fail/) })
    expect(failed).toMatchObject({ errMsg: expect.stringMatching(/^uploadFile:fail/) })
  })

  it('alipay: uploadFile copies name to fileName on the caller\'s options, passes fileType through (required); downloadFile maps apFilePath', async () => {
    const { Taro, control } = taroAlipay()
    const filePath = makeFile('hello taro alipay')
    const untyped: TaroUpload.Option = { url: `${probe.url}/echo`, filePath, name: 'file' }
    await expect(Taro.uploadFile(untyped)).rejects.toMatchObject({ error: 2, errorMessage: expect.stringMatching(/fileType/) })
    expect(untyped.fileName).toBe('file')
    expect(control.requests).toBe(0)
    const uploaded = await Taro.uploadFile({ url: `${probe.url}/echo`, filePath, name: 'file', fileType: 'image' } as TaroUpload.Option)
    expect(uploaded.statusCode).toBe(200)
    expect((JSON.parse(uploaded.data) as Echo).body).toContain('name="file"; filename="photo.txt"')
    const downloaded = (await Taro.downloadFile({ url: `${probe.url}/text` })) as unknown as Record<string, unknown>
    expect(downloaded.tempFilePath).toBe(downloaded.apFilePath)
    expect(readFileSync(downloaded.tempFilePath as string, 'utf8')).toBe('plain text, not JSON')
    expect(downloaded.statusCode).toBeUndefined()
    await expect(Taro.downloadFile({ url: `${probe.url}/teapot` })).rejects.toMatchObject({ error: 12 })
  })
})
