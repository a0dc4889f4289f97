/**
 * Runaway functions cannot take the emulator's memory: at most `maxFunctionWorkers` workers run at once, each
 * with a bounded heap; up to `maxQueuedFunctionCalls` more calls wait for a worker, and beyond that a call fails
 * at once with CloudBase's concurrency error. The database keeps answering throughout.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction } from '../helpers/functions'

/** Long enough that, on a loaded CI machine, every call below is in place before the first spinners end. */
const TIMEOUT_MS = 1500
const WORKERS = 2
const QUEUED = 4
/** What one worker may hold: its heap, young generation and code included (emulator/functions/runner.ts). */
const WORKER_MB = 256
const MB = 1024 * 1024

let dir: string
let emulator: RunningEmulator
let call: WebCall


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-concurrency-'))
  writeFunction(dir, 'spin', `exports.main = () => { for (;;) {} }`)
  writeFunction(dir, 'grow', `exports.main = () => { const chunks = []; for (;;) chunks.push(new Array(1e6).fill(1.5)) }`)
  writeFunction(dir, 'double', `exports.main = (event) => event.n * 2`)
  emulator = await startEmulator({
    port: 0,
    functions: dir,
    functionTimeout: TIMEOUT_MS,
    maxFunctionWorkers: WORKERS,
    maxQueuedFunctionCalls: QUEUED,
    collections: ['notes'],
  })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Calls `name`; resolves its answer and how long it took. */
async function timed(name: string): Promise<{ name: string; answer: Record<string, unknown>; ms: number }> {
  const started = Date.now()
  const answer = await call('functions.invokeFunction', { function_name: name, request_data: '{"n":1}' })
  return { name, answer, ms: Date.now() - started }
}

/** Counts the notes until `stop()`, every 20 ms; resolves the slowest answer's time and how many there were. */
function probeDatabase(): { stop: () => Promise<{ slowest: number; count: number }> } {
  let running = true
  const latencies: number[] = []
  const loop = (async () => {
    while (running) {
      const started = Date.now()
      expect(await call('database.countDocument', { collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
      latencies.push(Date.now() - started)
      await sleep(20)
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return { slowest: Math.max(...latencies), count: latencies.length }
    },
  }
}

describe('concurrent function workers', () => {
  it('beyond the cap calls wait, beyond the line they fail with EXCEED_CONCURRENT_REQUEST_LIMIT; memory stays bounded', async () => {
    expect(await timed('double')).toMatchObject({ answer: { data: { response_data: '2' } } })
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
    const probe = probeDatabase()

    // Two spinners take both workers for TIMEOUT_MS; four calls then wait, and three more are refused at once.
    const running = ['spin', 'spin'].map(timed)
    await sleep(400)
    const waiting = ['grow', 'grow', 'spin', 'grow'].map(timed)
    await sleep(300)
    const refused = await Promise.all(['grow', 'spin', 'grow'].map(timed))
    for (const run of refused) {
      expect(run.answer.code).toBe('EXCEED_CONCURRENT_REQUEST_LIMIT')
      expect(run.answer.message).toMatch(new RegExp(`^function "${run.name}" was not run: ${WORKERS} functions are running .*and ${QUEUED} calls are waiting`))
      expect(run.ms).toBeLessThan(500)
    }
    const ran = await Promise.all([...running, ...waiting])
    clearInterval(sampler)
    const { slowest, count } = await probe.stop()

    for (const run of ran) {
      expect(run.answer.code).toBe('FUNCTIONS_EXECUTE_FAIL')
      // Each grow filled its own heap (or, on a slow machine, ran out of time first), after the spinners had their time.
      expect(run.answer.message).toMatch(run.name === 'spin' ? `did not return within ${TIMEOUT_MS} ms` : new RegExp(`function "grow" (ran out of memory \\(${WORKER_MB} MB\\)|did not return within ${TIMEOUT_MS} ms)`))
      // Called 400 ms into the spinners' time, a grow waited out the rest of it before it could fill its heap.
      if (run.name === 'grow') expect(run.ms).toBeGreaterThan(TIMEOUT_MS - 400)
    }
    // The waiting spinner started when a worker freed up and then had its own full time: its timeout counts
    // from its start, not from the call.
    expect(ran[4]!.ms).toBeGreaterThan(TIMEOUT_MS * 1.5)

    const growthMb = (peak - baseline) / MB
    expect(growthMb).toBeLessThan(WORKERS * WORKER_MB + 192)
    expect(slowest).toBeLessThan(500)
    expect(count).toBeGreaterThan(20)
    expect(await timed('double')).toMatchObject({ answer: { data: { response_data: '2' } } })
    // Three function timeouts back to back (about 4.5 s) are the test's own length: vitest's 5 s default leaves
    // a loaded machine no room. The timings that matter are asserted above.
  }, 20_000)
})

describe('options', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['maxFunctionWorkers: 0', { maxFunctionWorkers: 0 }, /maxFunctionWorkers must be a positive integer, got 0/],
    ['maxFunctionWorkers: 1.5', { maxFunctionWorkers: 1.5 }, /maxFunctionWorkers must be a positive integer, got 1\.5/],
    ['maxFunctionWorkers: NaN', { maxFunctionWorkers: Number.NaN }, /maxFunctionWorkers must be a positive integer, got NaN/],
    ['maxQueuedFunctionCalls: -1', { maxQueuedFunctionCalls: -1 }, /maxQueuedFunctionCalls must be a whole number, got -1/],
  ]
  for (const [label, options, message] of bad) {
    it(`${label} fails the start`, async () => {
      await expect(startEmulator({ port: 0, functions: dir, ...options })).rejects.toThrow(message)
    })
  }

  it('maxQueuedFunctionCalls: 0 refuses every call beyond the running ones', async () => {
    const other = await startEmulator({ port: 0, functions: dir, functionTimeout: TIMEOUT_MS, maxFunctionWorkers: 1, maxQueuedFunctionCalls: 0 })
    try {
      const caller = await webCaller(other)
      const answers = await Promise.all(['spin', 'spin'].map((name) => caller('functions.invokeFunction', { function_name: name, request_data: '' })))
      expect(answers.map((answer) => answer.code).sort()).toEqual(['EXCEED_CONCURRENT_REQUEST_LIMIT', 'FUNCTIONS_EXECUTE_FAIL'])
    } finally {
      await other.stop()
    }
  })

  it('stop() ends the running and the waiting calls instead of waiting for them', async () => {
    const other = await startEmulator({ port: 0, functions: dir, functionTimeout: 60_000, maxFunctionWorkers: 1 })
    const caller = await webCaller(other)
    const pending = ['spin', 'spin'].map((name) => caller('functions.invokeFunction', { function_name: name, request_data: '' }).catch((error: unknown) => error))
    await sleep(300)
    const started = Date.now()
    await other.stop()
    expect(Date.now() - started).toBeLessThan(2000)
    await Promise.all(pending)
  })
})
