/**
 * Database triggers (reference cloudbase-backend.md §3c, docs/triggers.md "Database triggers"): each
 * configured trigger watches one collection's inserts, updates and deletes (those its `events` name), and
 * runs its function for each changed document that matches its condition (the inserted or updated document,
 * the deleted one as it was), with CloudBase's CloudEvents 1.0 envelope.
 *
 * It reads the store's change feed after commit, so a write's answer never waits for its triggers and
 * nothing a trigger does (a failure, a slow function) changes the write. It runs the function as the system
 * (`{ kind: 'system', reason: 'trigger' }`, so no function rule applies), `getWXContext().SOURCE`
 * `wx_trigger`, dialect `trigger`. What it returns is discarded; a failed run is its invocation event, a run
 * that could not start is a notice.
 *
 * Each run gets a principal object of its own, and the function's own server-SDK requests act for it
 * (index.ts): its writes' commits carry it (source `trigger`), so the feed knows which chain of trigger runs
 * made a change. **Loop guard**: a change made by a chain of `MAX_TRIGGER_DEPTH` trigger runs fires no
 * further trigger (a notice says which and why), so a function that writes what triggers it stops there.
 * CloudBase documents no loop guard; it limits trigger events to 200 per second per environment, and so does
 * this (events over it are dropped with a notice), as it drops events over 256 KB.
 *
 * This is a service: it is handed the store's feed, the way to run a function and the notices by
 * `emulator/index.ts`, and imports no other service.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { EmulatorError } from '../errors'
import type { Principal } from '../pipeline/principal'
import type { Service } from '../pipeline/service'
import { createMatcher } from '../query/engine'
import type { Commit } from '../store/store'
import { checkDatabaseTriggers, conditionFilter, type DatabaseEventType, type DatabaseTrigger } from './database-config'
import { changeData, type DatabaseChangeData } from './database-event'

/** `getWXContext().SOURCE` of a database trigger's run, as of a timer's: CloudBase's value for trigger-run functions. */
export const DATABASE_TRIGGER_SOURCE = 'wx_trigger'

/** How many trigger runs deep a chain may go: a change made at this depth fires nothing more (the loop guard). */
export const MAX_TRIGGER_DEPTH = 8

/** CloudBase's limits: an event's size (larger ones are dropped) and trigger events per second per environment. */
export const MAX_TRIGGER_EVENT_BYTES = 256 * 1024
export const MAX_TRIGGER_EVENTS_PER_SECOND = 200

/** The region in the envelope's `source` (the one the functions' environment names). */
const REGION = 'ap-shanghai'

/** The event a database trigger's function gets: a CloudEvents 1.0 envelope. */
export interface DatabaseTriggerEvent {
  specversion: '1.0'
  /** `<requestId>.<docId>`: the run's request id (context.request_id) and the document. */
  id: string
  /** `tcb/database.<region>.<envId>.<collection>` */
  source: string
  type: `com.tcb.database.${DatabaseEventType}`
  /** `<trigger name>.<docId>` (CloudBase's rule id is the trigger's id; here its name). */
  subject: string
  datacontenttype: 'application/json'
  /** When the change was committed, ISO-8601 UTC. */
  time: string
  data: DatabaseChangeData
}

/** What a database trigger runs through: `FunctionsService.call`. */
export type CallFunction = (name: string, event: unknown, origin: { principal: Principal; source?: string; dialect: string; requestId?: string }) => Promise<string>

export interface DatabaseTriggersOptions {
  env: string
  triggers: unknown
  /** The functions folder: a trigger whose function is not in it is reported at start (it may be added later). */
  dir: string | undefined
  /** The store's change feed (`Store.onCommit`). */
  onCommit(listener: (commit: Commit) => void): () => void
  call: CallFunction
  notice(message: string, code?: string): void
}

export interface DatabaseTriggersService extends Service {
  /** The triggers in force. */
  readonly triggers: readonly DatabaseTrigger[]
  /** Starts reading the change feed (once the emulator listens: a function's own SDK calls it back). */
  start(): void
}

/** How a change of one document is named by its before and after. */
function kindOf(before: unknown, after: unknown): DatabaseEventType | undefined {
  if (before === undefined) return after ? 'insert' : undefined
  return after ? 'update' : 'delete'
}

export function databaseTriggersService(options: DatabaseTriggersOptions): DatabaseTriggersService {
  const triggers = checkDatabaseTriggers(options.triggers)
  const { notice, call, env } = options
  const matchers = new Map(triggers.map((trigger) => [trigger.name, trigger.condition ? createMatcher(conditionFilter(trigger.condition)) : () => true]))
  /** The chain of trigger runs each run's principal stands for: how deep, and through which triggers. */
  const chains = new WeakMap<Principal, { depth: number; path: string[] }>()
  let rate = { second: 0, count: 0, reported: false }
  let stopped = false

  const run = (trigger: DatabaseTrigger, event: DatabaseTriggerEvent, requestId: string, principal: Principal) => {
    call(trigger.function, event, { principal, source: DATABASE_TRIGGER_SOURCE, dialect: 'trigger', requestId }).catch((error: unknown) => {
      // A failed run is already its invocation event; one that never started (no such function, no free worker) is said here.
      if (error instanceof EmulatorError && error.code === 'FUNCTIONS_EXECUTE_FAIL') return
      const code = error instanceof EmulatorError ? error.code : 'SYS_ERR'
      notice(`database trigger "${trigger.name}" (function "${trigger.function}") did not run for ${event.subject}: ${error instanceof Error ? error.message : String(error)}`, code)
    })
  }

  /** Whether another event fits in this second's 200. */
  const admitted = (trigger: DatabaseTrigger, subject: string): boolean => {
    const second = Math.floor(Date.now() / 1000)
    if (rate.second !== second) rate = { second, count: 0, reported: false }
    if (rate.count < MAX_TRIGGER_EVENTS_PER_SECOND) {
      rate.count++
      return true
    }
    if (!rate.reported) {
      rate.reported = true
      notice(`database trigger "${trigger.name}": event ${subject} dropped: over CloudBase's ${MAX_TRIGGER_EVENTS_PER_SECOND} trigger events per second per environment (further drops this second are not reported)`, 'EXCEED_REQUEST_LIMIT')
    }
    return false
  }

  const listen = (commit: Commit) => {
    if (stopped) return
    const parent = chains.get(commit.principal)
    const depth = parent ? parent.depth + 1 : 1
    const time = new Date().toISOString()
    for (const change of commit.changes) {
      const kind = kindOf(change.before, change.after)
      if (!kind) continue
      const doc = kind === 'delete' ? change.before! : change.after!
      let data: DatabaseChangeData | undefined
      for (const trigger of triggers) {
        if (trigger.collection !== change.collection || trigger.events.indexOf(kind) < 0 || !matchers.get(trigger.name)!(doc)) continue
        // An update that changed nothing is no change (as a watch sees it).
        data = data || changeData(kind, change.id, doc, change.before, change.after)
        if (!data) break
        const subject = `${trigger.name}.${change.id}`
        if (depth > MAX_TRIGGER_DEPTH) {
          notice(
            `database trigger "${trigger.name}" not fired for ${change.collection}/${change.id}: the change was made by ${MAX_TRIGGER_DEPTH} trigger runs in a chain (${parent!.path.join(' → ')}), the loop guard's limit: does a function write what triggers it?`,
            'TRIGGER_LOOP',
          )
          continue
        }
        const requestId = randomUUID()
        const event: DatabaseTriggerEvent = {
          specversion: '1.0',
          id: `${requestId}.${change.id}`,
          source: `tcb/database.${REGION}.${env}.${change.collection}`,
          type: `com.tcb.database.${kind}`,
          subject,
          datacontenttype: 'application/json',
          time,
          data,
        }
        const bytes = Buffer.byteLength(JSON.stringify(event))
        if (bytes > MAX_TRIGGER_EVENT_BYTES) {
          notice(`database trigger "${trigger.name}": event ${subject} dropped: ${bytes} bytes, over CloudBase's ${MAX_TRIGGER_EVENT_BYTES} (256 KB) per event`, 'EXCEED_REQUEST_LIMIT')
          continue
        }
        if (!admitted(trigger, subject)) continue
        const principal: Principal = Object.freeze({ kind: 'system', reason: 'trigger' })
        chains.set(principal, { depth, path: (parent ? parent.path : []).concat(trigger.name) })
        // Never in the writer's time: the run starts after the write has answered.
        setImmediate(() => {
          if (!stopped) run(trigger, event, requestId, principal)
        })
      }
    }
  }

  let unsubscribe = () => {}
  return {
    name: 'database-triggers',
    triggers,
    start() {
      if (!triggers.length || stopped) return
      // Warned, not refused: the folder is read afresh for every run, so a function may be added while running.
      for (const trigger of triggers) {
        if (options.dir === undefined || !existsSync(join(options.dir, trigger.function, 'index.js'))) {
          notice(`database trigger "${trigger.name}": function "${trigger.function}" is not in the functions folder${options.dir === undefined ? ' (no --functions folder)' : ` ${options.dir}`}: its changes do not run it until it is there`, 'FUNCTIONS_REQUEST_FAIL')
        }
      }
      unsubscribe = options.onCommit(listen)
    },
    stop() {
      stopped = true
      unsubscribe()
    },
  }
}
