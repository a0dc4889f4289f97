/**
 * `cloud.openapi.*` inside a function (docs/openapi.md): real wx-server-sdk in a real function posts `wx.openApi`
 * (multipart, protobuf `CommApiData`) to the emulator, which checks config.json's `permissions.openapi`,
 * records the call in the outbox and answers WeChat's success. Expected values come from wx-server-sdk's
 * documented behaviour: `errMsg: 'openapi.<api>:ok'`, keys converted to snake_case on the wire, −604101
 * (ERR_CODE "function has no permission to call this API") for an undeclared API.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import tcb from '@cloudbase/node-sdk'
import protobuf from 'protobufjs'
import { encodeCommApiData } from '../../emulator/openapi/messages'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

let dir: string

/** CommOpenApiResp's errorCode (field 3, int32), read with protobufjs's reader, not the emulator's declarations. */
function decodeResp(bytes: Uint8Array): { errorCode: number } {
  const reader = protobuf.Reader.create(bytes)
  let errorCode = 0
  while (reader.pos < reader.len) {
    const tag = reader.uint32()
    if (tag >>> 3 === 3) errorCode = reader.int32()
    else reader.skipType(tag & 7)
  }
  return { errorCode }
}
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
    // wx-server-sdk's message for a CommOpenApiResp errorCode: `${ERR_CODE[WX_SYSTEM_ERROR]}: error code: <n>`.
    expect(await run('undeclared')).toEqual({ errCode: -604101, errMsg: 'system error: error code: -604101' })
    expect(await run('noconfig')).toMatchObject({ errCode: -604101 })
    expect(emulator.outbox().length).toBe(before)
    expect(emulator.outbox({ functionName: 'undeclared' })).toEqual([])
  })
})

describe('wx.openApi on the wire, from node-sdk itself', () => {
  /** node-sdk's own callCompatibleWxOpenApi, signed with the admin key, outside any function. */
  const app = () => tcb.init({ env: emulator.env, secretId: emulator.adminCredentials.secretId, secretKey: emulator.adminCredentials.secretKey, serviceUrl: `${emulator.url}/admin` } as Parameters<typeof tcb.init>[0])
  const pair = (key: string, json: string) => ({ key, value: Buffer.from(json) })

  it('a call from no running function is refused with -604104 (illegal source) and not recorded', async () => {
    const before = emulator.outbox().length
    const raw = (await app().callCompatibleWxOpenApi({ apiName: 'subscribeMessage.send', requestData: Buffer.from(encodeCommApiData({ pairs: [pair('touser', '"o1"')] })) })) as Buffer
    expect(Buffer.isBuffer(raw)).toBe(true)
    expect(decodeResp(raw).errorCode).toBe(-604104)
    expect(emulator.outbox().length).toBe(before)
  })

  it('the signature covers requestData by its bytes: as sent it verifies, one byte changed after signing is refused', async () => {
    // A relay between node-sdk and the emulator that may rewrite the body (same length) on the way.
    let rewrite = (body: Buffer) => body
    const relay = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const body = rewrite(Buffer.concat(chunks))
        const headers = { ...req.headers, 'content-length': String(body.length) }
        delete headers['transfer-encoding']
        const forward = httpRequest(`${emulator.url}${req.url}`, { method: req.method, headers }, (answer) => {
          res.writeHead(answer.statusCode || 500, answer.headers)
          answer.pipe(res)
        })
        forward.end(body)
      })
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const port = (relay.address() as AddressInfo).port
    const relayed = tcb.init({ env: emulator.env, secretId: emulator.adminCredentials.secretId, secretKey: emulator.adminCredentials.secretKey, serviceUrl: `http://127.0.0.1:${port}/admin` } as Parameters<typeof tcb.init>[0])
    const send = () => relayed.callCompatibleWxOpenApi({ apiName: 'subscribeMessage.send', requestData: Buffer.from(encodeCommApiData({ pairs: [pair('touser', '"oAAA"')] })) })
    try {
      // As signed: verified, then refused as a call from no function.
      expect(decodeResp((await send()) as Buffer).errorCode).toBe(-604104)
      rewrite = (body) => Buffer.from(body.toString('latin1').replace('"oAAA"', '"oBBB"'), 'latin1')
      await expect(send()).rejects.toMatchObject({ code: 'SIGN_PARAM_INVALID' })
    } finally {
      relay.close()
    }
  })

  it.each([
    ['bytes that are not protobuf', { apiName: 'subscribeMessage.send', requestData: Buffer.from([0x0a, 0xff, 0xff, 0xff]) }, /not a protobuf CommApiData/],
    ['a pair whose value is not JSON', { apiName: 'subscribeMessage.send', requestData: Buffer.from(encodeCommApiData({ pairs: [pair('touser', 'o1 not json')] })) }, /"touser".*not JSON/],
    ['requestData as a text field', { apiName: 'subscribeMessage.send', requestData: 'hello' }, /requestData must be the protobuf/],
    ['an apiName that is not namespace.method', { apiName: '../etc', requestData: Buffer.from(encodeCommApiData({ pairs: [] })) }, /apiName must name the API/],
  ])('%s is INVALID_PARAM with a message that says what is wrong', async (_what, options, message) => {
    // node-sdk 3.18 throws the JSON error it is answered (wx-server-sdk's copy maps it to -501007 INVALID_PARAM).
    await expect(app().callCompatibleWxOpenApi(options as { apiName: string; requestData: Buffer })).rejects.toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(message) })
    // The emulator still serves.
    expect(emulator.outbox()).toBeInstanceOf(Array)
  })

  it('openapi.getOutbox lists the entries by api and function after a cursor, and is the administrator\'s only', async () => {
    const all = await adminCall(emulator, 'openapi.getOutbox', {})
    const { entries, cursor } = all.data as { entries: { id: number; api: string; functionName: string }[]; cursor: number }
    expect(entries.map((e) => e.api)).toEqual(emulator.outbox().map((e) => e.api))
    expect(cursor).toBe(entries[entries.length - 1]!.id)
    const byFunction = await adminCall(emulator, 'openapi.getOutbox', { function_name: 'notify' })
    expect((byFunction.data as { entries: { functionName: string }[] }).entries.every((e) => e.functionName === 'notify')).toBe(true)
    const after = await adminCall(emulator, 'openapi.getOutbox', { since: cursor })
    expect((after.data as { entries: unknown[] }).entries).toEqual([])
    expect(await adminCall(emulator, 'openapi.getOutbox', { since: -1 })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await adminCall(emulator, 'openapi.getOutbox', { limit: 0 })).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/limit.*from 1 to 1000/) })
    const newest = await adminCall(emulator, 'openapi.getOutbox', { limit: 1 })
    expect((newest.data as { entries: { id: number }[] }).entries.map((e) => e.id)).toEqual([entries[entries.length - 1]!.id])
    expect(await call('openapi.getOutbox', {})).toMatchObject({ code: expect.any(String) })
  })
})
