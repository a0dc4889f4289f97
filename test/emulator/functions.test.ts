/**
 * Cloud functions in the emulator over real HTTP: `functions.invokeFunction` on `/web` (signed in) and
 * `/admin`, with the functions written into a temp folder here. Each call runs in an instance of its own
 * function (functions-instances.test.ts), so the bad ones (throw, hang, spin, process.exit, process.kill, a late
 * uncaught error) fail alone, with a clear error, and the emulator keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

/** Kept short so the hanging functions fail fast; the default (3 s) is checked on a second emulator. */
const TIMEOUT_MS = 1500

let dir: string
let emulator: RunningEmulator
let call: WebCall


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-'))
  writeFunction(dir, 
    'echo',
    `exports.main = async (event, context) => ({
      event,
      name: context.function_name,
      namespace: context.namespace,
      limit: context.time_limit_in_ms,
      env: process.env.TCB_ENV,
    })`,
  )
  writeFunction(dir, 'double', `module.exports = { main: (event) => event.n * 2 }`)
  writeFunction(dir, 'esm', `export async function main(event) { return { esm: true, sum: event.a + event.b } }`, { 'package.json': '{"type":"module"}' })
  writeFunction(dir, 'dates', `exports.main = () => ({ at: new Date(Date.UTC(2024, 0, 2)), nothing: undefined })`)
  writeFunction(dir, 'nothing', `exports.main = async () => {}`)
  writeFunction(dir, 'boom', `exports.main = async () => { throw new Error('boom: the disk is full') }`)
  writeFunction(dir, 'throws-string', `exports.main = () => { throw 'a plain string' }`)
  writeFunction(dir, 'hang', `exports.main = () => new Promise(() => {})`)
  writeFunction(dir, 'spin', `exports.main = () => { for (;;) {} }`)
  writeFunction(dir, 'exit', `exports.main = () => { process.exit(3) }`)
  writeFunction(dir, 'kill', `exports.main = () => { process.kill(0, 'SIGKILL'); process.kill(process.pid, 'SIGKILL'); return 'still here' }`)
  writeFunction(dir, 'kill-self', `exports.main = () => { process.kill(process.pid, 'SIGKILL'); return 'still here' }`)
  writeFunction(dir, 'late', `exports.main = () => { setTimeout(() => { throw new Error('late failure') }, 20); return new Promise(() => {}) }`)
  writeFunction(dir, 'bigint', `exports.main = () => ({ n: 10n })`)
  writeFunction(dir, 'no-main', `exports.handler = () => 1`)
  writeFunction(dir, 'syntax', `exports.main = () => {`)
  writeFunction(dir, 'logs', `exports.main = () => { console.log('hello from a function'); return 1 }`)
  writeFunction(dir, 
    'context',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    exports.main = async (event) => {
      cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
      const { OPENID, APPID, ENV, SOURCE } = cloud.getWXContext()
      return { OPENID, APPID, ENV, SOURCE, userInfo: event.userInfo || null }
    }`,
  )
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: TIMEOUT_MS, collections: ['notes'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

const invoke = (name: string, data?: unknown) => call('functions.invokeFunction', { function_name: name, request_data: data === undefined ? '' : JSON.stringify(data) })

const admin = (params: Record<string, unknown>) => adminCall(emulator, 'functions.invokeFunction', params)

/** The value the function returned: `response_data` is its JSON text (docs/protocol.md §8). */
function result(answer: Record<string, unknown>): unknown {
  expect(answer.code).toBeUndefined()
  const { response_data } = answer.data as { response_data: unknown }
  expect(typeof response_data).toBe('string')
  return JSON.parse(response_data as string)
}

/** Signs in as `openid` through the v1 actions (custom ticket) and returns an access token. */
async function tokenOf(openid: string): Promise<string> {
  const post = async (body: unknown) => (await (await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify(body) })).json()) as { data: Record<string, string> }
  const { data } = await post({ action: 'auth.signInWithTicket', ticket: emulator.createTicket(openid) })
  return (await post({ action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token: data.refresh_token })).data.access_token!
}

describe('functions.invokeFunction on /web', () => {
  it('runs main(event, context) and answers the JSON text of its value; event carries the caller', async () => {
    const value = result(await invoke('echo', { a: 1, nested: { b: [2, 3] } })) as Record<string, any>
    expect(value.event).toMatchObject({ a: 1, nested: { b: [2, 3] } })
    expect(value.event.userInfo).toEqual({ appId: expect.stringMatching(/^wx/), openId: expect.stringMatching(/^o[\w-]{27}$/) })
    expect(value).toMatchObject({ name: 'echo', namespace: emulator.env, limit: TIMEOUT_MS, env: emulator.env })
  })

  it('a caller cannot pass someone else’s userInfo', async () => {
    const value = result(await invoke('echo', { userInfo: { openId: 'o-someone-else' } })) as { event: { userInfo: { openId: string } } }
    expect(value.event.userInfo.openId).not.toBe('o-someone-else')
  })

  it('CommonJS module.exports, ESM (type: module), sync and async main', async () => {
    expect(result(await invoke('double', { n: 21 }))).toBe(42)
    expect(result(await invoke('esm', { a: 2, b: 40 }))).toEqual({ esm: true, sum: 42 })
  })

  it('no data is an empty event; the value goes through JSON (Dates as ISO text, undefined as null)', async () => {
    expect((result(await invoke('echo')) as { event: Record<string, unknown> }).event).toEqual({ userInfo: expect.any(Object) })
    expect(result(await invoke('dates'))).toEqual({ at: '2024-01-02T00:00:00.000Z' })
    expect(result(await invoke('nothing'))).toBeNull()
  })

  it('parse: true answers the value itself', async () => {
    const answer = await call('functions.invokeFunction', { function_name: 'double', request_data: '{"n":4}', parse: true })
    expect((answer.data as { response_data: unknown }).response_data).toBe(8)
  })

  it('getWXContext() inside the function is the caller (wx-server-sdk reads the env CloudBase sets)', async () => {
    const access_token = await tokenOf('o-fn-tester')
    const answer = await call('functions.invokeFunction', { function_name: 'context', request_data: '{}', access_token })
    expect(result(answer)).toEqual({
      OPENID: 'o-fn-tester',
      APPID: expect.stringMatching(/^wx/),
      ENV: emulator.env,
      SOURCE: 'wx_client',
      userInfo: { appId: expect.stringMatching(/^wx/), openId: 'o-fn-tester' },
    })
  })

  it('an edit to the function is live on the next call', async () => {
    writeFunction(dir, 'counter', `exports.main = () => 1`)
    expect(result(await invoke('counter'))).toBe(1)
    writeFunction(dir, 'counter', `exports.main = () => 2`)
    expect(result(await invoke('counter'))).toBe(2)
  })

  it('the function’s console output and its run are events of the emulator’s log, under the call’s principal', async () => {
    expect(result(await invoke('logs'))).toBe(1)
    const events = emulator.events.recent().filter((event) => event.action === 'logs')
    const output = events.find((event) => event.kind === 'output')
    expect(output).toMatchObject({ message: 'hello from a function', target: 'logs', dialect: 'web', principal: { kind: 'user' } })
    const run = events.find((event) => event.kind === 'invocation')
    expect(run).toMatchObject({ outcome: 'ok', requestId: output!.requestId })
    expect(run!.ms).toBeGreaterThan(0)
  })

  it('needs a signed-in caller', async () => {
    const answer = await call('functions.invokeFunction', { function_name: 'echo', access_token: undefined })
    expect(answer.code).toBe('CHECK_LOGIN_FAILED')
  })
})

describe('functions.invokeFunction on /admin (wx-server-sdk, node-sdk)', () => {
  it('runs the function for the administrator: no userInfo, no OPENID', async () => {
    const answer = await admin({ function_name: 'context', request_data: '{"x":1}' })
    expect(result(answer)).toEqual({ ENV: emulator.env, userInfo: null })
    expect(result(await admin({ function_name: 'double', request_data: '{"n":5}' }))).toBe(10)
  })

  it('errors are the same as on /web', async () => {
    expect(await admin({ function_name: 'boom', request_data: '' })).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom: the disk is full' })
    expect(await admin({ function_name: 'missing' })).toMatchObject({ code: 'FUNCTIONS_REQUEST_FAIL' })
  })
})

describe('a function that fails fails alone', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['boom', 'FUNCTIONS_EXECUTE_FAIL', /^boom: the disk is full$/],
    ['throws-string', 'FUNCTIONS_EXECUTE_FAIL', /^a plain string$/],
    ['hang', 'FUNCTIONS_EXECUTE_FAIL', new RegExp(`timed out after ${TIMEOUT_MS / 1000} seconds: function "hang" did not return within ${TIMEOUT_MS} ms`)],
    ['spin', 'FUNCTIONS_EXECUTE_FAIL', /timed out.*"spin"/],
    ['exit', 'FUNCTIONS_EXECUTE_FAIL', /function "exit" exited \(process\.exit\(3\)\) before it returned/],
    ['kill', 'FUNCTIONS_EXECUTE_FAIL', /process\.kill of the emulator is not available/],
    ['kill-self', 'FUNCTIONS_EXECUTE_FAIL', /process\.kill of the emulator is not available/],
    ['late', 'FUNCTIONS_EXECUTE_FAIL', /^late failure$/],
    ['bigint', 'FUNCTIONS_EXECUTE_FAIL', /return value cannot be sent as JSON/],
    ['no-main', 'FUNCTIONS_EXECUTE_FAIL', /no-main[/\\]index\.js does not export a function main/],
    ['syntax', 'FUNCTIONS_EXECUTE_FAIL', /Unexpected end of input/],
    ['not-there', 'FUNCTIONS_REQUEST_FAIL', /function "not-there" not found: there is no not-there\/index\.js in /],
    ['../echo', 'INVALID_PARAM', /is not a function name/],
    ['echo/index', 'INVALID_PARAM', /is not a function name/],
  ]
  for (const [name, code, message] of cases) {
    it(`${name}: ${code}`, async () => {
      const started = Date.now()
      const answer = await invoke(name, {})
      expect(answer).toMatchObject({ code, requestId: expect.any(String) })
      expect(answer.message).toMatch(message)
      if (code === 'FUNCTIONS_REQUEST_FAIL') expect(answer.message).toContain(dir)
      // Only the hanging ones wait for the timeout, and not much longer.
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000)
      expect(result(await invoke('double', { n: 1 }))).toBe(2)
    })
  }

  it('request_data that is not JSON is INVALID_PARAM', async () => {
    expect(await call('functions.invokeFunction', { function_name: 'echo', request_data: '{nope' })).toMatchObject({ code: 'INVALID_PARAM', message: 'request_data is not valid JSON' })
  })

  it('a hanging function blocks no other request', async () => {
    let hangDone = false
    const hanging = invoke('hang').then((answer) => {
      hangDone = true
      return answer
    })
    const started = Date.now()
    expect(result(await invoke('double', { n: 3 }))).toBe(6)
    expect(await call('database.countDocument', { collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
    expect(hangDone).toBe(false)
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS)
    expect(await hanging).toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
  })

  it('many failing calls at once, then the emulator still answers everything', async () => {
    const answers = await Promise.all(['boom', 'exit', 'spin', 'kill', 'late', 'double'].map((name) => invoke(name, { n: 7 })))
    expect(answers.map((a) => a.code || 'ok')).toEqual(['FUNCTIONS_EXECUTE_FAIL', 'FUNCTIONS_EXECUTE_FAIL', 'FUNCTIONS_EXECUTE_FAIL', 'FUNCTIONS_EXECUTE_FAIL', 'FUNCTIONS_EXECUTE_FAIL', 'ok'])
    expect(result(answers[5]!)).toBe(14)
    expect(await call('database.addDocument', { collectionName: 'notes', data: { ok: true } })).toMatchObject({ data: { _id: expect.any(String) } })
    expect(result(await invoke('echo', { after: true }))).toMatchObject({ event: { after: true } })
  })
})

describe('options', () => {
  it('the default timeout is CloudBase’s 3 s', async () => {
    const other = await startEmulator({ port: 0, functions: dir })
    try {
      const value = result(await (await webCaller(other))('functions.invokeFunction', { function_name: 'echo', request_data: '' })) as { limit: number }
      expect(value.limit).toBe(3000)
    } finally {
      await other.stop()
    }
  })

  it('without a functions folder every call names the option to set', async () => {
    const other = await startEmulator({ port: 0 })
    try {
      const answer = await (await webCaller(other))('functions.invokeFunction', { function_name: 'echo', request_data: '' })
      expect(answer).toMatchObject({ code: 'FUNCTIONS_REQUEST_FAIL', message: expect.stringContaining('--functions DIR') })
    } finally {
      await other.stop()
    }
  })

  it('a functions folder that does not exist fails the start', async () => {
    await expect(startEmulator({ port: 0, functions: join(dir, 'nope') })).rejects.toThrow(/functions folder .*nope does not exist/)
  })

  it('stop() ends a running invocation instead of waiting for it', async () => {
    const other = await startEmulator({ port: 0, functions: dir, functionTimeout: 60_000 })
    const pending = (await webCaller(other))('functions.invokeFunction', { function_name: 'hang', request_data: '' }).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const started = Date.now()
    await other.stop()
    expect(Date.now() - started).toBeLessThan(2000)
    await pending
  })
})
