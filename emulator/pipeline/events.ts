/**
 * The emulator's structured log: every request, function invocation, function output line and realtime
 * session becomes one event object, kept in a bounded ring (for the console and tests) and handed to
 * subscribers (the CLI prints each as one line, or as JSON with `--log json`).
 */
import { describePrincipal, type Principal } from './principal'
import type { RuleDecision } from './rule-checks'

/** The surface a request came in on. */
export type Dialect = 'web' | 'admin' | 'oauth' | 'gateway' | 'ws' | 'storage' | 'http'

export interface EmulatorEvent {
  /** ISO time the event ended. */
  time: string
  /**
   * `request`: one answered request or socket frame; `invocation`: one function run; `output`: a line a
   * function printed; `session`: a realtime connection, when it closes; `notice`: something the emulator
   * itself reports (an internal error, a failing listener).
   */
  kind: 'request' | 'invocation' | 'output' | 'session' | 'notice'
  requestId: string
  dialect: Dialect
  /** The action (`database.queryDocument`, `INIT_WATCH`, `GET /storage/download`), or the function's name for its runs. */
  action: string
  principal: Principal
  /** What it was about: a collection, a function, a file, when the action names one. */
  target?: string
  outcome: 'ok' | 'error'
  /** The CloudBase error code of a failure. */
  code?: string
  /** Duration in ms (0 for a line of output). */
  ms: number
  /** Free text: the error message, the output line, the notice. */
  message?: string
  /** A `cloud.logger()` record's fields (each value a string: CloudBase's searchable fields), on an `output` event. */
  fields?: Record<string, string>
  /** That record's level: `log`, `info`, `warn` or `error`. */
  level?: string
  /** The security-rule decisions the request met, in order (only when rules are enforced). */
  rules?: RuleDecision[]
  /** On an `invocation` event: the run as CloudBase's function log records it. */
  invocation?: InvocationRecord
}

/**
 * One function run with the fields of CloudBase's function log (`getFunctionLogs`, `tcb fn log`; reference
 * cloudbase-backend.md §4), plus the emulator's own `cold`, `instance` and `source`.
 */
export interface InvocationRecord {
  RequestId: string
  FunctionName: string
  /** 0 for a success; otherwise SCF's status code of the failure (430 the code threw, 433 timeout, ...: docs/protocol.md §8). */
  RetCode: number
  /** When the run started in its instance, as CloudBase's log writes it: `YYYY-MM-DD HH:mm:ss` in UTC+8 (China time). */
  StartTime: string
  /** How long it ran, in ms (from its start in an instance, not counting a wait for one). */
  Duration: number
  /** What CloudBase bills: the duration rounded up to the ms (at least 1). */
  BillDuration: number
  /** The instance's heap and external memory after the run, in bytes (0 when unknown: a run that timed out or crashed). */
  MemUsage: number
  /** The return value as JSON text, or the failure, truncated past 4 KB. */
  RetMsg: string
  /** The lines it printed during the run, joined by newlines, truncated past 64 KB. */
  Log: string
  /** The emulator's own: this run loaded the function's module in a new instance (a cold start). */
  cold: boolean
  /** The emulator's own: which instance ran it (numbered from 1 as they start). */
  instance: number
  /** The emulator's own: the call chain `getWXContext().SOURCE` gave it (`wx_client`, `wx_client,scf`), when any. */
  source?: string
}

/** How many events the ring keeps. */
export const EVENT_RING_SIZE = 2000

export interface EventLog {
  emit(event: EmulatorEvent): void
  /** The events still in the ring, oldest first. */
  recent(): EmulatorEvent[]
  /** Calls `listener` with every later event; returns the unsubscribe function. */
  subscribe(listener: (event: EmulatorEvent) => void): () => void
}

export function createEventLog(size = EVENT_RING_SIZE): EventLog {
  const ring: EmulatorEvent[] = []
  let next = 0
  const listeners = new Set<(event: EmulatorEvent) => void>()
  return {
    emit(event) {
      if (ring.length < size) ring.push(event)
      else ring[next] = event
      next = (next + 1) % size
      for (const listener of listeners) {
        // A subscriber that throws must not turn the request it logs into a failure.
        try {
          listener(event)
        } catch (error) {
          listeners.delete(listener)
          console.error(`mpcloud: an event subscriber threw and was removed: ${error instanceof Error ? error.stack : String(error)}`)
        }
      }
    },
    recent: () => (ring.length < size ? ring.slice() : ring.slice(next).concat(ring.slice(0, next))),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

/** One readable line: `12:00:01.234 web database.queryDocument user:o1 todos ok 1.2ms` (`... ok 38.0ms cold` for a cold start). */
export function formatEvent(event: EmulatorEvent): string {
  const parts = [event.time.slice(11, 23), event.dialect, event.kind === 'request' ? event.action : `${event.kind} ${event.action}`, describePrincipal(event.principal)]
  if (event.target !== undefined) parts.push(event.target)
  if (event.kind !== 'output') parts.push(event.outcome === 'ok' ? 'ok' : event.code || 'error', `${event.ms.toFixed(1)}ms`)
  // A function run that loaded its module in a new instance.
  if (event.invocation && event.invocation.cold) parts.push('cold')
  if (event.rules) parts.push(`[${event.rules.map((rule) => `${rule.rule} ${rule.decision}`).join(', ')}]`)
  if (event.message !== undefined) parts.push(event.kind === 'output' ? event.message : `- ${event.message}`)
  return parts.join(' ')
}
