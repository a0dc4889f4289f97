/**
 * The realtime watch contract (docs/protocol.md §6): the frames on the socket, the events the server sends, what
 * `watch()` hands to its listener, and the watch's error codes.
 */
import type { WireObject } from './codec'
import type { OrderSpec } from './database'
import type { CloudError } from './errors'

/** What a client sends. */
export interface ClientFrame {
  watchId?: string
  requestId: string
  msgType: 'LOGIN' | 'INIT_WATCH' | 'REBUILD_WATCH' | 'CHECK_LAST' | 'CLOSE_WATCH' | 'PING'
  msgData: Record<string, unknown> | null
  exMsgData?: Record<string, unknown>
}

/** What a server sends: replies carry the request's `requestId`, pushes the `watchId`. */
export interface ServerFrame {
  watchId?: string
  requestId?: string
  msgType: 'LOGIN_RES' | 'INIT_EVENT' | 'NEXT_EVENT' | 'CHECK_EVENT' | 'PONG' | 'ERROR'
  msgData: unknown
}

/** `msgData` of INIT_EVENT and NEXT_EVENT. */
export interface EventsData {
  queryID: string
  currEvent: number
  events: ServerEvent[]
}

/** `msgData` of ERROR. */
export interface ErrorData {
  code: string
  message?: string
}

/** How a change touched the result. */
export type DataType = 'init' | 'add' | 'update' | 'replace' | 'remove' | 'limit'
/** What it did to the result set: entered it, changed in it, or left it. */
export type QueueType = 'init' | 'enqueue' | 'update' | 'dequeue'

/** One event as the server sends it: `Doc` and the fields are JSON text of wire values. */
export interface ServerEvent {
  ID: number
  DataType: DataType
  QueueType: QueueType
  DocID: string
  Doc?: string
  UpdatedFields?: string
  removedFields?: string
}

/** What `watch()` follows: a collection, a filter in wire form, an order and a window. */
export interface WatchRequest {
  collectionName: string
  query: WireObject
  order?: OrderSpec[]
  limit?: number
}

/** One change in a snapshot (wx's `ISingleDBEvent`). */
export interface DocChange<T> {
  id: number
  dataType: DataType
  queueType: QueueType
  docId: string
  /** The document after the change; for a document leaving the result, its last known value. */
  doc: T
  updatedFields?: Record<string, unknown>
  removedFields?: string[]
}

/** What `onChange` receives (wx's `ISnapshot`). */
export interface Snapshot<T> {
  /** The id of the last event it includes. */
  id: number
  docChanges: DocChange<T>[]
  /** The whole result, in order. Shared with later snapshots: treat documents as read-only. */
  readonly docs: T[]
  /** `'init'` on the first snapshot of every watch (wx sets it only when the first result is empty). */
  type?: 'init' | undefined
  msgType?: 'INIT_EVENT' | 'NEXT_EVENT'
}

/** `watch()`'s listener: both are required, as on wx. */
export interface WatchOptions<T> {
  onChange: (snapshot: Snapshot<T>) => void
  /** Called once, after which the watch is closed. */
  onError: (error: CloudError) => void
}

/** What `watch()` returns. */
export interface RealtimeListener {
  /** Stops the watch; no `onChange` follows. */
  close(): Promise<void>
}

/** How database queries reach the watch client (`cloud.ts` provides it: features never import each other). */
export type WatchService = (api: string, request: WatchRequest, options: WatchOptions<unknown>) => RealtimeListener

/** The watch's error names, `SDK_DATABASE_REALTIME_LISTENER_<name>`: wx's -402002…-402011 in this order. */
export const REALTIME_ERRORS = [
  'INIT_WATCH_FAIL',
  'RECONNECT_WATCH_FAIL',
  'REBUILD_WATCH_FAIL',
  'CLOSE_WATCH_FAIL',
  'SERVER_ERROR_MSG',
  'RECEIVE_INVALID_SERVER_DATA',
  'WEBSOCKET_CONNECTION_ERROR',
  'WEBSOCKET_CONNECTION_CLOSED',
  'CHECK_LAST_FAIL',
  'UNEXPECTED_FATAL_ERROR',
] as const

export type RealtimeErrorName = (typeof REALTIME_ERRORS)[number]

/** The full code of a watch error name. */
export const REALTIME_PREFIX = 'SDK_DATABASE_REALTIME_LISTENER_'

/**
 * The wx errCode and description of a watch error code (`SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL`
 * → -402002, 'realtime listener init watch fail'), or undefined for another code.
 */
export function realtimeErrorInfo(code: string): [errCode: number, description: string] | undefined {
  const name = code.indexOf(REALTIME_PREFIX) === 0 ? code.slice(REALTIME_PREFIX.length) : ''
  const index = (REALTIME_ERRORS as readonly string[]).indexOf(name)
  return index < 0 ? undefined : [-402002 - index, 'realtime listener ' + name.toLowerCase().replace(/_/g, ' ')]
}
