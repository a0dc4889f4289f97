/** The watch client's errors: wx's -402002…-402011 (table in `protocol/realtime.ts`). */
import { CloudError } from '../protocol/errors'
import { REALTIME_PREFIX, realtimeErrorInfo, type RealtimeErrorName } from '../protocol/realtime'

export type { RealtimeErrorName }

/** The error a listener's `onError` receives. */
export function realtimeError(name: RealtimeErrorName, detail: string): CloudError {
  const code = REALTIME_PREFIX + name
  return new CloudError('watch', code, detail, undefined, realtimeErrorInfo(code))
}
