/**
 * Function logs and metrics (docs/logs.md) in a real emulator with functions: the admin-only actions
 * `functions.getLogs` and `functions.getStats`, signed as the server SDKs sign them, and refused to a
 * client; and the command line (run from source) `mpcloud logs [--errors] [--follow]` and `mpcloud stats`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { percentile } from '../../emulator/logs/service'
import type { InvocationRecord } from '../../emulator/pipeline/events'
import { adminCall } from '../helpers/admin'
import { runCli, startCli, until } from '../helpers/cli'
import { writeFunction } from '../helpers/functions'
import { webCaller } from '../helpers/web'

let root: string
let emulator: RunningEmulator
let connect: string[]
const invoke = (name: string, data: Record<string, unknown> = {}) => adminCall(emulator, 'functions.invokeFunction', { function_name: name, request_data: JSON.stringify(data) })
const getLogs = async (params: Record<string, unknown> = {}) => {
  const answer = await adminCall(emulator, 'functions.getLogs', params)
  expect(answer.code).toBeUndefined()
  return (answer.data as { logs: InvocationRecord[]; cursor: number })
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mpcloud-logs-'))
  const functions = join(root, 'cloudfunctions')
  writeFunction(functions, 'hello', `exports.main = async (event) => { console.log('hello', event.who); console.log('second line'); return { hi: event.who } }`)
  writeFunction(functions, 'broken', `exports.main = async () => { throw new Error('the report is empty') }`)
  writeFunction(functions, 'sleepy', `exports.main = (event) => new Promise((resolve) => setTimeout(() => resolve({ slept: event.ms }), event.ms))`)
  emulator = await startEmulator({ port: 0, env: 'logs-env', dataDir: join(root, 'data'), functions, timers: false })
  connect = ['--url', emulator.url, '--env', 'logs-env', '--data', join(root, 'data')]
}, 30_000)
afterAll(async () => {
  await emulator.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('functions.getLogs', () => {
  it("gives each run with CloudBase's log fields, newest last, filtered by function and errors", async () => {
    expect((await invoke('hello', { who: 'ann' })).code).toBeUndefined()
    expect((await invoke('broken')).code).toBe('FUNCTIONS_EXECUTE_FAIL')
    expect((await invoke('hello', { who: 'bob' })).code).toBeUndefined()
    const { logs, cursor } = await getLogs()
    expect(logs.map((record) => record.FunctionName)).toEqual(['hello', 'broken', 'hello'])
    expect(cursor).toBe(3)
    const [first, failed, last] = logs as [InvocationRecord, InvocationRecord, InvocationRecord]
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['RequestId', 'FunctionName', 'RetCode', 'StartTime', 'Duration', 'BillDuration', 'MemUsage', 'RetMsg', 'Log', 'cold', 'instance']))
    expect(first).toMatchObject({ RetCode: 0, RetMsg: '{"hi":"ann"}', Log: 'hello ann\nsecond line', cold: true })
    expect(first.StartTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(last).toMatchObject({ RetMsg: '{"hi":"bob"}', cold: false })
    expect(failed.RetCode).not.toBe(0)
    expect(failed.RetMsg).toContain('the report is empty')
    expect((await getLogs({ function_name: 'hello' })).logs.map((record) => record.RetMsg)).toEqual(['{"hi":"ann"}', '{"hi":"bob"}'])
    expect((await getLogs({ errors_only: true })).logs.map((record) => record.FunctionName)).toEqual(['broken'])
    expect((await getLogs({ limit: 1 })).logs.map((record) => record.RetMsg)).toEqual(['{"hi":"bob"}'])
    // After a cursor: only later runs, the oldest first; a cut answer's cursor is its last run.
    expect((await getLogs({ since: 3 })).logs).toEqual([])
    const cut = await getLogs({ since: 0, limit: 2 })
    expect(cut.logs.map((record) => record.FunctionName)).toEqual(['hello', 'broken'])
    expect(cut.cursor).toBe(2)
    expect((await getLogs({ since: cut.cursor })).logs.map((record) => record.RetMsg)).toEqual(['{"hi":"bob"}'])
  }, 30_000)

  it('checks its parameters, and is for the administrator only', async () => {
    expect(await adminCall(emulator, 'functions.getLogs', { limit: 0 })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'functions.getLogs', { since: -1 })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'functions.getLogs', { errors_only: 'yes' })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'functions.getStats', { window_seconds: 'soon' })).toMatchObject({ code: 'INVALID_PARAM' })
    const call = await webCaller(emulator, 'o-user')
    expect(await call('functions.getLogs', {})).toMatchObject({ code: 'INVALID_ACTION' })
    expect(await call('functions.getStats', {})).toMatchObject({ code: 'INVALID_ACTION' })
    const wrongKey = { ...emulator, adminCredentials: { secretId: 'AKIDother', secretKey: 'x' } }
    expect(await adminCall(wrongKey, 'functions.getLogs', {})).toMatchObject({ code: 'SIGN_PARAM_INVALID' })
  }, 30_000)
})

describe('functions.getStats and mpcloud stats', () => {
  it('gives count, errors and p50/p95/max duration per function over the window', async () => {
    // Ten runs of known lengths: 9 short (20 ms), one long (400 ms).
    for (let i = 0; i < 9; i++) await invoke('sleepy', { ms: 20 })
    await invoke('sleepy', { ms: 400 })
    const answer = await adminCall(emulator, 'functions.getStats', {})
    const { window_seconds, functions } = answer.data as { window_seconds: number; functions: { function_name: string; count: number; errors: number; p50_ms: number; p95_ms: number; max_ms: number }[] }
    expect(window_seconds).toBe(300)
    const sleepy = functions.find((f) => f.function_name === 'sleepy')!
    expect(sleepy).toMatchObject({ count: 10, errors: 0 })
    expect(sleepy.p50_ms).toBeGreaterThanOrEqual(19)
    expect(sleepy.p50_ms).toBeLessThan(200)
    expect(sleepy.p95_ms).toBeGreaterThanOrEqual(399)
    expect(sleepy.max_ms).toBe(sleepy.p95_ms)
    expect(functions.find((f) => f.function_name === 'broken')).toMatchObject({ count: 1, errors: 1 })
    const only = (await adminCall(emulator, 'functions.getStats', { function_name: 'sleepy', window_seconds: 60 })).data as { functions: unknown[] }
    expect(only.functions).toEqual([sleepy])

    const table = await runCli('stats', ...connect)
    expect(table.stderr).toBe('')
    expect(table.status).toBe(0)
    expect(table.stdout).toMatch(/^function runs in the last 300 s\nFUNCTION +COUNT +ERRORS +P50 ms +P95 ms +MAX ms\n/)
    expect(table.stdout).toMatch(/^sleepy +10 +0 +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d$/m)
    expect(table.stdout).toMatch(/^broken +1 +1 /m)
    const one = await runCli('stats', 'nothing-ran', ...connect)
    expect(one.stdout).toBe('mpcloud: no function ran in the last 300 s (function "nothing-ran")\n')
  }, 60_000)

  it('takes the nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5)
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10)
    expect(percentile([7], 50)).toBe(7)
    expect(percentile([], 95)).toBe(0)
  })
})

describe('mpcloud logs', () => {
  it('prints one line per run, its Log lines and RetMsg indented; --errors only the failures', async () => {
    const all = await runCli('logs', 'hello', ...connect)
    expect(all.stderr).toBe('')
    expect(all.status).toBe(0)
    expect(all.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}hello {2}RetCode 0 {2}\d+\.\d\dms\/\d+ms {2}\d+\.\d{3}MB {2}cold {2}\S+\n {4}hello ann\n {4}second line\n {4}RetMsg: \{"hi":"ann"\}\n/)
    expect(all.stdout.match(/ hello {2}RetCode/g)).toHaveLength(2)
    const errors = await runCli('logs', '--errors', ...connect)
    expect(errors.status).toBe(0)
    expect(errors.stdout).toMatch(/^\S+ \S+ {2}broken {2}RetCode [1-9]\d* /)
    expect(errors.stdout).not.toMatch(/ hello | sleepy /)
    expect(errors.stdout).toContain('the report is empty')
  }, 30_000)

  it('--follow prints a later run exactly once, until interrupted', async () => {
    const follow = startCli('logs', 'hello', '--follow', '--limit', '1', ...connect)
    await until(() => follow.output().stdout.includes('{"hi":"bob"}'))
    await invoke('hello', { who: 'carol' })
    await invoke('broken')
    await until(() => follow.output().stdout.includes('{"hi":"carol"}'))
    // Two more polls: nothing printed twice.
    await new Promise((resolve) => setTimeout(resolve, 2500))
    follow.child.kill('SIGINT')
    expect(await follow.exited).toBe(0)
    const { stdout, stderr } = follow.output()
    expect(stderr).toBe('')
    expect(stdout.match(/RetMsg: /g)).toHaveLength(2)
    expect(stdout.match(/\{"hi":"carol"\}/g)).toHaveLength(1)
    expect(stdout).not.toContain('broken')
  }, 30_000)

  it('says what is wrong: the key, the env, the emulator, an option (exit 1 or 2)', async () => {
    const noKey = await runCli('logs', '--url', emulator.url)
    expect(noKey.status).toBe(2)
    expect(noKey.stderr).toMatch(/^mpcloud: mpcloud logs signs with the emulator's admin key: give --admin-key ID:KEY/)
    const badEnv = await runCli('stats', '--url', emulator.url, '--data', join(root, 'data'))
    expect(badEnv.status).toBe(1)
    expect(badEnv.stderr).toBe('mpcloud: INVALID_ENV: this emulator serves env "logs-env", not "demo-env" (--env names the env the emulator serves)\n')
    const badKey = await runCli('logs', '--url', emulator.url, '--env', 'logs-env', '--admin-key', 'AKIDother:secret')
    expect(badKey.status).toBe(1)
    expect(badKey.stderr).toMatch(/^mpcloud: SIGN_PARAM_INVALID: .*\(sign with this emulator's key/)
    const nobody = await runCli('logs', '--url', 'http://127.0.0.1:1', '--admin-key', 'A:B')
    expect(nobody.status).toBe(2)
    expect(nobody.stderr).toBe('mpcloud: no emulator answers at http://127.0.0.1:1: start one (npx mpcloud emulator) or point --url at it\n')
    const badLimit = await runCli('logs', '--limit', 'many', ...connect)
    expect(badLimit.status).toBe(2)
    expect(badLimit.stderr).toBe('mpcloud: --limit must be a whole number from 1 to 2000, got "many"\n')
    const extra = await runCli('stats', 'a', 'b', ...connect)
    expect(extra.status).toBe(2)
    const help = await runCli('--help')
    expect(help.stdout).toMatch(/^ {2}logs +prints the function runs/m)
    expect(help.stdout).toMatch(/^ {2}stats +prints per function/m)
    const own = await runCli('logs', '--help')
    expect(own.stdout).toContain('Usage: mpcloud logs [<function>] [options]')
  }, 60_000)
})
