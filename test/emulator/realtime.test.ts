/**
 * The `/ws` protocol frame by frame (docs/protocol.md §6, Part G) with a plain WebSocket: sign-in, errors, PING,
 * CHECK_LAST, REBUILD_WATCH from retained history, CLOSE_WATCH, and the 5,000-document cap.
 * (The official client's own behaviour is covered by test/interop/js-sdk-watch.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['items', 'big'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

type Frame = Record<string, any>

/** A socket that records every frame it receives. */
async function connect(caller: WebCall = call): Promise<{ ws: WebSocket; frames: Frame[]; send(frame: Frame): void; next(type: string, after?: number): Promise<Frame> }> {
  const sign = (await caller('auth.wsWebSign', { runtime: 'node' })).data as { wsUrl: string; signStr: string }
  const ws = new WebSocket(sign.wsUrl)
  const frames: Frame[] = []
  ws.on('message', (raw) => frames.push(JSON.parse(String(raw))))
  await new Promise((resolve) => ws.once('open', resolve))
  const send = (frame: Frame) => ws.send(JSON.stringify(frame))
  const next = async (type: string, after = 0) => {
    await vi.waitFor(() => expect(frames.slice(after).some((f) => f.msgType === type)).toBe(true))
    return frames.slice(after).find((f) => f.msgType === type)!
  }
  send({ requestId: 'r-login', msgType: 'LOGIN', msgData: { envId: emulator.env }, exMsgData: { signStr: sign.signStr } })
  await next('LOGIN_RES')
  return { ws, frames, send, next }
}

describe('/ws', () => {
  it('refuses a LOGIN with a forged sign, and everything before a LOGIN', async () => {
    const sign = (await call('auth.wsWebSign', {})).data as { wsUrl: string }
    const ws = new WebSocket(sign.wsUrl)
    const frames: Frame[] = []
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw))))
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ watchId: 'w', requestId: 'r1', msgType: 'INIT_WATCH', msgData: { collName: 'items', query: '{}' } }))
    ws.send(JSON.stringify({ requestId: 'r2', msgType: 'LOGIN', msgData: {}, exMsgData: { signStr: 'forged.sign' } }))
    ws.send('not json')
    await vi.waitFor(() => expect(frames).toHaveLength(3))
    expect(frames.map((f) => f.msgData.code)).toEqual(['CHECK_LOGIN_FAILED', 'SIGN_INVALID_ERROR', 'SYS_ERR'])
    ws.close()
  })

  it('PING, INIT_WATCH, pushes, CHECK_LAST, REBUILD_WATCH, CLOSE_WATCH', async () => {
    const { ws, frames, send, next } = await connect()
    send({ requestId: 'p', msgType: 'PING', msgData: null })
    expect(await next('PONG')).toMatchObject({ requestId: 'p' })
    await call('database.addDocument', { collectionName: 'items', data: [{ _id: 'a', n: 1 }, { _id: 'z', n: -1 }] })
    send({ watchId: 'w1', requestId: 'i', msgType: 'INIT_WATCH', msgData: { envId: emulator.env, collName: 'items', query: JSON.stringify({ n: { $gt: 0 } }) } })
    const init = await next('INIT_EVENT')
    expect(init.msgData.events).toEqual([{ ID: 0, DataType: 'init', QueueType: 'init', DocID: 'a', Doc: expect.any(String) }])
    expect(JSON.parse(init.msgData.events[0].Doc)).toEqual({ _id: 'a', n: 1, _openid: expect.stringMatching(/^o/) })
    const queryID = init.msgData.queryID

    const mark = frames.length
    await call('database.addDocument', { collectionName: 'items', data: { _id: 'b', n: 2 } })
    await call('database.updateDocument', { collectionName: 'items', queryType: 'DOC', query: { _id: 'a' }, data: { $set: { n: 5 }, $unset: { gone: '' } } })
    await call('database.deleteDocument', { collectionName: 'items', queryType: 'DOC', query: { _id: 'b' } })
    await call('database.updateDocument', { collectionName: 'items', queryType: 'DOC', query: { _id: 'z' }, data: { $set: { note: 'still out' } } })
    await vi.waitFor(() => expect(frames.slice(mark).filter((f) => f.msgType === 'NEXT_EVENT')).toHaveLength(3))
    const events = frames.slice(mark).flatMap((f) => f.msgData.events)
    expect(events.map((e: Frame) => [e.ID, e.DataType, e.QueueType, e.DocID])).toEqual([
      [1, 'add', 'enqueue', 'b'],
      [2, 'update', 'update', 'a'],
      [3, 'remove', 'dequeue', 'b'],
    ])
    expect(JSON.parse(events[1].UpdatedFields)).toEqual({ n: 5 })

    send({ watchId: 'w1', requestId: 'c', msgType: 'CHECK_LAST', msgData: { queryID, eventID: 1 } })
    expect((await next('CHECK_EVENT', mark)).msgData).toEqual({ queryID, currEvent: 3 })
    const before = frames.length
    send({ watchId: 'w1', requestId: 'rb', msgType: 'REBUILD_WATCH', msgData: { envId: emulator.env, collName: 'items', queryID, eventID: 1 } })
    const rebuilt = await vi.waitFor(() => {
      const frame = frames.slice(before).find((f) => f.requestId === 'rb')
      expect(frame).toBeDefined()
      return frame!
    })
    expect(rebuilt.msgData.events.map((e: Frame) => e.ID)).toEqual([2, 3])

    send({ watchId: 'w1', requestId: 'x', msgType: 'CLOSE_WATCH', msgData: null })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closedAt = frames.length
    await call('database.addDocument', { collectionName: 'items', data: { _id: 'c', n: 3 } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(frames.length).toBe(closedAt)
    ws.close()
  })

  it('a watch outlives its socket: its user REBUILDs it on a new socket and gets what happened meanwhile; nobody else can', async () => {
    const first = await connect()
    first.send({ watchId: 'w', requestId: 'i', msgType: 'INIT_WATCH', msgData: { collName: 'items', query: JSON.stringify({ n: { $gte: 100 } }) } })
    const { queryID } = (await first.next('INIT_EVENT')).msgData
    first.ws.terminate()
    await new Promise((resolve) => first.ws.once('close', resolve))
    await call('database.addDocument', { collectionName: 'items', data: [{ _id: 'h1', n: 100 }] })
    await call('database.updateDocument', { collectionName: 'items', queryType: 'DOC', query: { _id: 'h1' }, data: { $set: { n: 101 } } })

    const stranger = await connect(await webCaller(emulator))
    stranger.send({ watchId: 'w', requestId: 's', msgType: 'REBUILD_WATCH', msgData: { queryID, eventID: 0 } })
    expect((await stranger.next('ERROR')).msgData.code).toBe('QUERYID_INVALID_ERROR')

    const second = await connect()
    second.send({ watchId: 'w2', requestId: 'rb', msgType: 'REBUILD_WATCH', msgData: { collName: 'items', queryID, eventID: 0 } })
    const rebuilt = await second.next('NEXT_EVENT')
    expect(rebuilt).toMatchObject({ watchId: 'w2', requestId: 'rb', msgData: { queryID, currEvent: 2 } })
    expect(rebuilt.msgData.events.map((e: Frame) => [e.ID, e.DataType])).toEqual([[1, 'add'], [2, 'update']])
    // Pushes now follow the new socket.
    const mark = second.frames.length
    await call('database.deleteDocument', { collectionName: 'items', queryType: 'DOC', query: { _id: 'h1' } })
    const push = await second.next('NEXT_EVENT', mark)
    expect(push).toMatchObject({ watchId: 'w2', msgData: { currEvent: 3 } })
    expect(stranger.frames.filter((f) => f.msgType === 'NEXT_EVENT')).toHaveLength(0)
    second.ws.close()
    stranger.ws.close()
  })

  it('an unknown collection and more than 5,000 matches are refused with an ERROR', async () => {
    const { ws, send, next } = await connect()
    send({ watchId: 'w', requestId: 'u', msgType: 'INIT_WATCH', msgData: { collName: 'nope', query: '{}' } })
    expect((await next('ERROR')).msgData).toEqual({ code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'collection nope not exists' })
    await call('database.addDocument', { collectionName: 'big', data: Array.from({ length: 5001 }, (_, i) => ({ i })) })
    const { frames, send: send2, next: next2 } = await connect()
    send2({ watchId: 'w2', requestId: 'big', msgType: 'INIT_WATCH', msgData: { collName: 'big', query: '{}' } })
    expect((await next2('ERROR')).msgData.message).toMatch(/at most 5000 documents; this query matches 5001/)
    expect(frames.some((f) => f.msgType === 'INIT_EVENT')).toBe(false)
    ws.close()
  })
})
