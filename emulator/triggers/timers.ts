/**
 * Timer triggers (reference cloudbase-backend.md §3a): each function's `config.json` may declare one
 * `{ name, type: 'timer', config: '<7-field cron>' }`; the emulator runs the function at the cron's times
 * (Beijing time) with the event `{ Type: 'Timer', TriggerName, Time, Message: '' }`, as the system
 * (`{ kind: 'system', reason: 'timer' }`, so no function rule applies), `getWXContext().SOURCE`
 * `wx_trigger`. What the function returns is discarded; a failure is in the log (a failed run is its own
 * invocation event; a run that could not start is a notice) and the timer keeps going.
 *
 * The functions folder is looked at again every `pollMs` (1 s): a function added, removed, or whose
 * config.json changed gets its timer (re)made; a config.json that turns wrong is reported and the timer in
 * force stays, as a wrong rules file is. At start a wrong one fails the start, naming the file and trigger.
 *
 * `functions.fireTrigger` (admin dialect, docs/triggers.md) runs a trigger now: `mpcloud trigger`.
 *
 * This is a service: it is handed the way to run a function (`FunctionsService.call`) and to read a
 * function's config by `emulator/index.ts`, and imports no other service.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Cron } from 'croner'
import { EmulatorError, invalidParam } from '../errors'
import type { Principal } from '../pipeline/principal'
import type { Request, Service } from '../pipeline/service'
import { CRONER_OPTIONS, CronError, parseCron, type CronSchedule } from './cron'

/** The system, acting for a timer. */
export const TIMER: Principal = Object.freeze({ kind: 'system', reason: 'timer' })

/** `getWXContext().SOURCE` of a timer's run. */
export const TIMER_SOURCE = 'wx_trigger'

/** How often the functions folder is looked at for changed config.json files. */
export const TIMER_POLL_MS = 1000

/** The event a timer's function gets (Tencent SCF's timer event). */
export interface TimerEvent {
  Type: 'Timer'
  TriggerName: string
  /** When it fired, ISO-8601 UTC to the second (`2019-02-21T11:49:00Z`). */
  Time: string
  /** The trigger's argument: WeChat's config.json has none, so always ''. */
  Message: string
}

/** What a timer trigger runs through: `FunctionsService.call`. */
export type CallFunction = (name: string, event: unknown, origin: { principal: Principal; source?: string; dialect: string }) => Promise<string>

/** What a function's config.json says of its triggers (`readFunctionConfig`); throws, naming the file, when it is wrong. */
export type ReadTriggers = (dir: string, name: string) => { triggers: { name: string; config: string }[] }

export interface TimersOptions {
  /** The functions folder; without it there are no timers. */
  dir: string | undefined
  call: CallFunction
  readConfig: ReadTriggers
  /** Whether timers fire on their own (default true); `fire()` works either way. */
  schedule?: boolean
  /** Reports what went wrong outside a request (a run that could not start, a config.json that turned wrong). */
  notice(message: string, code?: string): void
  pollMs?: number
}

/** One trigger fired: what the function was given, and what it answered (a timer discards it). */
export interface Fired {
  functionName: string
  triggerName: string
  event: TimerEvent
  /** The JSON text of the function's return value. */
  result: string
}

export interface TimersService extends Service {
  /**
   * Runs `functionName`'s timer trigger now (its config.json read afresh), as its timer would; `triggerName`
   * when given must be its name. Fails like the run (FUNCTIONS_EXECUTE_FAIL, ...) or with
   * FUNCTIONS_REQUEST_FAIL / INVALID_PARAM when there is no such function or trigger.
   */
  fire(functionName: string, triggerName?: string): Promise<Fired>
  /** Starts the timers (once the emulator listens: a function's own SDK calls it back). */
  start(): void
  /** The timers in force: function, trigger and cron. */
  scheduled(): { functionName: string; triggerName: string; cron: string }[]
}

/** Letters, digits, `_` and `-`: a function's folder name (as the functions service takes). */
const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/

/** A function's config.json as last read (its size and mtime), and the timer it made, if any. */
interface Entry {
  stamp: string
  timer?: { triggerName: string; cron: CronSchedule; job: Cron }
}

/** `Time`: ISO-8601 UTC, whole seconds, as SCF writes it. */
function timeOf(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function timersService(options: TimersOptions): TimersService {
  const { dir, call, notice } = options
  const entries = new Map<string, Entry>()
  const configFile = (name: string) => join(dir!, name, 'config.json')

  /** The function's trigger as its config.json says now, its cron checked; an Error naming the file and trigger. */
  const triggerOf = (name: string): { name: string; cron: CronSchedule } | undefined => {
    const trigger = options.readConfig(dir!, name).triggers[0]
    if (!trigger) return undefined
    try {
      return { name: trigger.name, cron: parseCron(trigger.config) }
    } catch (error) {
      if (error instanceof CronError) throw new Error(`${configFile(name)}: trigger "${trigger.name}": ${error.message}`)
      throw error
    }
  }

  const run = (functionName: string, triggerName: string, at: number): Promise<Fired> => {
    const event: TimerEvent = { Type: 'Timer', TriggerName: triggerName, Time: timeOf(at), Message: '' }
    return call(functionName, event, { principal: TIMER, source: TIMER_SOURCE, dialect: 'timer' }).then((result) => ({ functionName, triggerName, event, result }))
  }

  const tick = (functionName: string, triggerName: string) => {
    run(functionName, triggerName, Date.now()).catch((error: unknown) => {
      // A run that failed is already its invocation event; one that never started (no such function any
      // more, no free worker) is not, so it is said here. Either way the timer keeps going.
      if (error instanceof EmulatorError && error.code === 'FUNCTIONS_EXECUTE_FAIL') return
      const code = error instanceof EmulatorError ? error.code : 'SYS_ERR'
      notice(`timer trigger "${triggerName}" of function "${functionName}" did not run: ${error instanceof Error ? error.message : String(error)}`, code)
    })
  }

  const stampOf = (name: string) => {
    const file = configFile(name)
    if (!existsSync(file)) return 'none'
    const stat = statSync(file)
    return `${stat.size}:${stat.mtimeMs}`
  }

  /** The functions in the folder: sub-folders with an index.js. */
  const functionNames = (): string[] => {
    if (dir === undefined || !existsSync(dir)) return []
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && FUNCTION_NAME.test(entry.name) && existsSync(join(dir, entry.name, 'index.js')))
      .map((entry) => entry.name)
  }

  const unschedule = (name: string) => {
    const timer = entries.get(name)?.timer
    if (timer) timer.job.stop()
    entries.delete(name)
  }

  /** Makes `name`'s timer anew when its config.json changed; `strict`: a wrong one throws, else it is reported and the timer in force stays. */
  const refresh = (name: string, strict: boolean) => {
    const stamp = stampOf(name)
    const entry = entries.get(name)
    if (entry && entry.stamp === stamp) return
    let trigger
    try {
      trigger = triggerOf(name)
    } catch (error) {
      if (strict) throw error
      // Reported once per version of the file: the new stamp is kept with the timer in force.
      entries.set(name, { stamp, ...(entry && entry.timer ? { timer: entry.timer } : {}) })
      notice(`${error instanceof Error ? error.message : String(error)}; ${entry && entry.timer ? `the timer "${entry.timer.triggerName}" in force stays` : 'no timer runs for it'}`, 'INVALID_PARAM')
      return
    }
    unschedule(name)
    if (!trigger) return void entries.set(name, { stamp })
    const triggerName = trigger.name
    // Paused until start(): the emulator's URL, which the function's own SDK calls, is known only then.
    const job = new Cron(trigger.cron.pattern, { ...CRONER_OPTIONS, unref: true, paused: !started }, () => tick(name, triggerName))
    entries.set(name, { stamp, timer: { triggerName, cron: trigger.cron, job } })
  }

  const scan = (strict: boolean) => {
    const names = functionNames()
    for (const name of [...entries.keys()]) if (names.indexOf(name) < 0) unschedule(name)
    for (const name of names) refresh(name, strict)
  }

  let poll: NodeJS.Timeout | undefined
  let started = false
  const scheduling = options.schedule !== false && dir !== undefined
  // At start a wrong config.json or cron fails the start.
  if (scheduling) scan(true)

  const start = () => {
    if (!scheduling || started) return
    started = true
    for (const { timer } of entries.values()) if (timer) timer.job.resume()
    poll = setInterval(() => {
      try {
        scan(false)
      } catch (error) {
        notice(`looking at the timer triggers in ${dir}: ${error instanceof Error ? error.message : String(error)}`, 'SYS_ERR')
      }
    }, options.pollMs || TIMER_POLL_MS)
    poll.unref()
  }

  const fire = async (functionName: string, triggerName?: string): Promise<Fired> => {
    if (typeof functionName !== 'string' || !FUNCTION_NAME.test(functionName)) throw invalidParam(`${JSON.stringify(functionName)} is not a function name (letters, digits, "_" and "-", at most 60)`)
    if (dir === undefined) throw new EmulatorError('FUNCTIONS_REQUEST_FAIL', `function "${functionName}" not found: this emulator serves no functions (start it with --functions DIR)`)
    if (!existsSync(join(dir, functionName, 'index.js'))) throw new EmulatorError('FUNCTIONS_REQUEST_FAIL', `function "${functionName}" not found: there is no ${functionName}/index.js in ${dir}`)
    let trigger
    try {
      trigger = triggerOf(functionName)
    } catch (error) {
      throw invalidParam(error instanceof Error ? error.message : String(error))
    }
    if (!trigger) throw invalidParam(`function "${functionName}" has no timer trigger: its config.json declares none ({ "triggers": [{ "name", "type": "timer", "config" }] })`)
    if (triggerName !== undefined && triggerName !== trigger.name) throw invalidParam(`function "${functionName}" has no trigger "${triggerName}"; its timer trigger is "${trigger.name}"`)
    return run(functionName, trigger.name, Date.now())
  }

  const fireAction = {
    access: 'admin' as const,
    target: (body: Record<string, unknown>) => (typeof body.function_name === 'string' ? body.function_name : undefined),
    handle: async ({ body }: Request) => {
      const { function_name: name, trigger_name: trigger } = body
      if (typeof name !== 'string' || !name) throw invalidParam('function_name is required')
      if (trigger !== undefined && typeof trigger !== 'string') throw invalidParam('trigger_name, when given, must be the trigger\'s name')
      const fired = await fire(name, trigger)
      return { data: { function_name: fired.functionName, trigger_name: fired.triggerName, event: fired.event, response_data: fired.result } }
    },
  }

  return {
    name: 'triggers',
    actions: { admin: { 'functions.fireTrigger': fireAction } },
    fire,
    start,
    scheduled: () =>
      [...entries.entries()].flatMap(([functionName, { timer }]) => (timer ? [{ functionName, triggerName: timer.triggerName, cron: timer.cron.text }] : [])),
    stop() {
      started = false
      if (poll) clearInterval(poll)
      for (const name of [...entries.keys()]) unschedule(name)
    },
  }
}
