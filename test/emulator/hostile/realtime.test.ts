/**
 * Hostile realtime clients: frames that are not objects, fields of the wrong type (objects with a
 * `toString` key among them), an oversized frame, and a consumer that never reads. Each gets a clear
 * ERROR frame or a close code a client can act on; the emulator keeps serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { startEmulator, type RunningEmulator } from '../../../emulator/index'
import { MAX_BUFFERED_BYTES } from '../../../emulator/realtime/server'
import { adminCall } from '../../helpers/admin'
import { anonymousToken } from '../../helpers/web'
import { expectResponsive } from './responsive'

interface Frame {
  requestId?: string
  msgType: string
  msgData: { code?: string; message?: string } | null
}

let emulator: RunningEmulator

beforeAll(async () => {
  // The administrator publishes what clients watch: a READONLY collection.
  emulator = await startEmulator({ port: 0, collections: ['items'], rules: { database: { items: 'READONLY' } } })
})
afterAll(async () => {
  await emulator.stop()
})

async function open(login: boolean) {
  const token = await anonymousToken(emulator)
  const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify({ action: 'auth.wsWebSign', env: emulator.env, access_token: token }) })
  const { signStr, wsUrl } = ((await response.json()) as { data: { signStr: string; wsUrl: string } }).data
  const socket = new WebSocket(wsUrl)
  const frames: Frame[] = []
  socket.on('message', (raw) => frames.push(JSON.parse(String(raw)) as Frame))
  await new Promise((resolve) => socket.once('open', resolve))
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
  if (login) {
    socket.send(JSON.stringify({ requestId: 'login', msgType: 'LOGIN', msgData: { envId: emulator.env }, exMsgData: { signStr } }))
    await vi.waitFor(() => expect(frames.map((f) => f.msgType)).toContain('LOGIN_RES'))
    frames.length = 0
  }
  return { socket, frames, closed }
}

describe('frames of the wrong shape', () => {
  it('before LOGIN: non-objects and a msgType that is an object with toString get an ERROR each; the socket stays open', async () => {
    const { socket, frames } = await open(false)
    const bad = ['null', '[]', '1', '"LOGIN"', 'true', '{}', '{"msgType":{"toString":1}}', '{"msgType":{"toString":{"x":1}},"requestId":{"toString":1}}', '{"msgType":"PING","requestId":{"valueOf":1}}']
    for (const text of bad) socket.send(text)
    await vi.waitFor(() => expect(frames).toHaveLength(bad.length))
    expect(frames.slice(0, 8).map((f) => f.msgType)).toEqual(Array(8).fill('ERROR'))
    // A PING with a strange requestId is still a PING: answered, the requestId left out.
    expect(frames[8]).toEqual({ msgType: 'PONG', msgData: null })
    expect(frames[6]!.msgData).toMatchObject({ code: 'SYS_ERR', message: expect.stringMatching(/unknown msgType/) })
    expect(socket.readyState).toBe(WebSocket.OPEN)
    socket.close()
    await expectResponsive(emulator)
  })

  it('after LOGIN: collName, query, queryID, watchId and msgData of the wrong type are refused clearly', async () => {
    const { socket, frames } = await open(true)
    const trick = { toString: 1, valueOf: 1 }
    const sent = [
      { watchId: 'w1', requestId: 'a', msgType: 'INIT_WATCH', msgData: { collName: trick, query: '{}' } },
      { watchId: 'w2', requestId: 'b', msgType: 'INIT_WATCH', msgData: { collName: 'items', query: trick } },
      { watchId: 'w3', requestId: 'c', msgType: 'INIT_WATCH', msgData: { collName: 'items', query: '{"$where":"1"}' } },
      { watchId: 'w4', requestId: 'd', msgType: 'REBUILD_WATCH', msgData: { queryID: trick, eventID: 0 } },
      { watchId: trick, requestId: 'e', msgType: 'CHECK_LAST', msgData: {} },
      { watchId: 'w6', requestId: 'f', msgType: 'INIT_WATCH', msgData: 'items' },
      { watchId: 'w7', requestId: 'g', msgType: 'INIT_WATCH', msgData: null },
      { watchId: 'w8', requestId: 'h', msgType: 'CLOSE_WATCH', msgData: trick },
    ]
    for (const frame of sent) socket.send(JSON.stringify(frame))
    await vi.waitFor(() => expect(frames.length).toBeGreaterThanOrEqual(7))
    const codes = Object.fromEntries(frames.map((f) => [f.requestId, f.msgData && f.msgData.code]))
    expect(codes).toEqual({
      a: 'INVALID_PARAM',
      b: 'INVALID_PARAM',
      c: 'DATABASE_INVALID_OPERRATOR',
      d: 'QUERYID_INVALID_ERROR',
      e: 'SYS_ERR',
      f: 'INVALID_PARAM',
      g: 'INVALID_PARAM',
    })
    expect(socket.readyState).toBe(WebSocket.OPEN)
    socket.close()
    await expectResponsive(emulator)
  })

  it('a frame over 1 MB closes the socket with 1009 (message too big)', async () => {
    const { socket, closed } = await open(true)
    socket.send(JSON.stringify({ msgType: 'PING', msgData: 'x'.repeat(2 * 1024 * 1024) }))
    expect(await closed).toBe(1009)
    await expectResponsive(emulator)
  })
})

describe('a consumer that never reads', () => {
  it('is closed with 1013 once its unsent frames pass the cap, instead of growing the server', async () => {
    const { socket, frames, closed } = await open(true)
    socket.send(JSON.stringify({ watchId: 'w', requestId: 'i', msgType: 'INIT_WATCH', msgData: { collName: 'items', query: '{}' } }))
    await vi.waitFor(() => expect(frames.map((f) => f.msgType)).toContain('INIT_EVENT'))
    // Stop reading: the kernel's buffers fill, then the server's.
    ;(socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
    const blob = 'x'.repeat(100_000)
    const writes = Math.ceil((3 * MAX_BUFFERED_BYTES) / blob.length)
    for (let i = 0; i < writes; i++) {
      await adminCall(emulator, 'database.insertDocument', { collectionName: 'items', data: [JSON.stringify({ _id: `b${i}`, blob })] })
      if (emulator.events.recent().some((event) => /stopped reading/.test(event.message || ''))) break
    }
    expect(emulator.events.recent().some((event) => event.kind === 'notice' && /stopped reading/.test(event.message || ''))).toBe(true)
    ;(socket as unknown as { _socket: { resume(): void } })._socket.resume()
    expect(await closed).toBe(1013)
    await expectResponsive(emulator)
  })
})
