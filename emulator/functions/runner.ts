/**
 * Runs one cloud function invocation in its own `worker_threads` Worker, so that whatever the function
 * does (throw, never return, loop forever, `process.exit`, exhaust its heap) ends that worker and not the
 * emulator. Each invocation loads the function afresh: an edit is live on the next call, as after a
 * redeploy. This isolates failures; it is not a security sandbox (a function runs with Node's full powers).
 */
import { Worker } from 'node:worker_threads'

/**
 * The worker's script (CommonJS, run with `eval`): so no separate file has to ship beside the bundle.
 * It loads `index.js` with `import()`, which takes CommonJS and ESM alike, calls `main(event, context)`
 * and posts back the JSON text of its value.
 */
const WORKER_SOURCE = `'use strict'
const { workerData, parentPort } = require('node:worker_threads')
const { pathToFileURL } = require('node:url')
// A function cannot take the emulator's process down with it.
const refuse = (what) => () => { throw new Error(what + ' is not available to a cloud function in the emulator') }
const kill = process.kill.bind(process)
// Its own pid, its parent's, or a process group (0, negative) would take the emulator down too.
process.kill = (pid, signal) => (Number(pid) <= 0 || Number(pid) === process.pid || Number(pid) === process.ppid ? refuse('process.kill of the emulator')() : kill(pid, signal))
process.abort = refuse('process.abort')
const describe = (error) => {
  if (error instanceof Error || (error && typeof error === 'object' && typeof error.message === 'string')) {
    return { message: String(error.message), stack: error.stack ? String(error.stack) : undefined }
  }
  if (typeof error === 'string') return { message: error }
  try { return { message: JSON.stringify(error) } } catch (_) { return { message: String(error) } }
}
// A main that never settles waits for the timeout, as on CloudBase, instead of ending with an empty event loop.
const keepAlive = setInterval(() => {}, 1 << 30)
const answer = (message) => {
  clearInterval(keepAlive)
  parentPort.postMessage(message)
}
import(pathToFileURL(workerData.file).href)
  .then((mod) => {
    const main = typeof mod.main === 'function' ? mod.main : mod.default && typeof mod.default.main === 'function' ? mod.default.main : undefined
    if (!main) throw new Error(workerData.file + ' does not export a function main(event, context)')
    return main(workerData.event, workerData.context)
  })
  .then((value) => {
    let json
    try {
      json = JSON.stringify(value)
    } catch (error) {
      throw new Error('the return value cannot be sent as JSON: ' + describe(error).message)
    }
    answer({ ok: true, json: json === undefined ? 'null' : json })
  }, (error) => answer(Object.assign({ ok: false }, describe(error))))
  .catch((error) => answer(Object.assign({ ok: false }, describe(error))))
`

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
  /** Receives the function's console output, line by line (and the emulator's word on its worker, as stderr). */
  output: (line: string, stream: 'stdout' | 'stderr') => void
}

export type Outcome =
  | { ok: true; json: string }
  | { ok: false; reason: 'threw' | 'timeout' | 'exited' | 'crashed'; message: string; stack?: string }

/** Every worker still running, so that stopping the emulator can end them. */
export class Runner {
  private readonly workers = new Set<Worker>()
  private stopping = false

  run(invocation: Invocation): Promise<Outcome> {
    const { name, timeoutMs } = invocation
    return new Promise((resolve) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { file: invocation.file, event: invocation.event, context: invocation.context },
        env: invocation.env,
        // Not the emulator's loader flags (tsx, test runners): a function is plain JavaScript.
        execArgv: [],
        stdout: true,
        stderr: true,
        // CloudBase's default memory is 256 MB: a runaway function fails alone.
        resourceLimits: { maxOldGenerationSizeMb: 256 },
      })
      this.workers.add(worker)
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
      worker.on('message', (message: { ok: boolean; json?: string; message?: string; stack?: string }) => {
        if (message.ok) settle({ ok: true, json: message.json! })
        else settle(Object.assign({ ok: false as const, reason: 'threw' as const, message: message.message || 'the function failed' }, message.stack ? { stack: message.stack } : {}))
      })
      worker.on('error', (error: Error) => {
        const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
        settle(
          Object.assign(
            { ok: false as const, reason: 'crashed' as const, message: outOfMemory ? `function "${name}" ran out of memory (256 MB)` : error.message },
            error.stack ? { stack: error.stack } : {},
          ),
        )
      })
      worker.on('exit', (code) => {
        this.workers.delete(worker)
        const why = this.stopping ? 'was stopped with the emulator' : `exited (process.exit(${code}))`
        settle({ ok: false, reason: 'exited', message: `function "${name}" ${why} before it returned` })
      })
    })
  }

  /** Ends every running invocation (they answer as exited). */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.all([...this.workers].map((worker) => worker.terminate()))
  }
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
