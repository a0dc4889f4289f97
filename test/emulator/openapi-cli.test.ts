/**
 * `mpcloud outbox` (docs/openapi.md) run from source against a started emulator whose function sends a
 * subscribe message through the real wx-server-sdk: the entry printed, the filters, --json, --follow
 * printing a later call exactly once, and one-line errors.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { runCli, startCli, until } from '../helpers/cli'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

let root: string
let emulator: RunningEmulator
let connect: string[]
const send = (touser: string) => adminCall(emulator, 'functions.invokeFunction', { function_name: 'notify', request_data: JSON.stringify({ touser }) })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mpcloud-outbox-'))
  writeFunction(
    root,
    'notify',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = (event) => cloud.openapi.subscribeMessage.send({ touser: event.touser, templateId: 'TPL1', data: { thing1: { value: 'Shipped' } } })`,
    { 'config.json': JSON.stringify({ timeout: 10, permissions: { openapi: ['subscribeMessage.send'] } }) },
  )
  emulator = await startEmulator({ port: 0, env: 'outbox-env', functions: root })
  connect = ['--url', emulator.url, '--env', 'outbox-env', '--admin-key', `${emulator.adminCredentials.secretId}:${emulator.adminCredentials.secretKey}`]
  expect((await send('oAnn')).code).toBeUndefined()
})
afterAll(async () => {
  await emulator.stop()
  rmSync(root, { recursive: true, force: true })
})

describe('mpcloud outbox', () => {
  it('prints each call: time, api, function, request id, then its snake_case data', async () => {
    const out = await runCli('outbox', ...connect)
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    expect(out.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+ {2}subscribeMessage\.send {2}from notify {2}\S+\n/)
    expect(out.stdout).toContain('"template_id": "TPL1"')
    expect(out.stdout).toContain('"touser": "oAnn"')
    const json = await runCli('outbox', '--json', '--function', 'notify', ...connect)
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { api: string; functionName: string; data: Record<string, unknown> })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ api: 'subscribeMessage.send', functionName: 'notify', data: { touser: 'oAnn', template_id: 'TPL1' } })
    const none = await runCli('outbox', '--api', 'uniformMessage.send', '--json', ...connect)
    expect(none.stdout).toBe('')
    expect(none.status).toBe(0)
  }, 30_000)

  it('--follow prints a later call exactly once, until interrupted', async () => {
    const follow = startCli('outbox', '--follow', '--json', ...connect)
    await until(() => follow.output().stdout.includes('oAnn'))
    expect((await send('oBob')).code).toBeUndefined()
    await until(() => follow.output().stdout.includes('oBob'))
    await new Promise((resolve) => setTimeout(resolve, 2200))
    follow.child.kill('SIGINT')
    expect(await follow.exited).toBe(0)
    expect(follow.output().stdout.match(/oBob/g)).toHaveLength(1)
  }, 30_000)

  it('says what is wrong in one line', async () => {
    const noKey = await runCli('outbox', '--url', emulator.url)
    expect(noKey.status).toBe(2)
    expect(noKey.stderr).toMatch(/^mpcloud: mpcloud outbox signs with the emulator's admin key/)
    const badEnv = await runCli('outbox', '--url', emulator.url, '--admin-key', 'A:B')
    expect(badEnv.status).toBe(1)
    expect(badEnv.stderr.trim().split('\n')).toHaveLength(1)
    const help = await runCli('outbox', '--help')
    expect(help.stdout).toContain('--follow')
    expect(help.stdout).toContain('--api')
  }, 30_000)
})
