/**
 * `mpcloud/testing`'s `outbox()`: a test sees the subscribe message its function sent (real wx-server-sdk in
 * a real function), only the later ones with `{ since }`, none after `clearOutbox()`, and a wrong query is a
 * clear error.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestEnvironment, type TestEnvironment } from '../../testing/index'
import { adminCall } from '../helpers/admin'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

let dir: string
let env: TestEnvironment
const send = (touser: string) => adminCall(env.emulator, 'functions.invokeFunction', { function_name: 'notify', request_data: JSON.stringify({ touser }) })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-testing-outbox-'))
  writeFunction(
    dir,
    'notify',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = (event) => cloud.openapi.subscribeMessage.send({ touser: event.touser, templateId: 'TPL1', data: {} })`,
    { 'config.json': JSON.stringify({ timeout: 10, permissions: { openapi: ['subscribeMessage.send'] } }) },
  )
  env = await createTestEnvironment({ functions: dir })
})
afterAll(async () => {
  await env.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

describe('TestEnvironment.outbox', () => {
  it('holds what the functions sent, and only the later calls after { since }', async () => {
    expect(env.outbox()).toEqual([])
    expect((await send('oAnn')).code).toBeUndefined()
    const [first] = env.outbox({ api: 'subscribeMessage.send' })
    expect(first).toMatchObject({ functionName: 'notify', data: { touser: 'oAnn', template_id: 'TPL1', data: {} } })
    expect((await send('oBob')).code).toBeUndefined()
    expect(env.outbox({ since: first!.id }).map((entry) => entry.data.touser)).toEqual(['oBob'])
    expect(env.outbox({ functionName: 'other' })).toEqual([])
  }, 30_000)

  it('clearOutbox() empties it; a later call is numbered after the ones cleared, so a held cursor still works', async () => {
    expect((await send('oCid')).code).toBeUndefined()
    const before = env.outbox()
    expect(before.length).toBeGreaterThan(0)
    const cursor = before[before.length - 1]!.id
    await env.clearOutbox()
    expect(env.outbox()).toEqual([])
    expect((await send('oDee')).code).toBeUndefined()
    const after = env.outbox()
    expect(after.map((entry) => entry.data.touser)).toEqual(['oDee'])
    expect(after[0]!.id).toBeGreaterThan(cursor)
    expect(env.outbox({ since: cursor })).toEqual(after)
  }, 30_000)

  it('refuses a wrong query, naming the field', () => {
    expect(() => env.outbox({ since: -1 })).toThrow(/since must be an entry id/)
    expect(() => env.outbox({ api: 3 as unknown as string })).toThrow(/api must be a string/)
    expect(() => env.outbox('x' as never)).toThrow(/must be an object/)
  })
})
