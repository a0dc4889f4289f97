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
  watches: Map<string, Watch>
}

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

  const send = (connection: Connection, frame: Frame) => {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame))
  }
  const error = (connection: Connection, frame: Frame, code: string, message: string) =>
    send(connection, { watchId: frame.watchId, requestId: frame.requestId, msgType: 'ERROR', msgData: { code, message } })

  store.onCommit((changes) => {
    for (const connection of connections) {
      for (const [watchId, watch] of connection.watches) {
        try {
          const events = watch.applyAll(changes)
          if (events.length) {
            const requestId = `push_${Date.now()}_${randomBytes(4).toString('hex')}`
            send(connection, { watchId, requestId, msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } })
          }
        } catch (failure) {
          // A watch that cannot follow a change is closed with an error; the write itself stands.
          connection.watches.delete(watchId)
          error(connection, { watchId }, 'SYS_ERR', failure instanceof Error ? failure.message : String(failure))
        }
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
        connection.watches.set(watchId, watch)
        return send(connection, {
          watchId,
          requestId: frame.requestId,
          msgType: 'INIT_EVENT',
          msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events: Watch.initEvents(initial) },
        })
      }
      case 'REBUILD_WATCH': {
        const watch = connection.watches.get(watchId)
        const events = watch && typeof data.eventID === 'number' ? watch.since(data.eventID) : undefined
        if (!watch || !events) return error(connection, frame, 'QUERYID_INVALID_ERROR', 'the watch cannot be rebuilt from that event')
        return send(connection, { watchId, requestId: frame.requestId, msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } })
      }
      case 'CHECK_LAST': {
        const watch = connection.watches.get(watchId)
        if (!watch) return error(connection, frame, 'QUERYID_INVALID_ERROR', 'unknown watch')
        return send(connection, { watchId, requestId: frame.requestId, msgType: 'CHECK_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent } })
      }
      case 'CLOSE_WATCH':
        connection.watches.delete(watchId)
        return
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
    socket.on('close', () => connections.delete(connection))
    socket.on('error', () => connections.delete(connection))
  })

  return () => {
    for (const connection of connections) connection.socket.terminate()
    wss.close()
  }
}
