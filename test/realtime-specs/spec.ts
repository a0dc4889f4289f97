/**
 * Scripted-frame specs for the watch client, in the style of Firestore's spec tests: a spec is a list of
 * steps (what the user does, what the server and the socket do, how time passes) interleaved with what
 * must follow (frames the client sends, snapshots and errors its listeners get). The real client runs,
 * on fake timers, over a host socket that records frames: no network, every step deterministic.
 */
import { expect, vi } from 'vitest'
import { createRealtime, type RealtimeTimings, type Snapshot, type SocketHandlers, type WatchRequest } from '../helpers/sdk'

type Frame = { watchId?: string; requestId: string; msgType: string; msgData: any; exMsgData?: any }
export type Doc = Record<string, unknown>

/** A host socket: records what the client sends; the spec plays the server. */
class ScriptedSocket {
  readonly sent: Frame[] = []
  closed: { code: number; reason: string } | undefined
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string): void {
    if (this.closed) throw new Error('send on a closed socket')
    this.sent.push(JSON.parse(data))
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason }
  }
}

/** A server event, as INIT_EVENT and NEXT_EVENT carry it. */
export function event(ID: number, DataType: string, QueueType: string, DocID: string, doc?: Doc, fields?: { updated?: Doc; removed?: string[] }) {
  const out: Record<string, unknown> = { ID, DataType, QueueType, DocID, Doc: doc ? JSON.stringify(doc) : '' }
  if (fields && fields.updated) out.UpdatedFields = JSON.stringify(fields.updated)
  if (fields && fields.removed) out.removedFields = JSON.stringify(fields.removed)
  return out
}

/** INIT_EVENT / NEXT_EVENT data. */
export function events(queryID: string, currEvent: number, list: Record<string, unknown>[]) {
  return { queryID, currEvent, events: list }
}

/** The init events of `docs`. */
export function initial(queryID: string, currEvent: number, docs: Doc[]) {
  return events(queryID, currEvent, docs.map((doc) => event(0, 'init', 'init', String(doc._id), doc)))
}

interface Listener {
  snapshots: Snapshot<Doc>[]
  errors: { errCode: number; code: string; errMsg: string }[]
  close(): Promise<void>
}

/** What a snapshot must be: its id, its changes as `dataType/queueType docId`, and its docs. */
export interface ExpectedSnapshot {
  id?: number
  type?: 'init'
  changes?: string[]
  docs?: Doc[]
}

type Step = (run: Run) => void | Promise<void>

interface Run {
  sockets: ScriptedSocket[]
  signs: number
  /** Frames already checked by expectSent, per socket. */
  read: Map<ScriptedSocket, number>
  last: Frame | undefined
  listeners: Map<string, Listener>
  seen: Map<string, { snapshots: number; errors: number }>
  show: (() => void)[]
  hide: (() => void)[]
  watch: ReturnType<typeof createRealtime>
}

const socketOf = (run: Run) => {
  const socket = run.sockets[run.sockets.length - 1]
  if (!socket) throw new Error('no socket was opened')
  return socket
}

class Spec {
  private readonly steps: Step[] = []
  private timings: Partial<RealtimeTimings> = {}
  private signFailure: string | undefined

  private step(step: Step): this {
    this.steps.push(step)
    return this
  }

  withTimings(timings: Partial<RealtimeTimings>): this {
    this.timings = timings
    return this
  }

  /** `auth.wsWebSign` fails with this code. */
  signFails(code: string): this {
    this.signFailure = code
    return this
  }

  // ---- the user ----
  userWatches(name: string, request: Partial<WatchRequest> = {}): this {
    return this.step((run) => {
      const listener: Listener = { snapshots: [], errors: [], close: () => Promise.resolve() }
      const handle = run.watch('collection.watch', Object.assign({ collectionName: 'todos', query: {} }, request), {
        onChange: (snapshot) => listener.snapshots.push(snapshot as Snapshot<Doc>),
        onError: (error) => listener.errors.push(error),
      })
      listener.close = () => handle.close()
      run.listeners.set(name, listener)
      run.seen.set(name, { snapshots: 0, errors: 0 })
    })
  }
  userCloses(name: string): this {
    return this.step((run) => run.listeners.get(name)!.close())
  }
  appHides(): this {
    return this.step((run) => run.hide.forEach((f) => f()))
  }
  appShows(): this {
    return this.step((run) => run.show.forEach((f) => f()))
  }

  // ---- the socket and the server ----
  socketOpens(): this {
    return this.step((run) => socketOf(run).handlers.onOpen())
  }
  socketDrops(code = 1006): this {
    return this.step((run) => {
      const socket = socketOf(run)
      socket.closed = { code, reason: 'dropped' }
      socket.handlers.onClose(code, '')
    })
  }
  /** Answers the frame the last `expectSent` checked (same requestId and watchId). */
  serverReplies(msgType: string, msgData: unknown): this {
    return this.step((run) => {
      const to = run.last!
      socketOf(run).handlers.onMessage(JSON.stringify({ watchId: to.watchId, requestId: to.requestId, msgType, msgData }))
    })
  }
  /** Logs in: the socket opens, the client sends LOGIN, the server accepts. */
  serverAcceptsLogin(): this {
    return this.socketOpens().expectSent('LOGIN').serverReplies('LOGIN_RES', { envId: 'env' })
  }
  /** Pushes a NEXT_EVENT (or any frame) to the watch `name`. */
  serverPushes(name: string, msgData: unknown, msgType = 'NEXT_EVENT'): this {
    return this.step((run) => {
      const watchId = this.watchIdOf(run, name)
      socketOf(run).handlers.onMessage(JSON.stringify({ watchId, requestId: 'push', msgType, msgData }))
    })
  }
  serverSendsRaw(text: string): this {
    return this.step((run) => socketOf(run).handlers.onMessage(text))
  }
  advance(ms: number): this {
    return this.step(() => vi.advanceTimersByTimeAsync(ms).then(() => undefined))
  }

  // ---- expectations ----
  /** The next frame the client sent (on the current socket) is `msgType`, matching `match`. */
  expectSent(msgType: string, match: Record<string, unknown> = {}): this {
    return this.step((run) => {
      const socket = socketOf(run)
      const index = run.read.get(socket) || 0
      const frame = socket.sent[index]
      expect(frame && frame.msgType, `frame #${index} sent on socket #${run.sockets.length}`).toBe(msgType)
      expect(frame).toMatchObject(match)
      run.read.set(socket, index + 1)
      run.last = frame
    })
  }
  expectNothingSent(): this {
    return this.step((run) => {
      const socket = run.sockets[run.sockets.length - 1]
      if (socket) expect(socket.sent.slice(run.read.get(socket) || 0).map((f) => f.msgType)).toEqual([])
    })
  }
  expectSockets(count: number, lastClosed?: number): this {
    return this.step((run) => {
      expect(run.sockets.length, 'sockets opened').toBe(count)
      if (lastClosed !== undefined) expect(socketOf(run).closed && socketOf(run).closed!.code).toBe(lastClosed)
    })
  }
  expectSignRequests(count: number): this {
    return this.step((run) => expect(run.signs, 'auth.wsWebSign requests').toBe(count))
  }
  /** The listener got exactly these snapshots since the last expectation. */
  expectSnapshots(name: string, ...expected: ExpectedSnapshot[]): this {
    return this.step((run) => {
      const listener = run.listeners.get(name)!
      const seen = run.seen.get(name)!
      const fresh = listener.snapshots.slice(seen.snapshots)
      seen.snapshots = listener.snapshots.length
      expect(fresh.length, `snapshots of ${name}`).toBe(expected.length)
      fresh.forEach((snapshot, i) => {
        const want = expected[i]!
        if (want.id !== undefined) expect(snapshot.id).toBe(want.id)
        expect(snapshot.type).toBe(want.type)
        if (want.changes) expect(snapshot.docChanges.map((c) => `${c.dataType}/${c.queueType} ${c.docId}`)).toEqual(want.changes)
        if (want.docs) expect(snapshot.docs).toEqual(want.docs)
      })
    })
  }
  /** The listener got exactly one error, with this code, since the last expectation. */
  expectError(name: string, code: string, errCode?: number): this {
    return this.step((run) => {
      const listener = run.listeners.get(name)!
      const seen = run.seen.get(name)!
      const fresh = listener.errors.slice(seen.errors)
      seen.errors = listener.errors.length
      expect(fresh.map((e) => e.code)).toEqual([code])
      if (errCode !== undefined) expect(fresh[0]!.errCode).toBe(errCode)
    })
  }
  /** Any check on the listeners' full history. */
  check(name: string, assertion: (listener: Listener) => void): this {
    return this.step((run) => assertion(run.listeners.get(name)!))
  }

  private watchIdOf(run: Run, name: string): string {
    // The watchId of the INIT_WATCH sent for this listener: listeners are numbered in watch order.
    const order = Array.from(run.listeners.keys()).indexOf(name)
    const ids: string[] = []
    for (const socket of run.sockets) for (const frame of socket.sent) if (frame.watchId && ids.indexOf(frame.watchId) < 0) ids.push(frame.watchId)
    const id = ids[order]
    if (!id) throw new Error(`no frame was sent for watch ${name} yet`)
    return id
  }

  /** Runs the steps; every spec also checks that no listener got anything it did not expect. */
  async run(): Promise<void> {
    vi.useFakeTimers()
    try {
      const run: Run = {
        sockets: [],
        signs: 0,
        read: new Map(),
        last: undefined,
        listeners: new Map(),
        seen: new Map(),
        show: [],
        hide: [],
        watch: undefined as never,
      }
      const signFailure = this.signFailure
      run.watch = createRealtime({
        env: 'env',
        timings: this.timings,
        send: (_api, request) => {
          expect(request.action).toBe('auth.wsWebSign')
          run.signs++
          if (signFailure) return Promise.reject(Object.assign(new Error(signFailure), { errCode: -1, errMsg: signFailure, code: signFailure }))
          return Promise.resolve({ data: { signStr: `sign-${run.signs}`, wsUrl: 'ws://scripted', secretVersion: 1 } })
        },
        platform: {
          connectSocket: (url, handlers) => {
            const socket = new ScriptedSocket(url, handlers)
            run.sockets.push(socket)
            return socket
          },
          onAppShow: (f) => run.show.push(f),
          onAppHide: (f) => run.hide.push(f),
        },
      })
      for (const step of this.steps) {
        await step(run)
        await vi.advanceTimersByTimeAsync(0)
      }
      for (const [name, listener] of run.listeners) {
        const seen = run.seen.get(name)!
        expect(listener.snapshots.length, `unexpected snapshots of ${name}`).toBe(seen.snapshots)
        expect(listener.errors.map((e) => e.errMsg), `unexpected errors of ${name}`).toEqual(listener.errors.slice(0, seen.errors).map((e) => e.errMsg))
      }
    } finally {
      vi.useRealTimers()
    }
  }
}

export function spec(): Spec {
  return new Spec()
}
