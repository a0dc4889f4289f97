/**
 * The realtime endpoint (reference §6): a WebSocket at `/ws` speaking LOGIN, INIT_WATCH, REBUILD_WATCH,
 * CHECK_LAST, CLOSE_WATCH and PING, fed by every committed write of the store (client, admin and
 * transaction writes alike). A connection must LOGIN with the `signStr` of `auth.wsWebSign`.
 */
import type { Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Tokens } from '../auth/tokens'
import { collectionMissing, EmulatorError } from '../errors'
import { findDocs } from '../query/engine'
import { decodeWire } from '../query/values'
import type { Doc, Store } from '../store/store'
import { MAX_WATCHED, Watch } from './watch'

interface Frame {
  watchId?: string
  requestId?: string
  msgType?: string
  msgData?: Record<string, unknown> | null
  exMsgData?: Record<string, unknown>
}

interface Connection {
  socket: WebSocket
  openid?: string
  /** The watches this socket follows, by the client's watchId. */
  watches: Map<string, Watch>
}

/**
 * Where a watch's events go. A watch outlives its socket for {@link DETACHED_MS}: it keeps following
 * commits, so a client that reconnects can REBUILD_WATCH it by `queryID` on a new socket and miss nothing.
 */
interface Subscription {
  watch: Watch
  openid: string
  connection?: Connection
  watchId: string
  /** When a detached watch is forgotten. */
  expiry?: ReturnType<typeof setTimeout>
}

/** How long a watch whose socket closed waits for its client to come back (an app in the background). */
export const DETACHED_MS = 5 * 60_000

export interface RealtimeOptions {
  env: string
  store: Store
  tokens: Tokens
  log: (line: string) => void
}

/** Serves `/ws` on `server`; returns a function that closes every connection. */
export function attachRealtime(server: Server, options: RealtimeOptions): () => void {
  const { env, store, tokens, log } = options
  const wss = new WebSocketServer({ server, path: '/ws' })
  const connections = new Set<Connection>()
  const subscriptions = new Map<string, Subscription>()

  function forget(queryID: string): void {
    const subscription = subscriptions.get(queryID)
    if (!subscription) return
    if (subscription.expiry) clearTimeout(subscription.expiry)
    if (subscription.connection) subscription.connection.watches.delete(subscription.watchId)
    subscriptions.delete(queryID)
  }

  function attach(subscription: Subscription, connection: Connection, watchId: string): void {
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

  const send = (connection: Connection, frame: Frame) => {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame))
  }
  const error = (connection: Connection, frame: Frame, code: string, message: string) =>
    send(connection, { watchId: frame.watchId, requestId: frame.requestId, msgType: 'ERROR', msgData: { code, message } })

  store.onCommit((changes) => {
    for (const [queryID, { watch, connection, watchId }] of subscriptions) {
      try {
        const events = watch.applyAll(changes)
        if (events.length && connection) {
          const requestId = `push_${Date.now()}_${randomBytes(4).toString('hex')}`
          send(connection, { watchId, requestId, msgType: 'NEXT_EVENT', msgData: { queryID, currEvent: watch.currEvent, events } })
        }
      } catch (failure) {
        // A watch that cannot follow a change is closed with an error; the write itself stands.
        forget(queryID)
        if (connection) error(connection, { watchId }, 'SYS_ERR', failure instanceof Error ? failure.message : String(failure))
      }
    }
  })

  function handle(connection: Connection, frame: Frame): void {
    const data = (frame.msgData || {}) as Record<string, unknown>
    switch (frame.msgType) {
      case 'PING':
        return send(connection, { requestId: frame.requestId, msgType: 'PONG', msgData: null })
      case 'LOGIN': {
        const signStr = frame.exMsgData && frame.exMsgData.signStr
        if (data.envId !== undefined && data.envId !== env) return error(connection, frame, 'INVALIID_ENV', `this emulator serves env "${env}"`)
        try {
          connection.openid = tokens.verify(signStr, 'access').sub
        } catch {
          return error(connection, frame, 'SIGN_INVALID_ERROR', 'signStr is not one auth.wsWebSign issued')
        }
        return send(connection, { requestId: frame.requestId, msgType: 'LOGIN_RES', msgData: { envId: env } })
      }
    }
    if (!connection.openid) return error(connection, frame, 'CHECK_LOGIN_FAILED', 'LOGIN first')
    const watchId = frame.watchId
    if (typeof watchId !== 'string' || !watchId) return error(connection, frame, 'SYS_ERR', 'watchId is required')
    switch (frame.msgType) {
      case 'INIT_WATCH': {
        const collection = data.collName
        if (typeof collection !== 'string' || !store.hasCollection(collection)) {
          const missing = collectionMissing(String(collection))
          return error(connection, frame, missing.code, missing.message)
        }
        const orderBy = (data.orderBy || {}) as Record<string, unknown>
        const order = Object.keys(orderBy).map((field) => ({ field, direction: orderBy[field] === 'desc' ? ('desc' as const) : ('asc' as const) }))
        const limit = typeof data.limit === 'number' && data.limit > 0 ? data.limit : undefined
        let filter: Record<string, unknown>
        let initial: Doc[]
        let window: (() => Doc[]) | undefined
        try {
          filter = decodeWire(JSON.parse(String(data.query || '{}')), Date.now()) as Record<string, unknown>
          const options = limit === undefined ? { order } : { order, limit }
          const evaluate = () => findDocs(store.select(collection, filter), filter, options) as Doc[]
          initial = evaluate()
          if (limit !== undefined || order.length) window = evaluate
        } catch (failure) {
          return error(connection, frame, failure instanceof EmulatorError ? failure.code : 'SYS_ERR', failure instanceof Error ? failure.message : 'invalid query')
        }
        if (initial.length > MAX_WATCHED) {
          return error(connection, frame, 'SYS_ERR', `a watch may follow at most ${MAX_WATCHED} documents; this query matches ${initial.length}`)
        }
        const watch = new Watch(collection, filter, initial, `q_${randomBytes(6).toString('hex')}`, window)
        const replaced = connection.watches.get(watchId)
        if (replaced) forget(replaced.queryID)
        const subscription: Subscription = { watch, openid: connection.openid, watchId }
        subscriptions.set(watch.queryID, subscription)
        attach(subscription, connection, watchId)
        return send(connection, {
          watchId,
          requestId: frame.requestId,
          msgType: 'INIT_EVENT',
          msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events: Watch.initEvents(initial) },
        })
      }
      case 'REBUILD_WATCH': {
        // After a reconnect the watch is found by its queryID, and only its own user may take it over.
        const subscription = subscriptions.get(String(data.queryID))
        const owned = subscription && subscription.openid === connection.openid ? subscription : undefined
        const events = owned && typeof data.eventID === 'number' ? owned.watch.since(data.eventID) : undefined
        if (!owned || !events) return error(connection, frame, 'QUERYID_INVALID_ERROR', 'the watch cannot be rebuilt from that event; watch again')
        attach(owned, connection, watchId)
        const { watch } = owned
        return send(connection, { watchId, requestId: frame.requestId, msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } })
      }
      case 'CHECK_LAST': {
        const watch = connection.watches.get(watchId)
        if (!watch) return error(connection, frame, 'QUERYID_INVALID_ERROR', 'unknown watch')
        return send(connection, { watchId, requestId: frame.requestId, msgType: 'CHECK_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent } })
      }
      case 'CLOSE_WATCH': {
        const watch = connection.watches.get(watchId)
        if (watch) forget(watch.queryID)
        return
      }
      default:
        return error(connection, frame, 'SYS_ERR', `unknown msgType ${String(frame.msgType)}`)
    }
  }

  wss.on('connection', (socket) => {
    const connection: Connection = { socket, watches: new Map() }
    connections.add(connection)
    socket.on('message', (raw) => {
      let frame: Frame
      try {
        frame = JSON.parse(String(raw)) as Frame
      } catch {
        return error(connection, {}, 'SYS_ERR', 'frames are JSON text')
      }
      log(`WS ${frame.msgType || '-'}`)
      handle(connection, frame && typeof frame === 'object' ? frame : {})
    })
    socket.on('close', () => detach(connection))
    socket.on('error', () => detach(connection))
  })

  return () => {
    for (const queryID of [...subscriptions.keys()]) forget(queryID)
    for (const connection of connections) connection.socket.terminate()
    wss.close()
  }
}
