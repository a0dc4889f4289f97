/**
 * Timer triggers (reference cloudbase-backend.md §3a) in a real emulator: a function's config.json trigger
 * fires at its cron's times with SCF's timer event, as the system (no function rule applies), SOURCE
 * `wx_trigger`; a failing run is logged and the timer keeps going; a config.json changed while running is
 * picked up; a wrong cron fails the start naming the file and trigger; `fireTrigger()` and the admin action
 * `functions.fireTrigger` run one now. The scheduling tests use a cron of every second, for a few seconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'
import { webCaller } from '../helpers/web'

const EVERY_SECOND = '*/1 * * * * * *'
/** Far enough away that it does not fire during a test. */
const NEVER_SOON = '0 0 0 1 1 * 2099'

const config = (name: string, cron: string) => JSON.stringify({ triggers: [{ name, type: 'timer', config: cron }] })
/** A function that prints the event it got and who it ran as, as one JSON line. */
const PRINTS_EVENT = `exports.main = async (event) => { console.log(JSON.stringify({ event, source: process.env.TCB_SOURCE || null, openid: process.env.WX_OPENID || null })); return 'discarded' }`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const dirs: string[] = []
function functionsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpcloud-timers-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const invocations = (events: EmulatorEvent[], name: string) => events.filter((event) => event.kind === 'invocation' && event.action === name)
const printed = (events: EmulatorEvent[], name: string) =>
  events.filter((event) => event.kind === 'output' && event.action === name).map((event) => JSON.parse(event.message!) as { event: Record<string, unknown>; source: string | null; openid: string | null })

describe('a timer trigger, scheduled', () => {
  let dir: string
  let emulator: RunningEmulator
  beforeAll(async () => {
    dir = functionsDir()
    writeFunction(dir, 'tick', PRINTS_EVENT, { 'config.json': config('everySecond', EVERY_SECOND) })
    writeFunction(dir, 'fails', `exports.main = () => { throw new Error('the disk is full') }`, { 'config.json': config('failing', EVERY_SECOND) })
    writeFunction(dir, 'quiet', PRINTS_EVENT)
    // No client may invoke anything: function rules never apply to a trigger.
    emulator = await startEmulator({ port: 0, functions: dir, rules: { functions: { '*': { invoke: false } } } })
  })
  afterAll(() => emulator.stop())

  it('fires at its times with the timer event, as the system, SOURCE wx_trigger; what it returns is discarded', async () => {
    // Two fires at least, each with a cold worker, on a busy machine.
    await sleep(3200)
    const events = emulator.events.recent()
    const runs = invocations(events, 'tick')
    expect(runs.length).toBeGreaterThanOrEqual(2)
    for (const run of runs) expect(run).toMatchObject({ dialect: 'timer', principal: { kind: 'system', reason: 'timer' }, outcome: 'ok' })
    const seen = printed(events, 'tick')
    expect(seen.length).toBe(runs.length)
    for (const { event, source, openid } of seen) {
      expect(event).toEqual({ Type: 'Timer', TriggerName: 'everySecond', Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), Message: '' })
      expect(source).toBe('wx_trigger')
      expect(openid).toBeNull()
    }
    // One run a second: each at its own second, within a second of now.
    const times = seen.map(({ event }) => Date.parse(event.Time as string))
    expect(new Set(times).size).toBe(times.length)
    for (const time of times) expect(Math.abs(time - Date.now())).toBeLessThan(5000)
    // A function without a trigger never runs.
    expect(invocations(events, 'quiet')).toEqual([])
    // The clients are refused all the while.
    const call = await webCaller(emulator)
    expect(await call('functions.invokeFunction', { function_name: 'tick', request_data: '{}' })).toMatchObject({ code: 'PERMISSION_DENIED' })
  })

  it('logs each failed run and keeps firing', async () => {
    const failed = invocations(emulator.events.recent(), 'fails')
    expect(failed.length).toBeGreaterThanOrEqual(2)
    for (const run of failed) expect(run).toMatchObject({ dialect: 'timer', outcome: 'error', code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringContaining('the disk is full') })
  })

  it('picks up a config.json changed while running: a new trigger fires, a changed one changes, a wrong one is reported and the timer in force stays', async () => {
    writeFunction(dir, 'added', PRINTS_EVENT, { 'config.json': config('addedLater', EVERY_SECOND) })
    writeFileSync(join(dir, 'quiet', 'config.json'), config('nowTicking', EVERY_SECOND))
    writeFileSync(join(dir, 'tick', 'config.json'), config('everySecond', NEVER_SOON))
    writeFileSync(join(dir, 'fails', 'config.json'), config('failing', '0 0 25 * * * *'))
    // One poll (1 s) to see the files and the last run under the old config to end, then more seconds of firing.
    await sleep(2000)
    const before = emulator.events.recent().length
    await sleep(1500)
    const later = emulator.events.recent().slice(before)
    // (The ring holds 2000 events: far more than these few seconds make.)
    expect(printed(later, 'added').map(({ event }) => event.TriggerName)).toContain('addedLater')
    expect(printed(later, 'quiet').map(({ event }) => event.TriggerName)).toContain('nowTicking')
    expect(invocations(later, 'tick')).toEqual([])
    expect(invocations(later, 'fails').length).toBeGreaterThanOrEqual(1)
    const notices = emulator.events.recent().filter((event) => event.kind === 'notice' && /trigger "failing"/.test(event.message || ''))
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toBe(`${join(dir, 'fails', 'config.json')}: trigger "failing": field 3 (hour) "25" is out of range 0–23; the timer "failing" in force stays`)
  })
})

describe('a wrong cron', () => {
  it('fails the start, naming the file, the trigger and the field', async () => {
    const dir = functionsDir()
    writeFunction(dir, 'nightly', PRINTS_EVENT, { 'config.json': config('cleanup', '0 0 2 * *') })
    await expect(startEmulator({ port: 0, functions: dir })).rejects.toThrow(
      `${join(dir, 'nightly', 'config.json')}: trigger "cleanup": this looks like a 5-field Unix cron: CloudBase's has 7 fields, seconds first and year last: "0 0 0 2 * * *"`,
    )
    // Without timers the start goes on; firing it says the same.
    const emulator = await startEmulator({ port: 0, functions: dir, timers: false })
    try {
      await expect(emulator.fireTrigger('nightly')).rejects.toThrow(`trigger "cleanup": this looks like a 5-field Unix cron`)
    } finally {
      await emulator.stop()
    }
  })
})

describe('firing a trigger now', () => {
  let emulator: RunningEmulator
  beforeAll(async () => {
    const dir = functionsDir()
    writeFunction(
      dir,
      'context',
      `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
      exports.main = async (event) => {
        cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
        const { OPENID, SOURCE } = cloud.getWXContext()
        return { event, OPENID: OPENID || null, SOURCE }
      }`,
      { 'config.json': config('everySecond', EVERY_SECOND) },
    )
    writeFunction(dir, 'plain', PRINTS_EVENT)
    writeFunction(dir, 'broken', `exports.main = () => { throw new Error('no such table') }`, { 'config.json': config('daily', '0 0 2 * * * *') })
    emulator = await startEmulator({ port: 0, functions: dir, timers: false })
  })
  afterAll(() => emulator.stop())

  it('runs it as its timer would, and with timers: false nothing fires on its own', async () => {
    const fired = await emulator.fireTrigger('context')
    expect(fired.event).toEqual({ Type: 'Timer', TriggerName: 'everySecond', Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), Message: '' })
    expect(Math.abs(Date.parse(fired.event.Time) - Date.now())).toBeLessThan(5000)
    expect(JSON.parse(fired.result)).toEqual({ event: fired.event, OPENID: null, SOURCE: 'wx_trigger' })
    expect(invocations(emulator.events.recent(), 'context')).toHaveLength(1)
    await sleep(1500)
    expect(invocations(emulator.events.recent(), 'context')).toHaveLength(1)
  })

  it('checks the trigger name, and says when there is no trigger or no function', async () => {
    expect((await emulator.fireTrigger('context', 'everySecond')).event.TriggerName).toBe('everySecond')
    await expect(emulator.fireTrigger('context', 'hourly')).rejects.toThrow('function "context" has no trigger "hourly"; its timer trigger is "everySecond"')
    await expect(emulator.fireTrigger('plain')).rejects.toThrow('function "plain" has no timer trigger')
    await expect(emulator.fireTrigger('missing')).rejects.toThrow('function "missing" not found')
    await expect(emulator.fireTrigger('broken')).rejects.toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
  })

  it('is the admin action functions.fireTrigger, for the administrator only', async () => {
    const answer = await adminCall(emulator, 'functions.fireTrigger', { function_name: 'context', trigger_name: 'everySecond' })
    expect(answer.code).toBeUndefined()
    const data = answer.data as { function_name: string; trigger_name: string; event: Record<string, unknown>; response_data: string }
    expect(data).toMatchObject({ function_name: 'context', trigger_name: 'everySecond', event: { Type: 'Timer', TriggerName: 'everySecond', Message: '' } })
    expect(JSON.parse(data.response_data)).toMatchObject({ SOURCE: 'wx_trigger' })
    expect(await adminCall(emulator, 'functions.fireTrigger', { function_name: 'context', trigger_name: 'hourly' })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'functions.fireTrigger', {})).toMatchObject({ code: 'INVALID_PARAM', message: 'function_name is required' })
    expect(await adminCall(emulator, 'functions.fireTrigger', { function_name: 'broken' })).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
    const call = await webCaller(emulator)
    expect(await call('functions.fireTrigger', { function_name: 'context' })).toMatchObject({ code: 'INVALID_ACTION' })
  })
})
