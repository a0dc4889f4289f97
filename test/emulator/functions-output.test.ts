/**
 * Everything a function prints with `console` before it returns is kept: each line is an `output` event of the
 * emulator's log, in order, recorded before the call is answered, even when the function prints a lot right
 * before it returns or prints from a later turn of its event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction } from '../helpers/functions'

let dir: string
let emulator: RunningEmulator
let call: WebCall


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-output-'))
  writeFunction(dir, 
    'chatty',
    `exports.main = () => {
      for (let i = 0; i < 1000; i++) console.log('line', i)
      console.info('two\\nlines')
      console.debug('debug %d', 7)
      console.warn('a warning')
      console.error(new Error('an error').message)
      return 'done'
    }`,
  )
  writeFunction(dir, 
    'later',
    `exports.main = () => new Promise((resolve) => setImmediate(() => {
      for (let i = 0; i < 100; i++) console.log('from setImmediate', i)
      console.warn({ a: 1 })
      Promise.resolve().then(() => { console.log('%s in a later promise', 'just'); resolve('late') })
    }))`,
  )
  writeFunction(dir, 
    'direct',
    `exports.main = async () => {
      process.stdout.write('written directly\\n')
      await new Promise((resolve) => setTimeout(resolve, 200))
      return 'ok'
    }`,
  )
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, collections: ['notes'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

/**
 * Calls `name` and returns, as they stood when the answer arrived, the lines of its one run (`[stream, text]`,
 * stream from the event's outcome) and whether every line came before the run's own event.
 */
async function run(name: string): Promise<{ value: unknown; lines: Array<[string, string]>; linesFirst: boolean }> {
  const seen: EmulatorEvent[] = []
  const unsubscribe = emulator.events.subscribe((event) => {
    if (event.action === name && (event.kind === 'output' || event.kind === 'invocation')) seen.push(event)
  })
  const answer = await call('functions.invokeFunction', { function_name: name, request_data: '{}' })
  unsubscribe()
  expect(answer.code).toBeUndefined()
  const value = JSON.parse((answer.data as { response_data: string }).response_data) as unknown
  const runs = seen.filter((event) => event.kind === 'invocation')
  expect(runs).toHaveLength(1)
  const output = seen.filter((event) => event.kind === 'output')
  expect(output.every((event) => event.requestId === runs[0]!.requestId)).toBe(true)
  const lines = output.map((event): [string, string] => [event.outcome === 'ok' ? 'stdout' : 'stderr', event.message!])
  return { value, lines, linesFirst: seen[seen.length - 1]!.kind === 'invocation' }
}

async function stillServing(): Promise<void> {
  const started = Date.now()
  expect(await call('database.countDocument', { collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
  expect(Date.now() - started).toBeLessThan(500)
}

describe('console output of a function', () => {
  it('1,000 lines printed just before it returns all arrive, in order, before the answer', async () => {
    const { value, lines, linesFirst } = await run('chatty')
    expect(value).toBe('done')
    expect(lines).toEqual([
      ...Array.from({ length: 1000 }, (_, i): [string, string] => ['stdout', `line ${i}`]),
      ['stdout', 'two'],
      ['stdout', 'lines'],
      ['stdout', 'debug 7'],
      ['stderr', 'a warning'],
      ['stderr', 'an error'],
    ])
    expect(linesFirst).toBe(true)
    await stillServing()
  })

  it('lines printed in a setImmediate and in a later promise arrive before that promise’s value', async () => {
    const { value, lines, linesFirst } = await run('later')
    expect(value).toBe('late')
    expect(lines).toEqual([
      ...Array.from({ length: 100 }, (_, i): [string, string] => ['stdout', `from setImmediate ${i}`]),
      ['stderr', '{ a: 1 }'],
      ['stdout', 'just in a later promise'],
    ])
    expect(linesFirst).toBe(true)
    await stillServing()
  })

  it('process.stdout.write still reaches the log through the worker’s stream (best effort: not ordered with the answer)', async () => {
    const answer = await call('functions.invokeFunction', { function_name: 'direct', request_data: '{}' })
    expect(answer.code).toBeUndefined()
    const written = () => emulator.events.recent().some((event) => event.kind === 'output' && event.action === 'direct' && event.message === 'written directly')
    for (let waited = 0; !written() && waited < 1000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(written()).toBe(true)
  })

  it('every call keeps all of its lines (ten runs in a row)', async () => {
    for (let i = 0; i < 10; i++) expect((await run('chatty')).lines).toHaveLength(1005)
  })
})
