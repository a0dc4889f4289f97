/**
 * `mpcloud trigger <function> [<trigger>]` against a running emulator: the command line (run from source)
 * signs the admin action `functions.fireTrigger` with the key from `--admin-key` or the emulator's `--data`
 * dir, prints what the function returned, and says what to do when the key, the env, the function or the
 * emulator is wrong. Its signer is checked against the emulator's own verifier.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAdminSignature } from '../../emulator/auth/admin-signature'
import { signAdminRequest } from '../../emulator/cli/admin-client'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { writeFunction } from '../helpers/functions'

const CLI = new URL('../../emulator/cli.ts', import.meta.url).pathname

/** Runs the command line from source, without blocking this process (the emulator runs in it). */
function mpcloud(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('exit', (status) => resolve({ status, stdout, stderr }))
  })
}

let root: string
let emulator: RunningEmulator
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mpcloud-timer-cli-'))
  const functions = join(root, 'cloudfunctions')
  writeFunction(functions, 'dailyTasks', `exports.main = async (event) => ({ got: event.TriggerName, source: process.env.TCB_SOURCE })`, {
    'config.json': JSON.stringify({ triggers: [{ name: 'nightly', type: 'timer', config: '0 0 2 * * * *' }] }),
  })
  writeFunction(functions, 'broken', `exports.main = () => { throw new Error('the report is empty') }`, {
    'config.json': JSON.stringify({ triggers: [{ name: 'hourly', type: 'timer', config: '0 0 * * * * *' }] }),
  })
  emulator = await startEmulator({ port: 0, env: 'cli-env', dataDir: join(root, 'data'), functions, timers: false })
}, 30_000)
afterAll(async () => {
  await emulator.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('mpcloud trigger', () => {
  it('fires the trigger with the key from --data, and prints what the function returned', async () => {
    const result = await mpcloud('trigger', 'dailyTasks', '--url', emulator.url, '--env', 'cli-env', '--data', join(root, 'data'))
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^mpcloud: fired timer trigger "nightly" of function "dailyTasks" \(Time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); it returned \{"got":"nightly","source":"wx_trigger"\}\n$/)
    const run = emulator.events.recent().filter((event) => event.kind === 'invocation' && event.action === 'dailyTasks')
    expect(run).toHaveLength(1)
    expect(run[0]).toMatchObject({ dialect: 'timer', principal: { kind: 'system', reason: 'timer' }, outcome: 'ok' })
  }, 30_000)

  it('takes the key as --admin-key ID:KEY and checks the trigger name', async () => {
    const key = `${emulator.adminCredentials.secretId}:${emulator.adminCredentials.secretKey}`
    const ok = await mpcloud('trigger', 'dailyTasks', 'nightly', '--url', emulator.url, '--env', 'cli-env', '--admin-key', key)
    expect(ok.status).toBe(0)
    const wrong = await mpcloud('trigger', 'dailyTasks', 'hourly', '--url', emulator.url, '--env', 'cli-env', '--admin-key', key)
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toBe('mpcloud: INVALID_PARAM: function "dailyTasks" has no trigger "hourly"; its timer trigger is "nightly"\n')
  }, 30_000)

  it('fails (exit 1) when the run fails, or the key or env is not the emulator\'s', async () => {
    const data = ['--url', emulator.url, '--env', 'cli-env', '--data', join(root, 'data')]
    const failed = await mpcloud('trigger', 'broken', ...data)
    expect(failed.status).toBe(1)
    expect(failed.stderr).toMatch(/^mpcloud: FUNCTIONS_EXECUTE_FAIL: .*the report is empty/)
    const badKey = await mpcloud('trigger', 'dailyTasks', '--url', emulator.url, '--env', 'cli-env', '--admin-key', 'AKIDother:secret')
    expect(badKey.status).toBe(1)
    expect(badKey.stderr).toMatch(/^mpcloud: SIGN_PARAM_INVALID: unknown secretId "AKIDother".* \(sign with this emulator's key: --admin-key as its banner prints it, or its --data DIR\)\n$/)
    const badEnv = await mpcloud('trigger', 'dailyTasks', '--url', emulator.url, '--data', join(root, 'data'))
    expect(badEnv.status).toBe(1)
    expect(badEnv.stderr).toBe('mpcloud: INVALID_ENV: this emulator serves env "cli-env", not "demo-env" (--env names the env the emulator serves)\n')
  }, 30_000)

  it('says what is missing: the function, the key, the emulator (exit 2)', async () => {
    const noFunction = await mpcloud('trigger')
    expect(noFunction.status).toBe(2)
    expect(noFunction.stderr).toBe('mpcloud: name the function: `mpcloud trigger <function> [<trigger>]`\n')
    const noKey = await mpcloud('trigger', 'dailyTasks', '--url', emulator.url)
    expect(noKey.status).toBe(2)
    expect(noKey.stderr).toMatch(/give --admin-key ID:KEY \(the emulator prints it when it starts\) or --data DIR/)
    const nobody = await mpcloud('trigger', 'dailyTasks', '--url', 'http://127.0.0.1:1', '--admin-key', 'A:B')
    expect(nobody.status).toBe(2)
    expect(nobody.stderr).toBe('mpcloud: no emulator answers at http://127.0.0.1:1: start one (npx mpcloud emulator) or point --url at it\n')
  }, 30_000)

  it('is listed by mpcloud --help, with its own help', async () => {
    const help = await mpcloud('--help')
    expect(help.stdout).toMatch(/^ {2}trigger {6}fires a function's timer trigger/m)
    const own = await mpcloud('trigger', '--help')
    expect(own.status).toBe(0)
    expect(own.stdout).toContain('Usage: mpcloud trigger <function> [<trigger>] [options]')
    for (const option of ['--url URL', '--env ID', '--admin-key ID:KEY', '--data DIR']) expect(own.stdout).toContain(`  ${option}`)
  }, 30_000)
})

describe("the command line's signer", () => {
  it('signs as the emulator checks, and a changed body no longer verifies', () => {
    const key = { secretId: 'AKIDtest', secretKey: 'a secret' }
    const url = 'http://127.0.0.1:9000/admin?env=demo-env'
    const body = { action: 'functions.fireTrigger', envName: 'demo-env', function_name: 'dailyTasks', nothing: '', n: 1 }
    const now = Date.UTC(2026, 11, 2, 12)
    const headers = signAdminRequest(url, body, key, now)
    expect(() => verifyAdminSignature({ method: 'POST', url: '/admin?env=demo-env', headers, body }, key, now)).not.toThrow()
    expect(() => verifyAdminSignature({ method: 'POST', url: '/admin?env=demo-env', headers, body: { ...body, function_name: 'other' } }, key, now)).toThrow(/does not match/)
    expect(() => verifyAdminSignature({ method: 'POST', url: '/admin?env=demo-env', headers, body }, { ...key, secretKey: 'another' }, now)).toThrow(/does not match/)
  })
})
