/**
 * Runs one cloud function invocation in its own `worker_threads` Worker, so that whatever the function
 * does (throw, never return, loop forever, `process.exit`, exhaust its heap) ends that worker and not the
 * emulator. Each invocation loads the function afresh: an edit is live on the next call, as after a
 * redeploy. At most `maxWorkers` workers live at once, each with bounded memory; up to `maxQueued` more calls
 * wait for one, and beyond that a call is refused. This isolates failures; it is not a security sandbox (a
 * function runs with Node's full powers).
 */
import { Worker } from 'node:worker_threads'
import { Slots } from './slots'
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

export interface Invocation {
  /** The function's name (for messages and log lines). */
  name: string
  /** Absolute path of its `index.js`. */
  file: string
  event: unknown
  context: Record<string, unknown>
  /** The worker's `process.env`. */
  env: Record<string, string>
  timeoutMs: number
  /** Called when its worker starts, after any wait for one: the run's duration counts from here. */
  onStart: () => void
  /** Receives the function's console output, line by line (and the emulator's word on its worker, as stderr). */
  output: (line: string, stream: 'stdout' | 'stderr') => void
}

export type Outcome =
  | { ok: true; json: string }
  | { ok: false; reason: 'threw' | 'timeout' | 'exited' | 'crashed' | 'too-large' | 'busy'; message: string; stack?: string }

export interface RunnerLimits {
  /** How many workers may live at once. */
  maxWorkers: number
  /** How many calls may wait for a worker. */
  maxQueued: number
}

/** What the worker posts (worker-source.ts); anything else on its port is the function's own and is ignored. */
type WorkerMessage =
  | { kind: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | { kind: 'answer'; ok: true; json: ArrayBufferView }
  | { kind: 'answer'; ok: false; tooLarge?: boolean; message?: string; stack?: string }

/** Every worker still running and every call waiting for one, so that stopping the emulator can end them. */
export class Runner {
  private readonly workers = new Set<Worker>()
  private readonly slots: Slots
  private stopping = false

  constructor(private readonly limits: RunnerLimits) {
    this.slots = new Slots(limits.maxWorkers, limits.maxQueued)
  }

  run(invocation: Invocation): Promise<Outcome> {
    return new Promise((resolve) => {
      const stopped = () => resolve({ ok: false, reason: 'exited', message: `function "${invocation.name}" was stopped with the emulator before it returned` })
      if (this.stopping) return stopped()
      // A waiting call's timeout counts from when its worker starts, not from when it was made: the timeout is
      // the function's own budget (it sees it as context.time_limit_in_ms), and the wait stands in for
      // CloudBase's capacity, which a laptop lacks; a function must not time out here that would not there.
      const entered = this.slots.enter((release) => this.start(invocation, release).then(resolve), stopped)
      if (entered) return
      const { running, waiting } = this.slots
      resolve({
        ok: false,
        reason: 'busy',
        message:
          `function "${invocation.name}" was not run: ${running} ${running === 1 ? 'function is' : 'functions are'} running (maxFunctionWorkers: ${this.limits.maxWorkers}) ` +
          `and ${waiting} ${waiting === 1 ? 'call is' : 'calls are'} waiting for one (maxQueuedFunctionCalls: ${this.limits.maxQueued}); try again when one ends`,
      })
    })
  }

  /** Ends every running invocation and every waiting call (they answer as stopped). */
  async stop(): Promise<void> {
    this.stopping = true
    this.slots.clear()
    await Promise.all([...this.workers].map((worker) => worker.terminate()))
  }

  /** Runs `invocation` in a new worker; `release` frees its slot once the worker is gone, not when it answers. */
  private start(invocation: Invocation, release: () => void): Promise<Outcome> {
    const { name, timeoutMs } = invocation
    return new Promise((resolve) => {
      let worker: Worker
      try {
        worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { file: invocation.file, event: invocation.event, context: invocation.context, maxResultBytes: MAX_RESULT_BYTES },
          env: invocation.env,
          // Not the emulator's loader flags (tsx, test runners): a function is plain JavaScript.
          execArgv: [],
          stdout: true,
          stderr: true,
          resourceLimits: RESOURCE_LIMITS,
        })
      } catch (error) {
        release()
        resolve({ ok: false, reason: 'crashed', message: `the emulator could not start a worker for function "${name}": ${error instanceof Error ? error.message : String(error)}` })
        return
      }
      this.workers.add(worker)
      invocation.onStart()
      let settled = false
      const settle = (outcome: Outcome) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(outcome)
        // Whatever the function left running (timers, sockets) ends with its answer, as CloudBase freezes the instance.
        worker.terminate().catch((error: unknown) => invocation.output(`the emulator could not end this function's worker: ${String(error)}`, 'stderr'))
      }
      const timer = setTimeout(() => {
        const seconds = timeoutMs / 1000
        settle({ ok: false, reason: 'timeout', message: `Invoking task timed out after ${seconds} seconds: function "${name}" did not return within ${timeoutMs} ms` })
      }, timeoutMs)
      forwardLines(worker.stdout, (line) => invocation.output(line, 'stdout'))
      forwardLines(worker.stderr, (line) => invocation.output(line, 'stderr'))
      worker.on('message', (message: WorkerMessage) => {
        if (!message || typeof message !== 'object') return
        if (message.kind === 'output') {
          for (const line of String(message.text).split('\n')) invocation.output(line, message.stream === 'stderr' ? 'stderr' : 'stdout')
        } else if (message.kind === 'answer') {
          settle(outcomeOf(name, message))
        }
      })
      worker.on('error', (error: Error) => {
        const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
        settle(
          Object.assign(
            { ok: false as const, reason: 'crashed' as const, message: outOfMemory ? `function "${name}" ran out of memory (${FUNCTION_MEMORY_MB} MB)` : error.message },
            error.stack ? { stack: error.stack } : {},
          ),
        )
      })
      worker.on('exit', (code) => {
        this.workers.delete(worker)
        release()
        const why = this.stopping ? 'was stopped with the emulator' : `exited (process.exit(${code}))`
        settle({ ok: false, reason: 'exited', message: `function "${name}" ${why} before it returned` })
      })
    })
  }
}

/** The outcome a worker's answer gives; its JSON is checked for size before it becomes a string. */
function outcomeOf(name: string, message: Extract<WorkerMessage, { kind: 'answer' }>): Outcome {
  if (message.ok && ArrayBuffer.isView(message.json) && message.json.byteLength <= MAX_RESULT_BYTES) {
    const { buffer, byteOffset, byteLength } = message.json
    return { ok: true, json: Buffer.from(buffer, byteOffset, byteLength).toString('utf8') }
  }
  if (message.ok || message.tooLarge) {
    return {
      ok: false,
      reason: 'too-large',
      message: `function "${name}" failed: the result is too large to return, its JSON is over ${MAX_RESULT_BYTES / 1024 / 1024} MB (${MAX_RESULT_BYTES} bytes), the most CloudBase returns from a call (body size is too long)`,
    }
  }
  return Object.assign({ ok: false as const, reason: 'threw' as const, message: message.message || 'the function failed' }, message.stack ? { stack: message.stack } : {})
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
