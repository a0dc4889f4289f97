/**
 * `cloud.openapi.*` inside a function: wx-server-sdk posts it to `/admin` as multipart/form-data (protobuf,
 * action `wx.openApi`). The emulator serves no WeChat open API; the call must fail with a message that names
 * the API and says so, not with a complaint about the request's encoding.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'


let dir: string
let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-openapi-'))
  writeFunction(
    dir,
    'notify',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = async () => {
      try {
        await cloud.openapi.subscribeMessage.send({ touser: 'x', templateId: 't', data: {} })
        return { resolved: true }
      } catch (error) {
        return { errCode: error.errCode, errMsg: error.errMsg }
      }
    }`,
  )
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, collections: ['notes'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('cloud.openapi inside a function', () => {
  it('subscribeMessage.send fails with a message naming the API that the emulator does not support yet', async () => {
    const answer = await call('functions.invokeFunction', { function_name: 'notify', request_data: '{}' })
    expect(answer.code).toBeUndefined()
    const { errCode, errMsg } = JSON.parse((answer.data as { response_data: string }).response_data) as { errCode: number; errMsg: string }
    expect(typeof errCode).toBe('number')
    expect(errCode).not.toBe(0)
    // wx-server-sdk prefixes `openapi.subscribeMessage.send:fail <errCode> <description>. `: the rest is the emulator's.
    const serverMessage = errMsg.replace(/^openapi\.subscribeMessage\.send:fail (-?\d+ [^.]*\. )?/, '')
    expect(serverMessage).toContain('subscribeMessage.send')
    expect(serverMessage).toMatch(/emulator/i)
    expect(serverMessage).toMatch(/not (yet )?support|unsupported/i)
    expect(serverMessage).not.toMatch(/not valid JSON/)

    const started = Date.now()
    expect(await call('database.countDocument', { collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
    expect(Date.now() - started).toBeLessThan(500)
  })
})
