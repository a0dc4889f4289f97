/**
 * The watch client of one environment (docs/protocol.md §6): one socket that every watch shares, the sign that
 * opens it, heartbeats, CHECK_LAST, gap repair, reconnection and the app's background/foreground cycle.
 * Each watch's result is kept by a {@link WatchState}; this file moves frames between them and the socket.
 *
 * What it does that the official client does not: the sign is asked for once and reused until the server
 * refuses it; any message resets the missed-pong count; every watch reports one error, once, and is then
 * closed; after a reconnect every watch resumes from its last event (REBUILD_WATCH), so no change is lost
 * or repeated; in the background the socket is closed on purpose and the watches resume in the foreground.
 */
import type { Requester } from '../core/request'
import type { OrderSpec } from '../protocol/database'
import { invalidArgument, isCloudError, type CloudError } from '../protocol/errors'
import type { ClientFrame, ErrorData, EventsData, RealtimeListener, ServerFrame, Snapshot, WatchOptions, WatchRequest, WatchService } from '../protocol/realtime'
import type { Platform, Socket } from '../platform'
import { realtimeError, type RealtimeErrorName } from './errors'
import { WatchState } from './watch-state'
import { callListener } from '../internal/listener'

/** Timings (ms); tests and hosts may change them. */
export interface RealtimeTimings {
  /** Silence after which a PING is sent. */
  ping: number
  /** Wait for a PONG (or any message) before counting it missed; two missed mean the socket is dead. */
  pong: number
  /** Wait for LOGIN_RES, INIT_EVENT, the answer to REBUILD_WATCH or CHECK_EVENT. */
  reply: number
  /** A watch with no event for this long asks the server whether it missed any (CHECK_LAST). */
  check: number
  /** Reconnection delays: attempt n waits `backoff[n]` (the last one repeats) up to `attempts` times. */
  backoff: number[]
  attempts: number
}

export const DEFAULT_TIMINGS: RealtimeTimings = { ping: 10_000, pong: 5_000, reply: 10_000, check: 10_000, backoff: [0, 1_000, 2_000, 4_000, 8_000], attempts: 8 }

export interface RealtimeConfig {
  /** The environment the watches are in. */
  env: string | undefined
  /** Sends `auth.wsWebSign` (with the caller's token). */
  send: Requester
  platform: Pick<Platform, 'connectSocket' | 'onAppShow' | 'onAppHide'>
  timings?: Partial<RealtimeTimings>
}

/** Sign failures: ask for a fresh sign once before giving up. */
const SIGN_ERRORS = ['SIGN_EXPIRED_ERROR', 'SIGN_INVALID_ERROR', 'SIGN_PARAM_INVALID', 'CHECK_LOGIN_FAILED']

/** Failures of `auth.wsWebSign` worth another attempt. */
const TRANSIENT = ['NETWORK_ERROR', 'TIMEOUT', 'SYS_ERR', 'SERVER_TIMEOUT', 'EXCEED_REQUEST_LIMIT', 'EXCEED_CONCURRENT_REQUEST_LIMIT']

interface Sign {
  signStr: string
  wsUrl: string
  secretVersion?: unknown
}

interface Watch {
  watchId: string
  request: WatchRequest
  options: WatchOptions<unknown>
  state: WatchState
  /** Replies this watch waits for in a row without an answer; three mean the server cannot serve it. */
  timeouts: number
  /** A REBUILD_WATCH is on its way: do not send another. */
  rebuilding: boolean
  checkTimer?: unknown
  /** When its last event (or CHECK_EVENT) arrived. */
  lastEvent: number
}

interface Pending {
  kind: 'LOGIN' | 'INIT_WATCH' | 'REBUILD_WATCH' | 'CHECK_LAST'
  watch: Watch | undefined
  timer: unknown
}

const uid = () => `${Date.now()}_${Math.random()}`

/** The `orderBy` of INIT_WATCH: `{ field: 'asc' | 'desc' }` in call order. */
function orderOf(order: OrderSpec[] | undefined): Record<string, string> | undefined {
  if (!order || !order.length) return undefined
  const out: Record<string, string> = {}
  for (const o of order) out[o.field] = o.direction
  return out
}

/** Creates the watch client of `config.env`; its sockets open on the first `watch` and close after the last. */
export function createRealtime(config: RealtimeConfig): WatchService {
  const timings: RealtimeTimings = Object.assign({}, DEFAULT_TIMINGS, config.timings)
  const { platform, env } = config
  const watches = new Map<string, Watch>()
  const pending = new Map<string, Pending>()
  let socket: Socket | undefined
  let loggedIn = false
  let sign: Promise<Sign> | undefined
  /** The server refused the cached sign once already on this connection attempt. */
  let signRenewed = false
  let attempts = 0
  let reconnectTimer: unknown
  let pingTimer: unknown
  let pongTimer: unknown
  let lastHeard = 0
  let missedPongs = 0
  let hidden = false

  if (platform.onAppHide) platform.onAppHide(() => {
    hidden = true
    drop(1000, 'app hidden')
  })
  if (platform.onAppShow) platform.onAppShow(() => {
    if (!hidden) return
    hidden = false
    attempts = 0
    connect()
  })

  function getSign(): Promise<Sign> {
    if (!sign) {
      sign = config.send('watch', { action: 'auth.wsWebSign', runtime: 'mpcloud' }).then((response) => {
        const data = response.data as Partial<Sign> | undefined
        if (!data || typeof data.signStr !== 'string' || typeof data.wsUrl !== 'string') {
          throw realtimeError('WEBSOCKET_CONNECTION_ERROR', 'auth.wsWebSign answered without signStr and wsUrl')
        }
        return data as Sign
      })
      // A failed request is not cached: the next attempt asks again.
      sign.catch(() => (sign = undefined))
    }
    return sign
  }

  function connect(): void {
    if (socket || reconnectTimer !== undefined || hidden || !watches.size) return
    if (!platform.connectSocket) return failAll('WEBSOCKET_CONNECTION_ERROR', 'this host cannot open sockets')
    const connectSocket = platform.connectSocket
    // A placeholder until the sign arrives, so a second watch does not start a second socket.
    const opening: Socket = { send() {}, close() {} }
    socket = opening
    getSign().then(
      (current) => {
        if (socket !== opening) return
        const handlers = {
          onOpen: () => socket === opened && login(current),
          onMessage: (data: string) => socket === opened && receive(data),
          onClose: (code: number, reason: string) => socket === opened && lost(`closed (${code}${reason ? ' ' + reason : ''})`),
          onError: (message: string) => socket === opened && lost(message),
        }
        let opened: Socket | undefined
        try {
          opened = socket = connectSocket(current.wsUrl, handlers)
        } catch (error) {
          socket = undefined
          lost(error instanceof Error ? error.message : String(error))
        }
      },
      (error: unknown) => {
        if (socket !== opening) return
        socket = undefined
        const reason = isCloudError(error) ? error.errMsg : String(error)
        // Retrying cannot mend a refusal (no permission, a bad env): say so now, not after a minute of backoff.
        if (isCloudError(error) && TRANSIENT.indexOf(error.code) < 0) return failAll('WEBSOCKET_CONNECTION_ERROR', reason)
        lost(reason)
      },
    )
  }

  /** How long a request waits for its answer: LOGIN as long as a PING, the others `timings.reply`. */
  function waitFor(kind: Pending['kind']): number {
    return kind === 'LOGIN' ? timings.pong : timings.reply
  }

  function send(frame: ClientFrame, kind?: Pending['kind'], watch?: Watch): void {
    if (!socket) return
    if (kind) {
      const timer = setTimeout(() => timedOut(frame.requestId), waitFor(kind))
      pending.set(frame.requestId, { kind, watch, timer })
    }
    try {
      socket.send(JSON.stringify(frame))
    } catch (error) {
      lost(error instanceof Error ? error.message : String(error))
    }
  }

  function login(current: Sign): void {
    const msgData = { envId: env, accessToken: '', referrer: 'web', sdkVersion: '', dataVersion: '' }
    send({ requestId: uid(), msgType: 'LOGIN', msgData, exMsgData: { runtime: 'mpcloud', signStr: current.signStr, secretVersion: current.secretVersion } }, 'LOGIN')
    alive()
  }

  /** Starts a watch on the server, or resumes it from its last event. */
  function start(watch: Watch): void {
    if (!loggedIn) return
    const { state, request } = watch
    if (state.queryID === undefined) return initWatch(watch)
    watch.rebuilding = true
    const msgData = { envId: env, collName: request.collectionName, queryID: state.queryID, eventID: state.current }
    send({ watchId: watch.watchId, requestId: uid(), msgType: 'REBUILD_WATCH', msgData }, 'REBUILD_WATCH', watch)
  }

  /**
   * INIT_WATCH: the first time, or again when the server lost the watch (its INIT_EVENT is then compared
   * with what the listener has, see {@link WatchState.init}).
   */
  function initWatch(watch: Watch): void {
    watch.rebuilding = true
    const { request } = watch
    const msgData: Record<string, unknown> = { envId: env, collName: request.collectionName, query: JSON.stringify(request.query) }
    if (request.limit) msgData.limit = request.limit
    const orderBy = orderOf(request.order)
    if (orderBy) msgData.orderBy = orderBy
    send({ watchId: watch.watchId, requestId: uid(), msgType: 'INIT_WATCH', msgData }, 'INIT_WATCH', watch)
  }

  /**
   * Any message proves the socket alive: forget missed pongs and push the next PING back. Timers are not
   * re-armed per message (that would cost more than applying the change): they fire, see how long it
   * has really been quiet, and wait the rest.
   */
  function alive(): void {
    lastHeard = Date.now()
    missedPongs = 0
    if (pongTimer !== undefined) {
      clearTimeout(pongTimer)
      pongTimer = undefined
    }
    if (pingTimer === undefined) pingTimer = setTimeout(quiet, timings.ping)
  }

  function quiet(): void {
    const left = lastHeard + timings.ping - Date.now()
    if (left > 0) {
      pingTimer = setTimeout(quiet, left)
      return
    }
    pingTimer = undefined
    ping()
  }

  function ping(): void {
    send({ requestId: uid(), msgType: 'PING', msgData: null })
    pongTimer = setTimeout(() => {
      pongTimer = undefined
      if (++missedPongs >= 2) lost('no PONG to two PINGs')
      else ping()
    }, timings.pong)
  }

  /** A watch that hears nothing for `timings.check` asks whether it missed events (CHECK_LAST). */
  function armCheck(watch: Watch): void {
    watch.lastEvent = Date.now()
    if (watch.checkTimer === undefined) watch.checkTimer = setTimeout(() => check(watch), timings.check)
  }

  function check(watch: Watch): void {
    const left = watch.lastEvent + timings.check - Date.now()
    if (left > 0 || !loggedIn || watch.rebuilding || watch.state.queryID === undefined) {
      watch.checkTimer = setTimeout(() => check(watch), left > 0 ? left : timings.check)
      return
    }
    watch.checkTimer = undefined
    const msgData = { queryID: watch.state.queryID, eventID: watch.state.current }
    send({ watchId: watch.watchId, requestId: uid(), msgType: 'CHECK_LAST', msgData }, 'CHECK_LAST', watch)
  }

  function timedOut(requestId: string): void {
    const request = pending.get(requestId)
    if (!request) return
    pending.delete(requestId)
    const { watch, kind } = request
    if (watch && ++watch.timeouts >= 3) {
      const name = kind === 'INIT_WATCH' ? 'INIT_WATCH_FAIL' : kind === 'REBUILD_WATCH' ? 'REBUILD_WATCH_FAIL' : 'CHECK_LAST_FAIL'
      return fail(watch, realtimeError(name, `no answer to ${kind} after 3 tries`))
    }
    // An unanswered request most likely means a dead socket: start over, every watch resumes.
    lost(`no answer to ${kind} within ${waitFor(kind)} ms`)
  }

  function receive(data: string): void {
    alive()
    let frame: ServerFrame
    try {
      frame = JSON.parse(data) as ServerFrame
    } catch {
      return lost(`the server sent a frame that is not JSON: ${data.slice(0, 80)}`)
    }
    const request = frame.requestId !== undefined ? pending.get(frame.requestId) : undefined
    if (request) {
      clearTimeout(request.timer)
      pending.delete(frame.requestId!)
      if (request.watch) request.watch.timeouts = 0
    }
    if (frame.msgType === 'LOGIN_RES') return loginAnswered()
    if (frame.msgType === 'ERROR' && request && request.kind === 'LOGIN') return loginRefused(frame.msgData as ErrorData)
    const watch = frame.watchId !== undefined ? watches.get(frame.watchId) : undefined
    if (!watch) return // a watch closed meanwhile, or a PONG
    try {
      handle(watch, frame, request)
    } catch (error) {
      fail(watch, isCloudError(error) ? error : realtimeError('UNEXPECTED_FATAL_ERROR', String(error)))
    }
  }

  function handle(watch: Watch, frame: ServerFrame, request: Pending | undefined): void {
    const { state } = watch
    switch (frame.msgType) {
      case 'INIT_EVENT': {
        const first = state.queryID === undefined
        const snapshot = state.init(frame.msgData as EventsData)
        watch.rebuilding = false
        attempts = 0
        armCheck(watch)
        if (first || snapshot.docChanges.length) deliver(watch, snapshot)
        return
      }
      case 'NEXT_EVENT': {
        if (request && request.kind === 'REBUILD_WATCH') {
          watch.rebuilding = false
          attempts = 0
        }
        const { snapshots, gap } = state.next(frame.msgData as EventsData)
        armCheck(watch)
        for (const snapshot of snapshots) if (watches.has(watch.watchId)) deliver(watch, snapshot)
        if (gap && !watch.rebuilding && watches.has(watch.watchId)) start(watch)
        return
      }
      case 'CHECK_EVENT': {
        armCheck(watch)
        // Pushes and replies share one ordered socket: events the server counted before answering have
        // arrived by now, so being behind means they were lost. (The official client waits 1.5 RTT first.)
        if (state.behind((frame.msgData as { currEvent: number }).currEvent) && !watch.rebuilding) start(watch)
        return
      }
      case 'ERROR': {
        const error = frame.msgData as ErrorData
        // The server no longer has the watch (it expired while the app was away): watch again from scratch;
        // the new INIT_EVENT is compared with what the listener has.
        if (error.code === 'QUERYID_INVALID_ERROR' && request && request.kind !== 'INIT_WATCH') return initWatch(watch)
        const name = request && request.kind === 'INIT_WATCH' ? 'INIT_WATCH_FAIL' : 'SERVER_ERROR_MSG'
        return fail(watch, realtimeError(name, `${error.code}: ${error.message || ''}`))
      }
    }
  }

  function loginAnswered(): void {
    loggedIn = true
    signRenewed = false
    watches.forEach(start)
  }

  function loginRefused(error: ErrorData): void {
    if (SIGN_ERRORS.indexOf(error.code) >= 0 && !signRenewed) {
      // The cached sign expired: one fresh sign, one more try, at once.
      signRenewed = true
      sign = undefined
      drop(1000, 'new sign')
      return connect()
    }
    failAll('WEBSOCKET_CONNECTION_ERROR', `LOGIN refused: ${error.code} ${error.message || ''}`)
  }

  /** Closes the socket on purpose (its late events are ignored) and forgets what was in flight. */
  function drop(code: number, reason: string): void {
    const closing = socket
    socket = undefined
    loggedIn = false
    clearTimeout(pingTimer)
    clearTimeout(pongTimer)
    pingTimer = pongTimer = undefined
    pending.forEach((request) => clearTimeout(request.timer))
    pending.clear()
    watches.forEach((watch) => {
      watch.rebuilding = false
      clearTimeout(watch.checkTimer)
      watch.checkTimer = undefined
    })
    if (closing) {
      try {
        closing.close(code, reason)
      } catch {
        // Already closed: nothing left to release.
      }
    }
  }

  /** The connection failed: reconnect after a backoff, or, after too many attempts, fail every watch. */
  function lost(reason: string): void {
    drop(3000, 'reconnect')
    if (!watches.size || hidden || reconnectTimer !== undefined) return
    if (attempts >= timings.attempts) return failAll('WEBSOCKET_CONNECTION_ERROR', `gave up after ${attempts} attempts to reconnect: ${reason}`)
    // Attempts are counted until a watch is served again, so a server that takes LOGIN and then drops the
    // socket is not hammered without pause.
    const base = timings.backoff[Math.min(attempts, timings.backoff.length - 1)]!
    attempts++
    // Jitter spreads the clients of a restarted server apart.
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      connect()
    }, base * (0.8 + Math.random() * 0.4))
  }

  function deliver(watch: Watch, snapshot: Snapshot<unknown>): void {
    callListener(watch.options.onChange, snapshot)
  }

  /** Ends a watch with its one error. */
  function fail(watch: Watch, error: CloudError): void {
    if (!watches.has(watch.watchId)) return
    remove(watch)
    callListener(watch.options.onError, error)
  }

  function failAll(name: RealtimeErrorName, detail: string): void {
    watches.forEach((watch) => fail(watch, realtimeError(name, detail)))
  }

  /** Forgets a watch, tells the server, and closes the socket after the last one. */
  function remove(watch: Watch): void {
    watches.delete(watch.watchId)
    clearTimeout(watch.checkTimer)
    pending.forEach((request, requestId) => {
      if (request.watch !== watch) return
      clearTimeout(request.timer)
      pending.delete(requestId)
    })
    if (loggedIn) send({ watchId: watch.watchId, requestId: uid(), msgType: 'CLOSE_WATCH', msgData: null })
    if (!watches.size) {
      clearTimeout(reconnectTimer)
      reconnectTimer = undefined
      attempts = 0
      drop(3001, 'No Realtime Listeners')
    }
  }

  return function watch(api: string, request: WatchRequest, options: WatchOptions<unknown>): RealtimeListener {
    if (!options || typeof options.onChange !== 'function' || typeof options.onError !== 'function') {
      throw invalidArgument(api, 'takes { onChange(snapshot), onError(error) }, both functions')
    }
    const entry: Watch = { watchId: `watchid_${uid()}`, request, options, state: new WatchState(request.order), timeouts: 0, rebuilding: false, lastEvent: 0 }
    watches.set(entry.watchId, entry)
    if (loggedIn) start(entry)
    else connect()
    return {
      close() {
        if (watches.has(entry.watchId)) remove(entry)
        return Promise.resolve()
      },
    }
  }
}
