/** The watch client's errors: wx's -402002…-402011, codes `SDK_DATABASE_REALTIME_LISTENER_<name>`. */
import { CloudError } from '../protocol/errors'

/** In wx's order: INIT_WATCH_FAIL is -402002, UNEXPECTED_FATAL_ERROR is -402011. */
const NAMES = [
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

export type RealtimeErrorName = (typeof NAMES)[number]

/** The error a listener's `onError` receives. */
export function realtimeError(name: RealtimeErrorName, detail: string): CloudError {
  const description = 'realtime listener ' + name.toLowerCase().replace(/_/g, ' ')
  return new CloudError('watch', 'SDK_DATABASE_REALTIME_LISTENER_' + name, detail, undefined, [-402002 - NAMES.indexOf(name), description])
}
