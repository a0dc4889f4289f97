/**
 * Function logs and metrics from the structured log (docs/logs.md): the admin-only actions
 * `functions.getLogs` (each run as CloudBase's function log records it: reference cloudbase-backend.md §4)
 * and `functions.getStats` (per function: count, errors and p50/p95/max duration over a window). They are
 * what `mpcloud logs` and `mpcloud stats` call, and the console's JSON endpoint. index.ts hands this the
 * event log; it numbers each invocation as it arrives, so a reader that passes back the `cursor` it was
 * given (`since`) gets every later run exactly once, while the ring still holds them.
 */
import { invalidParam } from '../errors'
import type { EmulatorEvent, EventLog, InvocationRecord } from '../pipeline/events'
import type { Request, Service } from '../pipeline/service'

/** How many records `functions.getLogs` returns without a `limit`, and at most. */
export const DEFAULT_LOG_LIMIT = 100
export const MAX_LOG_LIMIT = 2000
/** The window of `functions.getStats` without `window_seconds`. */
export const DEFAULT_STATS_WINDOW_SECONDS = 300

export interface FunctionStats {
  function_name: string
  count: number
  /** Runs whose RetCode is not 0. */
  errors: number
  /** Durations in ms, nearest-rank percentiles of the runs' `Duration`. */
  p50_ms: number
  p95_ms: number
  max_ms: number
}

export interface LogsQuery {
  functionName?: string
  errorsOnly?: boolean
  /** A cursor from an earlier answer: only runs after it. */
  since?: number
  limit?: number
}

export interface LogsService extends Service {
  logs(query?: LogsQuery): { logs: InvocationRecord[]; cursor: number }
  stats(options?: { functionName?: string; windowSeconds?: number; now?: number }): FunctionStats[]
}

/** The `p`th percentile (0-100) of ascending `sorted`, nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

const optionalName = (value: unknown): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalidParam('function_name, when given, must be a function name')
  return value
}

const optionalNumber = (name: string, value: unknown, min: number, max: number): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) throw invalidParam(`${name}, when given, must be a whole number from ${min} to ${max}`)
  return number
}

export function logsService(events: EventLog): LogsService {
  // Each invocation event's sequence number, from 1, in the order the log received them.
  const seqs = new WeakMap<EmulatorEvent, number>()
  let last = 0
  events.subscribe((event) => {
    if (event.kind === 'invocation' && event.invocation) seqs.set(event, ++last)
  })
  const invocations = (): { seq: number; event: EmulatorEvent; record: InvocationRecord }[] =>
    events.recent().flatMap((event) => {
      const seq = seqs.get(event)
      return seq !== undefined && event.invocation ? [{ seq, event, record: event.invocation }] : []
    })

  const logs = (query: LogsQuery = {}) => {
    const limit = Math.min(query.limit ?? DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT)
    const matching = invocations().filter(
      ({ seq, record }) =>
        (query.since === undefined || seq > query.since) &&
        (query.functionName === undefined || record.FunctionName === query.functionName) &&
        (!query.errorsOnly || record.RetCode !== 0),
    )
    // After a cursor, the oldest first (a follower misses none); otherwise the newest. Newest last either way.
    const chosen = query.since !== undefined ? matching.slice(0, limit) : matching.slice(Math.max(0, matching.length - limit))
    const cut = chosen.length < matching.length && query.since !== undefined
    return { logs: chosen.map(({ record }) => record), cursor: cut ? chosen[chosen.length - 1]!.seq : Math.max(last, query.since ?? 0) }
  }

  const stats = (options: { functionName?: string; windowSeconds?: number; now?: number } = {}): FunctionStats[] => {
    const from = (options.now ?? Date.now()) - (options.windowSeconds ?? DEFAULT_STATS_WINDOW_SECONDS) * 1000
    const byName = new Map<string, InvocationRecord[]>()
    for (const { event, record } of invocations()) {
      if (Date.parse(event.time) < from) continue
      if (options.functionName !== undefined && record.FunctionName !== options.functionName) continue
      const list = byName.get(record.FunctionName) || []
      list.push(record)
      byName.set(record.FunctionName, list)
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, records]) => {
        const durations = records.map((record) => record.Duration).sort((a, b) => a - b)
        return {
          function_name: name,
          count: records.length,
          errors: records.filter((record) => record.RetCode !== 0).length,
          p50_ms: percentile(durations, 50),
          p95_ms: percentile(durations, 95),
          max_ms: durations[durations.length - 1]!,
        }
      })
  }

  const target = (body: Record<string, unknown>) => (typeof body.function_name === 'string' && body.function_name ? body.function_name : undefined)
  return {
    name: 'logs',
    actions: {
      admin: {
        'functions.getLogs': {
          access: 'admin',
          target,
          handle: ({ body }: Request) => {
            const functionName = optionalName(body.function_name)
            if (body.errors_only !== undefined && typeof body.errors_only !== 'boolean') throw invalidParam('errors_only, when given, must be true or false')
            const since = optionalNumber('since', body.since, 0, Number.MAX_SAFE_INTEGER)
            const limit = optionalNumber('limit', body.limit, 1, MAX_LOG_LIMIT)
            return {
              data: logs({
                ...(functionName !== undefined ? { functionName } : {}),
                errorsOnly: body.errors_only === true,
                ...(since !== undefined ? { since } : {}),
                ...(limit !== undefined ? { limit } : {}),
              }),
            }
          },
        },
        'functions.getStats': {
          access: 'admin',
          target,
          handle: ({ body }: Request) => {
            const functionName = optionalName(body.function_name)
            const windowSeconds = optionalNumber('window_seconds', body.window_seconds, 1, 86_400) ?? DEFAULT_STATS_WINDOW_SECONDS
            return { data: { window_seconds: windowSeconds, functions: stats({ ...(functionName !== undefined ? { functionName } : {}), windowSeconds }) } }
          },
        },
      },
    },
    logs,
    stats,
  }
}
