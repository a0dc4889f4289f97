/**
 * `cloud.openapi.*` inside a function (docs/openapi.md): real wx-server-sdk in a real function posts `wx.openApi`
 * (multipart, protobuf `CommApiData`) to the emulator, which checks config.json's `permissions.openapi`,
 * records the call in the outbox and answers WeChat's success. Expected values come from wx-server-sdk's
 * documented behaviour: `errMsg: 'openapi.<api>:ok'`, keys converted to snake_case on the wire, −604101
 * (ERR_CODE "function has no permission to call this API") for an undeclared API.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { encodeCommApiData } from '../../emulator/openapi/messages'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

let dir: string
let emulator: RunningEmulator
let call: WebCall

/** A function that runs `body` (an expression using `cloud` and `event`) and returns its result or its error's code and message. */
const fn = (body: string) => `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  try {
    return { result: await (${body}) }
  } catch (error) {
    return { errCode: error.errCode, errMsg: error.errMsg }
  }
}`

const config = (apis: string[]) => ({ 'config.json': JSON.stringify({ timeout: 10, permissions: { openapi: apis } }) })

async function run(name: string, data: Record<string, unknown> = {}) {
  const answer = await call('functions.invokeFunction', { function_name: name, request_data: JSON.stringify(data) })
  expect(answer.code).toBeUndefined()
  return JSON.parse((answer.data as { response_data: string }).response_data) as { result?: Record<string, unknown>; errCode?: number; errMsg?: string }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-openapi-'))
  writeFunction(
    dir,
    'notify',
    fn(`cloud.openapi.subscribeMessage.send({ touser: event.touser, templateId: 'TPL1', page: 'pages/order/index', miniprogramState: 'developer', data: { thing1: { value: 'Order shipped' } }, orderNo: 12345678901234567890n })`),
    config(['subscribeMessage.send', 'security.msgSecCheck']),
  )
  writeFunction(dir, 'check', fn(`cloud.openapi.security.msgSecCheck({ content: 'hello', version: 2, scene: 1, openid: 'o1' })`), config(['security.msgSecCheck']))
  writeFunction(dir, 'other', fn(`cloud.openapi({ appid: 'wxOTHERAPP' }).customerServiceMessage.send({ touser: 'o2', msgtype: 'text', text: { content: 'hi' } })`), config(['customerServiceMessage.send']))
  writeFunction(dir, 'undeclared', fn(`cloud.openapi.subscribeMessage.send({ touser: 'o3', templateId: 'T', data: {} })`), config(['security.msgSecCheck']))
  writeFunction(dir, 'noconfig', fn(`cloud.openapi.uniformMessage.send({ touser: 'o4' })`))
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000 })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('cloud.openapi inside a function', () => {
  it('subscribeMessage.send succeeds and is recorded with its snake_case data, the function and its request', async () => {
    const outcome = await run('notify', { touser: 'oUser1' })
    expect(outcome).toEqual({ result: { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' } })
    const [entry, ...more] = emulator.outbox({ functionName: 'notify' })
    expect(more).toEqual([])
    expect(entry).toMatchObject({
      api: 'subscribeMessage.send',
      appid: '',
      functionName: 'notify',
      data: { touser: 'oUser1', template_id: 'TPL1', page: 'pages/order/index', miniprogram_state: 'developer', data: { thing1: { value: 'Order shipped' } }, order_no: '12345678901234567890' },
    })
    expect(typeof entry!.id).toBe('number')
    expect(Number.isNaN(Date.parse(entry!.time))).toBe(false)
    // The request id is the invocation's, as the function log records it.
    const run_ = emulator.events.recent().find((event) => event.kind === 'invocation' && event.invocation?.FunctionName === 'notify')
    expect(entry!.requestId).toBe(run_!.invocation!.RequestId)
  })

  it('security.msgSecCheck answers the pass verdict, in camelCase as wx-server-sdk converts it', async () => {
    const outcome = await run('check')
    expect(outcome.result).toMatchObject({ errCode: 0, errMsg: 'openapi.security.msgSecCheck:ok', result: { suggest: 'pass', label: 100 } })
    expect(typeof outcome.result!.traceId).toBe('string')
    expect(emulator.outbox({ api: 'security.msgSecCheck' })[0]).toMatchObject({ functionName: 'check', data: { content: 'hello', version: 2, scene: 1, openid: 'o1' } })
  })

  it("cloud.openapi({ appid }) is recorded with that appid", async () => {
    expect((await run('other')).result).toEqual({ errCode: 0, errMsg: 'openapi.customerServiceMessage.send:ok' })
    expect(emulator.outbox({ functionName: 'other' })).toMatchObject([{ api: 'customerServiceMessage.send', appid: 'wxOTHERAPP', data: { touser: 'o2', msgtype: 'text', text: { content: 'hi' } } }])
  })

  it('an API missing from permissions.openapi fails with -604101 and is not recorded', async () => {
    const before = emulator.outbox().length
    expect(await run('undeclared')).toMatchObject({ errCode: -604101 })
    expect(await run('noconfig')).toMatchObject({ errCode: -604101 })
    expect(emulator.outbox().length).toBe(before)
    expect(emulator.outbox({ functionName: 'undeclared' })).toEqual([])
  })
})

describe('wx.openApi on the wire', () => {
  /** Posts a signed multipart wx.openApi as node-sdk does, through node-sdk's own request code. */
  async function post(fields: Record<string, string | Buffer>): Promise<{ status: number; type: string; body: Buffer }> {
    const { default: FormData } = await import('form-data')
    const form = new FormData()
    for (const [key, value] of Object.entries(fields)) form.append(key, value)
    const response = await fetch(`${emulator.url}/admin`, { method: 'POST', headers: form.getHeaders(), body: form.getBuffer() })
    return { status: response.status, type: response.headers.get('content-type') || '', body: Buffer.from(await response.arrayBuffer()) }
  }

  it('refuses an unsigned call before reading it', async () => {
    const answer = await post({ action: 'wx.openApi', apiName: 'subscribeMessage.send', requestData: Buffer.from(encodeCommApiData({ pairs: [] })) })
    expect(JSON.parse(answer.body.toString())).toMatchObject({ code: expect.stringMatching(/SIGN|PERMISSION|CREDENTIALS|AUTH/) })
  })
})
