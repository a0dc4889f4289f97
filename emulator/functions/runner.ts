/**
 * Runs cloud function invocations in instances, as CloudBase does: an instance is one `worker_threads` Worker
 * serving one version of one function, one invocation at a time. It loads the function's module on its first
 * invocation (the cold start) and keeps it while warm, so that what the module keeps at its top level (a cache,
 * a client) is there on the next call; an instance idle for `idleMs` ends. Under concurrency more instances
 * start, up to `maxWorkers` in all (idle instances of other functions or of old code give way); up to
 * `maxQueued` more calls wait for one, and beyond that a call is refused.
 *
 * Whatever a function does (throw, never return, loop forever, `process.exit`, exhaust its heap) ends at most its
 * own instance and not the emulator. An instance that times out, crashes, exits or cannot load its module is
 * discarded, never reused, and so is one that holds more than {@link FUNCTION_MEMORY_MB} (Buffers included) once it
 * has answered; one whose `main` throws or returns too much is kept (CloudBase's runtime catches those). This isolates failures; it is not a security sandbox (a function runs with Node's full powers).
 *
 * Threads, not child processes. A child process would also bound what a worker's heap limit does not (Buffers,
 * ArrayBuffers), but only through an OS limit (RLIMIT_AS breaks V8's address-space reservations; cgroups need
 * privileges; neither exists on macOS or Windows), not through `--max-old-space-size`, which bounds the same heap
 * `resourceLimits` does. It costs more on every cold start (a new Node process answers its first message after
 * some 75 ms and holds some 40 MB of RSS, a worker after some 23 ms with some 8 MB, measured on a 2-core Linux
 * machine with Node 20), and loses the exact out-of-memory signal a worker
 * gives (ERR_WORKER_OUT_OF_MEMORY). The one thing a thread cannot survive, a native out-of-memory abort, is
 * kept away by the result's size walk (worker-source.ts).
 */
import { Worker } from 'node:worker_threads'
import { WORKER_SOURCE } from './worker-source'

/** A function's memory, CloudBase's default: what its worker's heap (both generations) and code may take. */
export const FUNCTION_MEMORY_MB = 256

/**
 * The three parts of {@link FUNCTION_MEMORY_MB}: every limit is set, so that no default of V8's adds to it. The
 * stack (4 MB) and Node's own memory per worker (some 10 to 20 MB) come on top; Buffers and ArrayBuffers live
 * outside the heap and are not limited at all.
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 224, maxYoungGenerationSizeMb: 16, codeRangeSizeMb: 16 }

/** The largest result, as UTF-8 JSON text: SCF's limit on a synchronous response (6 MB). */
export const MAX_RESULT_BYTES = 6 * 1024 * 1024

/** How long an idle instance stays warm by default: 10 minutes, about as long as CloudBase keeps one. */
export const DEFAULT_IDLE_MS = 10 * 60 * 1000

export interface Invocation {
  /** The function's name (for messages and log lines). */
  name: string
  /** Which code an instance runs: the function's name and its files' versions. A new version starts new instances. */
  version: string
  /** Absolute path of its `index.js`. */
  file: string
  event: unknown
  context: Record<string, unknown>
  /** The instance's `process.env`, when this invocation starts a new one. */
  env: Record<string, string>
  /** Set into `process.env` for this invocation only (the caller's identity). */
  identity: Record<string, string>
  timeoutMs: number
  /** Called when it starts in an instance, after any wait for one: the run's duration counts from here. */
  onStart: (start: { cold: boolean; instance: number }) => void
  /**
   * Receives the function's console output, line by line (and the emulator's word on its worker, as stderr);
   * a `cloud.logger()` record comes as one line with its fields and level.
   */
  output: (line: string, stream: 'stdout' | 'stderr', record?: LoggerRecord) => void
}

export type Failure = 'threw' | 'timeout' | 'exited' | 'crashed' | 'out-of-memory' | 'too-large' | 'busy'

/** `memory`: the instance's heap and external memory in bytes after the run, when known. */
export type Outcome = { ok: true; json: string; memory: number } | { ok: false; reason: Failure; message: string; stack?: string; memory?: number }

/** One `cloud.logger()` record: its fields (values as strings) and its level (`log`, `info`, `warn`, `error`). */
export interface LoggerRecord {
  fields: Record<string, string>
  level: string
}

export interface RunnerLimits {
  /** How many instances may live at once. */
  maxWorkers: number
  /** How many calls may wait for an instance. */
  maxQueued: number
  /** How long an idle instance lives. */
  idleMs?: number
}

/** What the worker posts (worker-source.ts); anything else on its port is the function's own and is ignored. */
type WorkerMessage =
  | { kind: 'output'; stream: 'stdout' | 'stderr'; text: string; fields?: Record<string, string>; level?: string }
  | { kind: 'answer'; ok: true; json: ArrayBufferView; memory?: number }
  | { kind: 'answer'; ok: false; tooLarge?: boolean; message?: string; stack?: string; loaded?: boolean; memory?: number }

interface Run {
  invocation: Invocation
  settle: (outcome: Outcome, discard: boolean) => void
}

interface Instance {
  id: number
  version: string
  worker: Worker
  state: 'idle' | 'busy' | 'ending'
  runs: number
  run?: Run
  /** Where a late line of output goes: the invocation running, else the last one. */
  output: Invocation['output']
  idle?: NodeJS.Timeout
}

interface Waiter {
  invocation: Invocation
  resolve: (outcome: Outcome) => void
}

/** The instances and the calls waiting for one, so that stopping the emulator can end them all. */
export class Runner {
  private readonly instances = new Set<Instance>()
  private readonly line: Waiter[] = []
  /** The newest version of each function seen: instances of older ones end. */
  private readonly newest = new Map<string, string>()
  private readonly idleMs: number
  private stopping = false
  private ids = 0

  constructor(private readonly limits: RunnerLimits) {
    this.idleMs = limits.idleMs === undefined ? DEFAULT_IDLE_MS : limits.idleMs
  }

  /** Instances alive now (ending ones included: their memory is not free yet). */
  get size(): number {
    return this.instances.size
  }

  run(invocation: Invocation): Promise<Outcome> {
    return new Promise((resolve) => {
      if (this.stopping) return resolve(stopped(invocation.name))
      if (this.newest.get(invocation.name) !== invocation.version) {
        this.newest.set(invocation.name, invocation.version)
        // The old code's idle instances end now, its busy ones when their run ends.
        for (const instance of this.instances) if (instance.state === 'idle' && nameOf(instance.version) === invocation.name) this.end(instance)
      }
      // A waiting call's timeout counts from when its instance takes it, not from when it was made: the timeout is
      // the function's own budget (it sees it as context.time_limit_in_ms), and the wait stands in for
      // CloudBase's capacity, which a laptop lacks; a function must not time out here that would not there.
      if (this.line.length === 0) {
        const instance = this.take(invocation)
        if (instance && 'worker' in instance) return this.execute(instance, { invocation, resolve })
        if (instance) return resolve(instance)
      }
      if (this.line.length < this.limits.maxQueued) {
        this.line.push({ invocation, resolve })
        return
      }
      const running = [...this.instances].filter((instance) => instance.state === 'busy').length
      const waiting = this.line.length
      resolve({
        ok: false,
        reason: 'busy',
        message:
          `function "${invocation.name}" was not run: ${running} ${running === 1 ? 'function is' : 'functions are'} running (maxFunctionWorkers: ${this.limits.maxWorkers}) ` +
          `and ${waiting} ${waiting === 1 ? 'call is' : 'calls are'} waiting for one (maxQueuedFunctionCalls: ${this.limits.maxQueued}); try again when one ends`,
      })
    })
  }

  /** Ends every instance, running or idle, and every waiting call (they answer as stopped). */
  async stop(): Promise<void> {
    this.stopping = true
    for (const waiter of this.line.splice(0)) waiter.resolve(stopped(waiter.invocation.name))
    await Promise.all([...this.instances].map((instance) => instance.worker.terminate()))
  }

  /** An instance for `invocation` now: a warm one of its version, else a new one if there is room (made by ending an idle one if need be). */
  private take(invocation: Invocation): Instance | Outcome | undefined {
    let other: Instance | undefined
    for (const instance of this.instances) {
      if (instance.state !== 'idle') continue
      if (instance.version === invocation.version) return instance
      other = other || instance
    }
    if (this.instances.size < this.limits.maxWorkers) return this.spawn(invocation)
    // The idle instance of another function ends; its room is free once its worker is gone (pump runs then).
    if (other) this.end(other)
    return undefined
  }

  /** Gives waiting calls, first come first served, the instances free now. */
  private pump(): void {
    while (this.line.length > 0 && !this.stopping) {
      const instance = this.take(this.line[0]!.invocation)
      if (!instance) return
      if ('worker' in instance) this.execute(instance, this.line.shift()!)
      else this.line.shift()!.resolve(instance)
    }
  }

  /** A new idle instance for `invocation`'s version, or the failure to answer with when no worker could start. */
  private spawn(invocation: Invocation): Instance | Outcome {
    let worker: Worker
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file: invocation.file, maxResultBytes: MAX_RESULT_BYTES },
        env: invocation.env,
        // Not the emulator's loader flags (tsx, test runners): a function is plain JavaScript.
        execArgv: [],
        stdout: true,
        stderr: true,
        resourceLimits: RESOURCE_LIMITS,
      })
    } catch (error) {
      return { ok: false, reason: 'crashed', message: `the emulator could not start an instance of function "${invocation.name}": ${error instanceof Error ? error.message : String(error)}` }
    }
    const instance: Instance = { id: ++this.ids, version: invocation.version, worker, state: 'idle', runs: 0, output: invocation.output }
    this.instances.add(instance)
    const name = invocation.name
    const output: Invocation['output'] = (line, stream, record) => (instance.run ? instance.run.invocation.output : instance.output)(line, stream, record)
    forwardLines(worker.stdout, (line) => output(line, 'stdout'))
    forwardLines(worker.stderr, (line) => output(line, 'stderr'))
    worker.on('message', (message: WorkerMessage) => {
      if (!message || typeof message !== 'object') return
      if (message.kind === 'output') {
        const stream = message.stream === 'stderr' ? 'stderr' : 'stdout'
        if (message.fields && typeof message.fields === 'object') output(String(message.text), stream, { fields: message.fields, level: String(message.level) })
        else for (const line of String(message.text).split('\n')) output(line, stream)
      } else if (message.kind === 'answer' && instance.run) {
        // A module that could not load is not kept: the next call loads it afresh. Nor is an instance that holds
        // more than a function's memory once it has answered: Buffers and ArrayBuffers are outside its heap's
        // limit, and a warm instance must not keep them from one call to the next.
        const held = typeof message.memory === 'number' ? message.memory : 0
        const tooMuch = held > FUNCTION_MEMORY_MB * 1024 * 1024
        if (tooMuch) output(`this instance of function "${name}" holds ${Math.round(held / 1024 / 1024)} MB after its run, over its ${FUNCTION_MEMORY_MB} MB (Buffers included): it is ended, the next call starts a new one`, 'stderr')
        instance.run.settle(outcomeOf(name, message), tooMuch || (!message.ok && message.loaded === false))
      }
    })
    worker.on('error', (error: Error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
      const outcome: Outcome = outOfMemory
        ? { ok: false, reason: 'out-of-memory', message: `function "${name}" ran out of memory (${FUNCTION_MEMORY_MB} MB)`, memory: FUNCTION_MEMORY_MB * 1024 * 1024 }
        : Object.assign({ ok: false as const, reason: 'crashed' as const, message: error.message }, error.stack ? { stack: error.stack } : {})
      if (instance.run) instance.run.settle(outcome, true)
      else {
        // A timer the function left behind failed between invocations: the instance is gone, the next call starts another.
        instance.output(`an idle instance of function "${name}" failed and was ended: ${error.stack || error.message}`, 'stderr')
        this.end(instance)
      }
    })
    worker.on('exit', (code) => {
      const run = instance.run
      instance.state = 'ending'
      if (run) {
        const why = this.stopping ? 'was stopped with the emulator' : `exited (process.exit(${code}))`
        run.settle({ ok: false, reason: 'exited', message: `function "${name}" ${why} before it returned` }, true)
      }
      clearTimeout(instance.idle)
      this.instances.delete(instance)
      this.pump()
    })
    return instance
  }

  /** Runs the waiter's invocation in `instance`; the instance is idle again after, or ended if it failed. */
  private execute(instance: Instance, { invocation, resolve }: Waiter): void {
    const { name, timeoutMs } = invocation
    clearTimeout(instance.idle)
    instance.state = 'busy'
    instance.worker.ref()
    const cold = instance.runs === 0
    instance.runs++
    let settled = false
    const settle = (outcome: Outcome, discard: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      instance.run = undefined
      instance.output = invocation.output
      resolve(outcome)
      if (discard || this.stopping || this.newest.get(name) !== instance.version) this.end(instance)
      else this.rest(instance)
      this.pump()
    }
    instance.run = { invocation, settle }
    invocation.onStart({ cold, instance: instance.id })
    const timer = setTimeout(() => {
      const seconds = timeoutMs / 1000
      settle({ ok: false, reason: 'timeout', message: `Invoking task timed out after ${seconds} seconds: function "${name}" did not return within ${timeoutMs} ms` }, true)
    }, timeoutMs)
    try {
      instance.worker.postMessage({ kind: 'invoke', event: invocation.event, context: invocation.context, env: invocation.identity })
    } catch (error) {
      settle({ ok: false, reason: 'crashed', message: `the emulator could not hand the call to function "${name}": ${error instanceof Error ? error.message : String(error)}` }, true)
    }
  }

  /** An instance between invocations: it ends after `idleMs`, and does not keep the emulator's process alive meanwhile. */
  private rest(instance: Instance): void {
    if (instance.state !== 'busy') return
    instance.state = 'idle'
    instance.worker.unref()
    instance.idle = setTimeout(() => this.end(instance), this.idleMs)
    instance.idle.unref()
  }

  /** Ends an instance; its room is free when its worker has exited. */
  private end(instance: Instance): void {
    if (instance.state === 'ending') return
    instance.state = 'ending'
    clearTimeout(instance.idle)
    instance.worker.terminate().catch((error: unknown) => instance.output(`the emulator could not end an instance of this function: ${String(error)}`, 'stderr'))
  }
}

const nameOf = (version: string) => version.slice(0, version.indexOf('\0'))

const stopped = (name: string): Outcome => ({ ok: false, reason: 'exited', message: `function "${name}" was stopped with the emulator before it returned` })

/** The outcome a worker's answer gives; its JSON is checked for size before it becomes a string. */
function outcomeOf(name: string, message: Extract<WorkerMessage, { kind: 'answer' }>): Outcome {
  const memory = typeof message.memory === 'number' ? message.memory : 0
  if (message.ok && ArrayBuffer.isView(message.json) && message.json.byteLength <= MAX_RESULT_BYTES) {
    const { buffer, byteOffset, byteLength } = message.json
    return { ok: true, json: Buffer.from(buffer, byteOffset, byteLength).toString('utf8'), memory }
  }
  if (message.ok || message.tooLarge) {
    return {
      ok: false,
      reason: 'too-large',
      memory,
      message: `function "${name}" failed: the result is too large to return, its JSON is over ${MAX_RESULT_BYTES / 1024 / 1024} MB (${MAX_RESULT_BYTES} bytes), the most CloudBase returns from a call (body size is too long)`,
    }
  }
  return Object.assign({ ok: false as const, reason: 'threw' as const, message: message.message || 'the function failed', memory }, message.stack ? { stack: message.stack } : {})
}

function forwardLines(stream: NodeJS.ReadableStream, line: (text: string) => void): void {
  let pending = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n')
    pending = parts.pop()!
    for (const part of parts) line(part)
  })
  stream.on('end', () => {
    if (pending) line(pending)
  })
}
