/**
 * Function instances as CloudBase runs them, over real HTTP: a function's module is loaded once per instance
 * and kept while warm (a module-level cache hits on the next call; the log tells a cold start from a warm
 * one); one call per instance at a time, more instances under concurrency; the caller's identity is set per
 * invocation, so a warm instance reports the current caller (wx-server-sdk's getWXContext()); the timeout and
 * env variables come from the function's config.json; an edit starts a new instance; a function calling
 * another gives it the call chain and the caller's identity; a failed instance is never reused; an idle one ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatEvent, startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

const SDK = JSON.stringify(WX_SERVER_SDK)

let dir: string
let emulator: RunningEmulator
let alice: WebCall
let bob: WebCall

/** Keeps a count and an id in module scope: what a warm instance keeps between calls. */
const COUNTER = `let calls = 0
const instance = Math.random().toString(36).slice(2)
exports.main = async (event) => {
  calls++
  if (event.wait) await new Promise((resolve) => setTimeout(resolve, event.wait))
  if (event.crash === 'exit') process.exit(1)
  if (event.crash === 'throw-later') { setTimeout(() => { throw new Error('a late crash') }, 10); return new Promise(() => {}) }
  if (event.throw) throw new Error('asked to throw')
  console.log('call', calls)
  return { calls, instance }
}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-instances-'))
  writeFunction(dir, 'counter', COUNTER)
  writeFunction(dir, 'pair', COUNTER)
  writeFunction(dir, 'crashy', COUNTER)
  writeFunction(
    dir,
    'whoami',
    `const cloud = require(${SDK})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    let calls = 0
    exports.main = async () => {
      calls++
      const { OPENID, APPID, UNIONID, ENV, SOURCE, CLIENTIP } = cloud.getWXContext()
      return { calls, OPENID, APPID, UNIONID, ENV, SOURCE, CLIENTIP, raw: process.env.WX_OPENID || null }
    }`,
  )
  writeFunction(
    dir,
    'caller',
    `const cloud = require(${SDK})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = async () => {
      const { result } = await cloud.callFunction({ name: 'whoami', data: {} })
      return { mine: cloud.getWXContext(), callee: result }
    }`,
  )
  writeFunction(
    dir,
    'configured',
    `exports.main = async (event, context) => {
      if (event.wait) await new Promise((resolve) => setTimeout(resolve, event.wait))
      return { limit: context.time_limit_in_ms, greeting: process.env.GREETING || null }
    }`,
    { 'config.json': JSON.stringify({ timeout: 1, envVariables: { GREETING: 'hello from config.json' } }) },
  )
  writeFunction(dir, 'hoard', `let kept = null; exports.main = (event) => { if (event.big) kept = Buffer.alloc(300 * 1024 * 1024, 1); return { had: kept !== null } }`)
  writeFunction(dir, 'spin', `exports.main = () => { for (;;) {} }`, { 'config.json': '{"timeout": 1}' })
  writeFunction(dir, 'edited', `const lib = require('./lib'); let calls = 0; exports.main = () => ({ calls: ++calls, version: lib.version })`, { 'lib.js': `exports.version = 1` })
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, maxFunctionWorkers: 6 })
  alice = await webCaller(emulator, 'o-alice')
  bob = await webCaller(emulator, 'o-bob')
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function run(caller: WebCall, name: string, data: unknown = {}): Promise<Record<string, any>> {
  const answer = await caller('functions.invokeFunction', { function_name: name, request_data: JSON.stringify(data) })
  expect(answer.code, String(answer.message)).toBeUndefined()
  return JSON.parse((answer.data as { response_data: string }).response_data) as Record<string, any>
}

/** The `invocation` events of function `name` since `from` (an index into the ring's events). */
function invocations(name: string, from = 0): EmulatorEvent[] {
  return emulator.events.recent().slice(from).filter((event) => event.kind === 'invocation' && event.action === name)
}

describe('a warm instance', () => {
  it('keeps the module: a module-level count grows across calls; the log says cold, then warm', async () => {
    const first = await run(alice, 'counter')
    const second = await run(alice, 'counter')
    const third = await run(bob, 'counter')
    expect([first.calls, second.calls, third.calls]).toEqual([1, 2, 3])
    expect(new Set([first.instance, second.instance, third.instance]).size).toBe(1)
    const runs = invocations('counter').map((event) => event.invocation!)
    expect(runs.map((record) => record.cold)).toEqual([true, false, false])
    expect(new Set(runs.map((record) => record.instance)).size).toBe(1)
    // The CLI's line says so too.
    expect(invocations('counter').map((event) => / ok [\d.]+ms cold$/.test(formatEvent(event)))).toEqual([true, false, false])
  })

  it('two calls at once run in two instances, one call in each; both stay warm', async () => {
    const [a, b] = await Promise.all([run(alice, 'pair', { wait: 300 }), run(bob, 'pair', { wait: 300 })])
    expect(a.instance).not.toBe(b.instance)
    expect([a.calls, b.calls]).toEqual([1, 1])
    const runs = invocations('pair').map((event) => event.invocation!)
    expect(runs.map((record) => record.cold)).toEqual([true, true])
    // Both instances are warm now: two more calls at once reuse them.
    const [c, d] = await Promise.all([run(alice, 'pair', { wait: 100 }), run(bob, 'pair', { wait: 100 })])
    expect(new Set([c.instance, d.instance])).toEqual(new Set([a.instance, b.instance]))
    expect([c.calls, d.calls]).toEqual([2, 2])
  })
})

describe('identity per invocation', () => {
  it('a warm instance reports the current caller: two users alternately, then the administrator', async () => {
    const calls: Array<[WebCall, string]> = [
      [alice, 'o-alice'],
      [bob, 'o-bob'],
      [alice, 'o-alice'],
      [bob, 'o-bob'],
    ]
    for (const [index, [caller, openid]] of calls.entries()) {
      const value = await run(caller, 'whoami')
      expect(value).toEqual({ calls: index + 1, OPENID: openid, APPID: expect.stringMatching(/^wx/), ENV: emulator.env, SOURCE: 'wx_client', CLIENTIP: '127.0.0.1', raw: openid })
    }
    // The administrator's call in the same instance: no identity is left over from the users'.
    const answer = await adminCall(emulator, 'functions.invokeFunction', { function_name: 'whoami', request_data: '{}' })
    expect(JSON.parse((answer.data as { response_data: string }).response_data)).toEqual({ calls: 5, ENV: emulator.env, raw: null })
  })

  it('a function calling another (wx-server-sdk callFunction): the callee sees SOURCE wx_client,scf and the caller’s user', async () => {
    const value = await run(bob, 'caller')
    expect(value.mine).toMatchObject({ OPENID: 'o-bob', SOURCE: 'wx_client' })
    expect(value.callee).toMatchObject({ OPENID: 'o-bob', APPID: expect.stringMatching(/^wx/), SOURCE: 'wx_client,scf', CLIENTIP: '127.0.0.1' })
    expect(value.callee.UNIONID).toBeUndefined()
    const callee = invocations('whoami').at(-1)!
    expect(callee).toMatchObject({ dialect: 'admin', principal: { kind: 'user', openid: 'o-bob' }, invocation: { source: 'wx_client,scf' } })
  })

  it('called by the administrator, the function’s own call carries no user: SOURCE is scf', async () => {
    const answer = await adminCall(emulator, 'functions.invokeFunction', { function_name: 'caller', request_data: '{}' })
    const value = JSON.parse((answer.data as { response_data: string }).response_data) as Record<string, any>
    expect(value.callee).toEqual({ calls: expect.any(Number), ENV: emulator.env, SOURCE: 'scf', raw: null })
  })

  it('a made-up wxCloudApiToken on /admin is no one’s: the call runs for the administrator', async () => {
    const answer = await adminCall(emulator, 'functions.invokeFunction', { function_name: 'whoami', request_data: '{}', wxCloudApiToken: 'not-a-running-invocation' })
    expect(JSON.parse((answer.data as { response_data: string }).response_data)).toMatchObject({ ENV: emulator.env, raw: null })
  })
})

describe('config.json', () => {
  it('its timeout is the function’s (seconds), over the emulator’s default; its envVariables are in process.env', async () => {
    expect(await run(alice, 'configured')).toEqual({ limit: 1000, greeting: 'hello from config.json' })
    const started = Date.now()
    const answer = await alice('functions.invokeFunction', { function_name: 'configured', request_data: '{"wait":3000}' })
    expect(answer).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringContaining('timed out after 1 seconds') })
    expect(Date.now() - started).toBeLessThan(2500)
  })
})

describe('a changed file reloads the function', () => {
  it('an edit of a file beside index.js, then of config.json, each start a new instance', async () => {
    expect(await run(alice, 'edited')).toEqual({ calls: 1, version: 1 })
    expect(await run(alice, 'edited')).toEqual({ calls: 2, version: 1 })
    writeFileSync(join(dir, 'edited', 'lib.js'), 'exports.version = 2')
    expect(await run(alice, 'edited')).toEqual({ calls: 1, version: 2 })
    expect(await run(alice, 'edited')).toEqual({ calls: 2, version: 2 })
    writeFileSync(join(dir, 'edited', 'config.json'), '{"timeout": 5}')
    expect(await run(alice, 'edited')).toEqual({ calls: 1, version: 2 })
    expect(invocations('edited').map((event) => event.invocation!.cold)).toEqual([true, false, true, false, true])
  })
})

describe('a failed instance is replaced, never reused', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp, number]> = [
    ['process.exit', { crash: 'exit' }, /function "crashy" exited \(process\.exit\(1\)\) before it returned/, 439],
    ['an uncaught error from a timer', { crash: 'throw-later' }, /^a late crash$/, 439],
  ]
  for (const [label, data, message, retCode] of cases) {
    it(`${label}: the call fails, the next starts a new instance`, async () => {
      const warm = await run(alice, 'crashy')
      const from = emulator.events.recent().length
      const answer = await alice('functions.invokeFunction', { function_name: 'crashy', request_data: JSON.stringify(data) })
      expect(answer).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
      expect(answer.message).toMatch(message)
      const after = await run(alice, 'crashy')
      expect(after.instance).not.toBe(warm.instance)
      expect(after.calls).toBe(1)
      const [failed, next] = invocations('crashy', from).map((event) => event.invocation!)
      expect(failed).toMatchObject({ RetCode: retCode, cold: false })
      expect(next).toMatchObject({ RetCode: 0, cold: true })
    })
  }

  it('a function that throws keeps its instance (CloudBase’s runtime catches it)', async () => {
    const warm = await run(alice, 'crashy')
    const answer = await alice('functions.invokeFunction', { function_name: 'crashy', request_data: '{"throw":true}' })
    expect(answer).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: 'asked to throw' })
    const after = await run(alice, 'crashy')
    expect(after).toEqual({ calls: warm.calls + 2, instance: warm.instance })
  })

  it('an instance that keeps more than its 256 MB in Buffers (outside its heap limit) is not reused', async () => {
    expect(await run(alice, 'hoard')).toEqual({ had: false })
    expect(await run(alice, 'hoard', { big: true })).toEqual({ had: true })
    expect(await run(alice, 'hoard')).toEqual({ had: false })
    const runs = invocations('hoard').map((event) => event.invocation!)
    expect(runs.map((record) => record.cold)).toEqual([true, false, true])
    expect(runs[1]!.MemUsage).toBeGreaterThan(300 * 1024 * 1024)
    expect(runs[1]!.Log).toMatch(/holds 3\d\d MB after its run, over its 256 MB \(Buffers included\): it is ended/)
  })

  it('a runaway is ended at its timeout and the next call gets a fresh instance; others keep answering', async () => {
    const spinning = alice('functions.invokeFunction', { function_name: 'spin', request_data: '{}' })
    await sleep(100)
    expect((await run(bob, 'counter')).calls).toBeGreaterThan(0)
    expect(await spinning).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: expect.stringContaining('did not return within 1000 ms') })
    expect(await alice('functions.invokeFunction', { function_name: 'spin', request_data: '{}' })).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
    const runs = invocations('spin').map((event) => event.invocation!)
    expect(runs.map((record) => [record.cold, record.RetCode])).toEqual([
      [true, 433],
      [true, 433],
    ])
    expect(runs[0]!.instance).not.toBe(runs[1]!.instance)
  })
})

describe('the invocation record (CloudBase’s log fields)', () => {
  it('RequestId, FunctionName, RetCode, StartTime, Duration, BillDuration, MemUsage, RetMsg, Log', async () => {
    const from = emulator.events.recent().length
    const value = await run(alice, 'counter')
    const event = invocations('counter', from)[0]!
    expect(event.invocation).toEqual({
      RequestId: event.requestId,
      FunctionName: 'counter',
      RetCode: 0,
      StartTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      Duration: expect.any(Number),
      BillDuration: Math.max(1, Math.ceil(event.invocation!.Duration)),
      MemUsage: expect.any(Number),
      RetMsg: JSON.stringify(value),
      Log: `call ${value.calls}`,
      cold: false,
      instance: expect.any(Number),
      source: 'wx_client',
    })
    expect(event.invocation!.MemUsage).toBeGreaterThan(100_000)
    // StartTime is China time (UTC+8), as in CloudBase's console.
    const started = Date.parse(event.invocation!.StartTime.replace(' ', 'T') + '+08:00')
    expect(Math.abs(started - Date.parse(event.time))).toBeLessThan(5000)
  })

  it('a failure: RetCode 430 and the runtime’s error text', async () => {
    const from = emulator.events.recent().length
    await alice('functions.invokeFunction', { function_name: 'crashy', request_data: '{"throw":true}' })
    const record = invocations('crashy', from)[0]!.invocation!
    expect(record.RetCode).toBe(430)
    expect(JSON.parse(record.RetMsg)).toMatchObject({ errorCode: 1, errorMessage: 'user code exception caught', stackTrace: expect.stringContaining('asked to throw') })
  })
})

describe('the cap on instances (maxFunctionWorkers)', () => {
  it('beyond it a call waits for a warm instance; an idle instance of another function gives way', async () => {
    const other = await startEmulator({ port: 0, functions: dir, maxFunctionWorkers: 2 })
    try {
      const caller = await webCaller(other)
      const call = async (name: string, data: unknown) => {
        const started = Date.now()
        const answer = await caller('functions.invokeFunction', { function_name: name, request_data: JSON.stringify(data) })
        return { ...(JSON.parse((answer.data as { response_data: string }).response_data) as { calls: number; instance: string }), ms: Date.now() - started }
      }
      // Three at once with room for two: the third waits for one of the two and runs in it, warm.
      const runs = await Promise.all([call('pair', { wait: 400 }), call('pair', { wait: 400 }), call('pair', { wait: 400 })])
      expect(new Set(runs.map((run) => run.instance)).size).toBe(2)
      expect(runs.map((run) => run.calls).sort()).toEqual([1, 1, 2])
      expect(Math.max(...runs.map((run) => run.ms))).toBeGreaterThanOrEqual(800)
      // Both rooms hold idle instances of pair: counter takes the place of one of them.
      expect((await call('counter', {})).calls).toBe(1)
      const records = () => other.events.recent().filter((event) => event.kind === 'invocation').map((event) => [event.action, event.invocation!.cold, event.invocation!.instance])
      // Events come in the order the runs end: two cold pairs (instances 1 and 2), one warm, then counter's cold start in a third.
      const pairs = records().slice(0, 3)
      expect(pairs.filter(([, cold]) => cold).map(([, , instance]) => instance).sort()).toEqual([1, 2])
      expect(pairs.filter(([, cold]) => !cold)).toEqual([['pair', false, expect.any(Number)]])
      expect(records()[3]).toEqual(['counter', true, 3])
      // One pair instance is left warm (it ran one or two of the three).
      expect((await call('pair', {})).calls).toBeGreaterThan(1)
      expect(records().at(-1)).toEqual(['pair', false, expect.any(Number)])
    } finally {
      await other.stop()
    }
  })
})

describe('idle instances', () => {
  it('end after functionIdleTimeout: the next call is a cold start', async () => {
    const other = await startEmulator({ port: 0, functions: dir, functionIdleTimeout: 200 })
    try {
      const caller = await webCaller(other)
      const call = async () => JSON.parse(((await caller('functions.invokeFunction', { function_name: 'counter', request_data: '{}' })).data as { response_data: string }).response_data) as { calls: number }
      expect((await call()).calls).toBe(1)
      expect((await call()).calls).toBe(2)
      await sleep(600)
      expect((await call()).calls).toBe(1)
      const colds = other.events.recent().filter((event) => event.kind === 'invocation').map((event) => event.invocation!.cold)
      expect(colds).toEqual([true, false, true])
    } finally {
      await other.stop()
    }
  })

  it('a bad functionIdleTimeout fails the start', async () => {
    await expect(startEmulator({ port: 0, functions: dir, functionIdleTimeout: 0 })).rejects.toThrow(/idle time of a function instance must be a positive number/)
  })
})
