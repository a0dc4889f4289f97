/**
 * `cloud.logger()` in a function (wx-server-sdk's, over node-sdk's Logger): each record reaches the log as
 * one event whose key/value pairs are fields, every value a string (CloudBase's searchable fields), with its
 * level; the record's text is a line of the run's Log. The SDK's warning that it runs locally without
 * advanced logging is not printed: the emulator is the runtime that takes the records.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'
import { webCaller } from '../helpers/web'

let dir: string
let emulator: RunningEmulator

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-logger-'))
  writeFunction(
    dir,
    'order',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = async (event) => {
      const log = cloud.logger()
      log.info({ orderId: 'o-1', amount: 3, items: ['a', 'b'] })
      log.error({ orderId: 'o-1', reason: 'card declined' })
      try { log.warn('not an object') } catch (error) { return { refused: error.message } }
      return { done: true }
    }`,
  )
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 20_000 })
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('cloud.logger()', () => {
  it('each record is one event with its fields and level, and a line of the run', async () => {
    const events: EmulatorEvent[] = []
    const unsubscribe = emulator.events.subscribe((event) => events.push(event))
    const call = await webCaller(emulator, 'o-buyer')
    const answer = await call('functions.invokeFunction', { function_name: 'order', request_data: '{}' })
    unsubscribe()
    // A record that is not an object is refused by the SDK, as on CloudBase.
    expect(JSON.parse((answer.data as { response_data: string }).response_data)).toEqual({ refused: expect.stringMatching(/log msg must be an object/) })
    const records = events.filter((event) => event.kind === 'output' && event.fields)
    expect(records.map(({ fields, level, outcome }) => ({ fields, level, outcome }))).toEqual([
      { fields: { orderId: 'o-1', amount: '3', items: '["a","b"]' }, level: 'info', outcome: 'ok' },
      { fields: { orderId: 'o-1', reason: 'card declined' }, level: 'error', outcome: 'error' },
    ])
    const lines = events.filter((event) => event.kind === 'output').map((event) => event.message)
    expect(lines).toContain(JSON.stringify({ orderId: 'o-1', amount: '3', items: '["a","b"]' }))
    expect(lines.join('\n')).not.toMatch(/无法上报cls日志/)
  })
})
