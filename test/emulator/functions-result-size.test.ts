/**
 * A function's result is refused over 6 MB of JSON (SCF's limit on a synchronous response; the CloudBase CLI's
 * runtime says `body size is too long`), measured in the worker before the value is serialized whole: a
 * 100-million-character string fails its call alone instead of taking the emulator's heap down.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction } from '../helpers/functions'

const LIMIT = 6 * 1024 * 1024

let dir: string
let emulator: RunningEmulator
let call: WebCall


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-size-'))
  writeFunction(dir, 'huge', `exports.main = () => 'x'.repeat(1e8)`)
  // The JSON text is exactly the limit: the two quotes plus LIMIT - 2 letters.
  writeFunction(dir, 'at-limit', `exports.main = () => 'x'.repeat(${LIMIT - 2})`)
  writeFunction(dir, 'over-by-one', `exports.main = () => 'x'.repeat(${LIMIT - 1})`)
  // Few characters, many bytes: escaping doubles a quote, and each CJK character is 3 bytes of UTF-8.
  writeFunction(dir, 'quotes', `exports.main = () => '"'.repeat(${LIMIT / 2})`)
  writeFunction(dir, 'wide', `exports.main = () => ({ text: '中'.repeat(${Math.ceil(LIMIT / 3)}) })`)
  writeFunction(dir, 'many', `exports.main = () => Array.from({ length: 1e6 }, (_, i) => ({ i, text: 'item' }))`)
  writeFunction(dir, 'buffer', `exports.main = () => Buffer.alloc(1e8)`)
  writeFunction(dir, 'sparse', `exports.main = () => new Array(1e9)`)
  // toJSON answers small to the measuring walk and huge to JSON.stringify: the worker still refuses the text.
  writeFunction(dir, 'two-faced', `let calls = 0; exports.main = () => ({ toJSON: () => (calls++ === 0 ? 'small' : 'x'.repeat(${LIMIT * 2})) })`)
  writeFunction(dir, 'circular', `exports.main = () => { const a = {}; a.self = a; return a }`)
  writeFunction(dir, 'double', `exports.main = (event) => event.n * 2`)
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, collections: ['notes'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

const invoke = (name: string, extra: Record<string, unknown> = {}) => call('functions.invokeFunction', { function_name: name, request_data: '{}', ...extra })

/** The emulator answers a database request, and a function, promptly after the refused call. */
async function stillServing(): Promise<void> {
  const started = Date.now()
  expect(await call('database.countDocument', { collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
  expect(Date.now() - started).toBeLessThan(500)
  const answer = await call('functions.invokeFunction', { function_name: 'double', request_data: '{"n":21}' })
  expect((answer.data as { response_data: string }).response_data).toBe('42')
}

describe('a result over 6 MB of JSON', () => {
  for (const name of ['huge', 'over-by-one', 'quotes', 'wide', 'many', 'buffer', 'sparse', 'two-faced']) {
    it(`${name}: FUNCTIONS_EXECUTE_FAIL naming the function and the limit`, async () => {
      const answer = await invoke(name)
      expect(answer).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
      expect(answer.message).toContain(`function "${name}"`)
      expect(answer.message).toMatch(/result is too large/)
      expect(answer.message).toContain(`6 MB (${LIMIT} bytes)`)
      await stillServing()
    })
  }

  it('with parse: true as well', async () => {
    expect(await invoke('huge', { parse: true })).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringMatching(/too large/) })
    await stillServing()
  })

  it('the run is logged as failed with the same reason', async () => {
    await invoke('huge')
    const run = emulator.events.recent().filter((event) => event.kind === 'invocation' && event.action === 'huge').pop()
    expect(run).toMatchObject({ outcome: 'error', code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringMatching(/too large/) })
  })
})

describe('up to the limit', () => {
  it('a result of exactly 6 MB of JSON is answered whole', async () => {
    const answer = await invoke('at-limit')
    expect(answer.code).toBeUndefined()
    const text = (answer.data as { response_data: string }).response_data
    expect(text.length).toBe(LIMIT)
    expect(JSON.parse(text)).toBe('x'.repeat(LIMIT - 2))
    await stillServing()
  })

  it('a value JSON cannot hold still says so (the measuring walk stops at a cycle)', async () => {
    expect(await invoke('circular')).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringMatching(/cannot be sent as JSON: .*circular/i) })
    await stillServing()
  })
})
