/**
 * The realtime service (docs/protocol.md §6): a WebSocket at `/ws` speaking LOGIN, INIT_WATCH, REBUILD_WATCH,
 * CHECK_LAST, CLOSE_WATCH and PING, fed by every committed write of the store (client, admin and
 * transaction writes alike). Each frame is a request of the `ws` dialect through the pipeline: its
 * principal is the connection's, set by LOGIN with the `signStr` of `auth.wsWebSign`.
 */
import type { Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { EmulatorError } from '../errors'
import { GUEST, type Principal } from '../pipeline/principal'
import type { Action, Pipeline, Request, Service } from '../pipeline/service'
import { findDocs } from '../query/engine'
import { decodeWire } from '../query/values'
import type { Change, Doc, Store } from '../store/store'
import type { Guard } from '../pipeline/rule-checks'
import { idOf } from '../query/id-filter'
import { storeWorkspace } from '../store/workspace'
import { MAX_WATCHED, Watch } from './watch'

interface Frame {
  watchId?: unknown
  requestId?: unknown
  msgType?: unknown
  msgData?: unknown
  exMsgData?: unknown
}

interface Connection {
  socket: WebSocket
  /** Who LOGIN proved the socket's user to be. */
  principal?: Principal
  /** The watches this socket follows, by the client's watchId. */
  watches: Map<string, Watch>
  opened: bigint
  /** Frames are answered in the order they came: each waits for the one before. */
  queue: Promise<void>
}

/**
 * Where a watch's events go. A watch outlives its socket for {@link DETACHED_MS}: it keeps following
 * commits, so a client that reconnects can REBUILD_WATCH it by `queryID` on a new socket and miss nothing.
 */
interface Subscription {
  watch: Watch
  principal: Principal
  connection?: Connection
  watchId: string
  /**
   * For a watch of one document under a rule (a custom rule is checked against that document, not proved
   * for a query): the check again when a commit changed the document; throws the denial once it fails.
   */
  recheck?: (changes: Change[]) => void
  /** When a detached watch is forgotten. */
  expiry?: ReturnType<typeof setTimeout>
}

/** How long a watch whose socket closed waits for its client to come back (an app in the background). */
export const DETACHED_MS = 5 * 60_000

/**
 * The most a socket may have queued and unsent. A client that stops reading (a frozen app, a hostile one)
 * would otherwise grow the emulator's memory with every commit; past this its socket is closed with 1013
 * ("try again later"): the client reconnects and REBUILDs its watches from the last event it applied.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** How long a socket closed for not reading gets to take its close frame before it is cut. */
const CLOSE_GRACE_MS = 2000
/** The largest frame a client may send (a watch request is a few KB); larger ones close the socket with 1009. */
const MAX_FRAME_BYTES = 1024 * 1024

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)
const record = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {})
const sameUser = (a: Principal, b: Principal | undefined) => a.kind === 'user' && b !== undefined && b.kind === 'user' && a.openid === b.openid

/** @param guard the security rules a client's watch is checked against; without it, no rule applies. */
export function realtimeService(store: Store, guard?: Guard): Service {
  const connections = new Set<Connection>()
  const subscriptions = new Map<string, Subscription>()
  let wss: WebSocketServer | undefined
  let unsubscribe = () => {}
  // Known once attached: the frames go through it, and LOGIN asks it who a signStr belongs to.
  let attached: Pipeline | undefined
  const pipeline = () => attached!

  function forget(queryID: string): void {
    const subscription = subscriptions.get(queryID)
    if (!subscription) return
    if (subscription.expiry) clearTimeout(subscription.expiry)
    if (subscription.connection) subscription.connection.watches.delete(subscription.watchId)
    subscriptions.delete(queryID)
  }

  function attachWatch(subscription: Subscription, connection: Connection, watchId: string): void {
    if (subscription.expiry) clearTimeout(subscription.expiry)
    subscription.expiry = undefined
    // A client that reconnected before its old socket timed out takes its watch over.
    if (subscription.connection) subscription.connection.watches.delete(subscription.watchId)
    subscription.connection = connection
    subscription.watchId = watchId
    connection.watches.set(watchId, subscription.watch)
  }

  function detach(connection: Connection): void {
    connections.delete(connection)
    for (const watch of connection.watches.values()) {
      const subscription = subscriptions.get(watch.queryID)
      if (!subscription) continue
      subscription.connection = undefined
      subscription.expiry = setTimeout(() => forget(watch.queryID), DETACHED_MS)
      subscription.expiry.unref()
    }
    connection.watches.clear()
  }

  const send = (connection: Connection, frame: Record<string, unknown>) => {
    const { socket } = connection
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      pipeline().notice(`a realtime client stopped reading (${socket.bufferedAmount} bytes unsent): its socket is closed with 1013 and its watches wait for it to resume`)
      socket.close(1013, 'the client is not reading: reconnect and resume')
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref()
      return
    }
    socket.send(JSON.stringify(frame))
  }
  const sendError = (connection: Connection, frame: Frame, code: string, message: string) =>
    send(connection, { watchId: text(frame.watchId), requestId: text(frame.requestId), msgType: 'ERROR', msgData: { code, message } })

  function follow(commitChanges: Change[]): void {
    for (const [queryID, { watch, connection, watchId, recheck }] of subscriptions) {
      if (recheck) {
        try {
          recheck(commitChanges)
        } catch (denial) {
          // The document is no longer the watcher's to see: the watch ends with the rule's word, not the change.
          forget(queryID)
          const { code, message } = denial instanceof EmulatorError ? denial : { code: 'SYS_ERR', message: String(denial) }
          if (connection) sendError(connection, { watchId }, code, message)
          continue
        }
      }
      try {
        const events = watch.applyAll(commitChanges)
        if (events.length && connection) {
          const requestId = `push_${Date.now()}_${randomBytes(4).toString('hex')}`
          send(connection, { watchId, requestId, msgType: 'NEXT_EVENT', msgData: { queryID, currEvent: watch.currEvent, events } })
        }
      } catch (failure) {
        // A watch that cannot follow a change is closed with an error; the write itself stands.
        forget(queryID)
        if (connection) sendError(connection, { watchId }, 'SYS_ERR', failure instanceof Error ? failure.message : String(failure))
      }
    }
  }

  /** The frame's watchId: every frame about a watch names one. */
  const watchIdOf = (request: Request<Connection>) => {
    const watchId = text(request.body.watchId)
    if (!watchId) throw new EmulatorError('SYS_ERR', 'watchId is required')
    return watchId
  }
  const reply = (request: Request<Connection>, frame: Record<string, unknown>) => {
    send(request.channel!, Object.assign({ requestId: text(request.body.requestId) }, frame))
    return {}
  }

  const actions: Record<string, Action<Connection>> = {
    PING: { access: 'anyone', quiet: true, handle: (request) => reply(request, { msgType: 'PONG', msgData: null }) },

    LOGIN: {
      access: 'anyone',
      handle(request) {
        const data = record(request.body.msgData)
        if (data.envId !== undefined && data.envId !== pipeline().env) throw new EmulatorError('INVALIID_ENV', `this emulator serves env "${pipeline().env}"`)
        const signStr = record(request.body.exMsgData).signStr
        let principal: Principal
        try {
          if (typeof signStr !== 'string') throw new Error('no signStr')
          principal = pipeline().principalOf('web', Object.assign({}, request, { body: { access_token: signStr } }))
        } catch {
          throw new EmulatorError('SIGN_INVALID_ERROR', 'signStr is not one auth.wsWebSign issued')
        }
        request.channel!.principal = principal
        return reply(request, { msgType: 'LOGIN_RES', msgData: { envId: pipeline().env } })
      },
    },

    INIT_WATCH: {
      access: 'principal',
      target: (body) => text(record(body.msgData).collName),
      handle(request) {
        const connection = request.channel!
        const watchId = watchIdOf(request)
        const data = record(request.body.msgData)
        const collection = text(data.collName)
        if (collection === undefined) throw new EmulatorError('INVALID_PARAM', 'collName must be a string')
        const ws = storeWorkspace(store, request.principal, guard, request.decide)
        ws.require(collection)
        const orderBy = record(data.orderBy)
        const order = Object.keys(orderBy).map((field) => ({ field, direction: orderBy[field] === 'desc' ? ('desc' as const) : ('asc' as const) }))
        const limit = typeof data.limit === 'number' && data.limit > 0 ? data.limit : undefined
        const query = data.query === undefined ? '{}' : text(data.query)
        if (query === undefined) throw new EmulatorError('INVALID_PARAM', 'query must be the JSON text of the filter')
        let filter: Record<string, unknown>
        try {
          filter = decodeWire(JSON.parse(query), Date.now()) as Record<string, unknown>
        } catch (failure) {
          if (failure instanceof EmulatorError) throw failure
          throw new EmulatorError('INVALID_PARAM', 'query is not valid JSON')
        }
        // A watch is a read: the rules check its query, or narrow it (and so the changes it follows).
        filter = ws.resolve(filter)
        if (ws.gate) filter = ws.gate.read(collection, filter)
        const options = limit === undefined ? { order } : { order, limit }
        // The window is re-read through the same workspace: the watcher's reads, whoever writes.
        const evaluate = () => findDocs(ws.candidates(collection, filter), filter, options) as Doc[]
        const initial = evaluate()
        if (initial.length > MAX_WATCHED) {
          throw new EmulatorError('SYS_ERR', `a watch may follow at most ${MAX_WATCHED} documents; this query matches ${initial.length}`)
        }
        const watch = new Watch(collection, filter, initial, `q_${randomBytes(6).toString('hex')}`, limit !== undefined || order.length ? evaluate : undefined)
        const replaced = connection.watches.get(watchId)
        if (replaced) forget(replaced.queryID)
        const subscription: Subscription = { watch, principal: request.principal, watchId }
        // A document watch under a rule was checked against the document as it was: check each change too.
        const id = idOf(filter)
        if (ws.gate && id !== undefined) {
          const later = storeWorkspace(store, request.principal, guard)
          subscription.recheck = (changes) => {
            if (changes.some((change) => change.collection === collection && change.id === id)) later.gate!.read(collection, filter)
          }
        }
        subscriptions.set(watch.queryID, subscription)
        attachWatch(subscription, connection, watchId)
        return reply(request, { watchId, msgType: 'INIT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events: Watch.initEvents(initial) } })
      },
    },

    REBUILD_WATCH: {
      access: 'principal',
      handle(request) {
        const watchId = watchIdOf(request)
        const data = record(request.body.msgData)
        // After a reconnect the watch is found by its queryID, and only its own user may take it over.
        const queryID = text(data.queryID)
        const subscription = queryID === undefined ? undefined : subscriptions.get(queryID)
        const owned = subscription && sameUser(subscription.principal, request.principal) ? subscription : undefined
        const events = owned && typeof data.eventID === 'number' ? owned.watch.since(data.eventID) : undefined
        if (!owned || !events) throw new EmulatorError('QUERYID_INVALID_ERROR', 'the watch cannot be rebuilt from that event; watch again')
        attachWatch(owned, request.channel!, watchId)
        const { watch } = owned
        return reply(request, { watchId, msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } })
      },
    },

    CHECK_LAST: {
      access: 'principal',
      handle(request) {
        const watchId = watchIdOf(request)
        const watch = request.channel!.watches.get(watchId)
        if (!watch) throw new EmulatorError('QUERYID_INVALID_ERROR', 'unknown watch')
        return reply(request, { watchId, msgType: 'CHECK_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent } })
      },
    },

    CLOSE_WATCH: {
      access: 'principal',
      handle(request) {
        const watch = request.channel!.watches.get(watchIdOf(request))
        if (watch) forget(watch.queryID)
        return {}
      },
    },
  }

  function receive(connection: Connection, raw: unknown): Promise<void> {
    const trace = pipeline().begin('ws')
    let frame: Frame = {}
    let parsed: unknown
    try {
      parsed = JSON.parse(String(raw))
    } catch {
      parsed = undefined
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      const error = pipeline().end(trace, new EmulatorError('SYS_ERR', 'frames are JSON objects'))!
      return Promise.resolve(sendError(connection, frame, error.code, error.message))
    }
    frame = parsed as Frame
    const action = typeof frame.msgType === 'string' ? frame.msgType : `(msgType ${typeof frame.msgType})`
    return pipeline()
      .dispatch(trace, { dialect: 'ws', action, body: frame as Record<string, unknown>, headers: {}, method: 'FRAME', url: '/ws', origin: '', channel: connection })
      .then(
        () => void pipeline().end(trace),
        (failure: unknown) => {
          const error = pipeline().end(trace, failure)!
          // An unknown msgType is the client's mistake, said in the words of the socket protocol.
          sendError(connection, frame, error.code === 'INVALID_ACTION' ? 'SYS_ERR' : error.code, error.code === 'INVALID_ACTION' ? `unknown msgType ${action}` : error.message)
        },
      )
  }

  return {
    name: 'realtime',
    actions: { ws: actions },
    authenticators: {
      ws: ({ channel }) => {
        const principal = (channel as Connection | undefined)?.principal
        if (!principal) throw new EmulatorError('CHECK_LOGIN_FAILED', 'LOGIN first')
        return principal
      },
    },
    attach(server: Server, host: Pipeline) {
      attached = host
      unsubscribe = store.onCommit((commit) => follow(commit.changes))
      wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_FRAME_BYTES })
      // ws re-emits the HTTP server's errors (a taken port) here; the server's own listener reports them.
      wss.on('error', () => {})
      wss.on('connection', (socket) => {
        const connection: Connection = { socket, watches: new Map(), opened: process.hrtime.bigint(), queue: Promise.resolve() }
        connections.add(connection)
        socket.on('message', (raw) => {
          connection.queue = connection.queue.then(() => receive(connection, raw))
        })
        let closed = false
        const close = (why: string) => {
          if (closed) return
          closed = true
          host.events.emit({
            time: new Date().toISOString(),
            kind: 'session',
            requestId: '-',
            dialect: 'ws',
            action: 'realtime',
            principal: connection.principal || GUEST,
            outcome: 'ok',
            ms: Number(process.hrtime.bigint() - connection.opened) / 1e6,
            message: why,
          })
          detach(connection)
        }
        socket.on('close', (code) => close(`closed (${code})`))
        socket.on('error', (error) => close(`failed: ${error.message}`))
      })
    },
    stop() {
      unsubscribe()
      for (const queryID of [...subscriptions.keys()]) forget(queryID)
      for (const connection of connections) connection.socket.terminate()
      if (wss) wss.close()
    },
  }
}
