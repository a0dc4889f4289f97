/**
 * Cloud function security rules (`rules.functions`): CloudBase's four invoke values, a function's own key
 * over `*`, its default `auth != null` when rules are given without a functions key, clients only (the
 * administrator always invokes), and a rule CloudBase would not take refused at start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { writeFunction } from '../helpers/functions'
import { webCaller } from '../helpers/web'

let dir: string
let emulator: RunningEmulator

const invoke = (call: (action: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>, name: string) =>
  call('functions.invokeFunction', { function_name: name, request_data: '{}' })

/** A `/web` caller with no sign-in at all. */
const guest = (target: RunningEmulator) => async (action: string, params: Record<string, unknown> = {}) => {
  const response = await fetch(`${target.url}/web`, { method: 'POST', body: JSON.stringify({ action, env: target.env, ...params }) })
  return (await response.json()) as Record<string, unknown>
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-function-rules-'))
  for (const name of ['echo', 'payroll', 'members']) writeFunction(dir, name, `exports.main = () => '${name} ran'`)
  emulator = await startEmulator({
    port: 0,
    functions: dir,
    functionTimeout: 10_000,
    allowUnauthenticated: true,
    rules: { functions: { '*': { invoke: 'auth != null' }, payroll: { invoke: false }, members: { invoke: "auth.loginType != 'ANONYMOUS' && auth != null" } } },
  })
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

const ran = (name: string) => ({ data: { response_data: JSON.stringify(`${name} ran`) } })

describe('invoke rules', () => {
  it('an anonymous user invokes what "*" allows, not what its own key forbids', async () => {
    const anonymous = await webCaller(emulator)
    expect(await invoke(anonymous, 'echo')).toMatchObject(ran('echo'))
    expect(await invoke(anonymous, 'payroll')).toMatchObject({ code: 'PERMISSION_DENIED', message: 'the invoke rule of function "payroll", false, denies a user signed in as ANONYMOUS' })
    expect(await invoke(anonymous, 'members')).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/members.*loginType != 'ANONYMOUS'.*denies a user signed in as ANONYMOUS/) })
  })

  it('a signed-in (custom) user passes the loginType rule; a guest passes neither', async () => {
    const carol = await webCaller(emulator, 'o-carol')
    expect(await invoke(carol, 'members')).toMatchObject(ran('members'))
    expect(await invoke(guest(emulator), 'echo')).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/"\*" \(function "echo" has none of its own\), auth != null, denies a caller who is not signed in/) })
  })

  it('each invoke’s event records the rule it met', async () => {
    const anonymous = await webCaller(emulator)
    await invoke(anonymous, 'echo')
    await invoke(anonymous, 'payroll')
    const events = emulator.events.recent().filter((event) => event.kind === 'request' && event.action === 'functions.invokeFunction')
    expect(events.slice(-2).map((event) => event.rules)).toEqual([
      [{ rule: 'functions.*.invoke', decision: 'allow' }],
      [{ rule: 'functions.payroll.invoke', decision: 'deny', reason: 'the invoke rule of function "payroll", false, denies a user signed in as ANONYMOUS' }],
    ])
  })

  it('the administrator invokes every function, rules or not', async () => {
    expect(await adminCall(emulator, 'functions.invokeFunction', { function_name: 'payroll', request_data: '' })).toMatchObject(ran('payroll'))
  })
})

describe('defaults and mistakes', () => {
  it('rules without a functions key get CloudBase’s default: auth != null', async () => {
    const other = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, allowUnauthenticated: true, rules: { database: {} } })
    try {
      expect(await invoke(await webCaller(other), 'payroll')).toMatchObject(ran('payroll'))
      expect(await invoke(guest(other), 'echo')).toMatchObject({ code: 'PERMISSION_DENIED' })
    } finally {
      await other.stop()
    }
  })

  it('without rules, CloudBase\'s default: a guest is refused, a signed-in user runs; rules "open" check nothing', async () => {
    const defaults = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, allowUnauthenticated: true })
    const open = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, allowUnauthenticated: true, rules: 'open' })
    try {
      expect(await invoke(guest(defaults), 'payroll')).toMatchObject({ code: 'PERMISSION_DENIED' })
      expect(await invoke(await webCaller(defaults, 'o-clerk'), 'payroll')).toMatchObject(ran('payroll'))
      expect(await invoke(guest(open), 'payroll')).toMatchObject(ran('payroll'))
    } finally {
      await defaults.stop()
      await open.stop()
    }
  })

  it('a value CloudBase does not support, or a missing "*", fails the start naming it', async () => {
    await expect(startEmulator({ port: 0, rules: { functions: { '*': { invoke: 'auth.uid != null' } } } })).rejects.toThrow(/rules\.functions\["\*"\]\.invoke must be one of true, false/)
    await expect(startEmulator({ port: 0, rules: { functions: { echo: { invoke: true } } } })).rejects.toThrow(/needs a "\*" key/)
  })
})
