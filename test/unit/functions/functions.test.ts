/** `cloud.callFunction` on the wire (docs/protocol.md §8, J27) and its wx result shapes and errors. */
import { describe, expect, it } from 'vitest'
import { createCloud, invokeFunction } from '../../../src/index'
import { recordingTransport } from '../../helpers/recording-transport'

describe('callFunction', () => {
  it('sends function_name and the data as JSON text (J27), and parses what the function returned', async () => {
    const transport = recordingTransport(() => ({ requestId: 'rq-fn', data: { response_data: '{"sum":3}' } }))
    const cloud = createCloud({ transport, functions: invokeFunction })
    cloud.init({ env: 'test-env-1a2b' })
    const result = await cloud.callFunction({ name: 'sum', data: { a: 1, b: 2 } })
    expect(transport.requests[0]).toEqual({ action: 'functions.invokeFunction', dataVersion: '2020-01-10', env: 'test-env-1a2b', function_name: 'sum', request_data: '{"a":1,"b":2}' })
    expect(result).toEqual({ result: { sum: 3 }, errMsg: 'cloud.callFunction:ok', requestID: 'rq-fn' })
  })

  it('hands text a function returned over as text, and reaches another env with config.env', async () => {
    const transport = recordingTransport(() => ({ requestId: 'r', data: { response_data: 'plain words' } }))
    const cloud = createCloud({ transport, functions: invokeFunction })
    cloud.init({ env: 'main' })
    expect((await cloud.callFunction({ name: 'echo', config: { env: 'other' } })).result).toBe('plain words')
    expect(transport.requests[0]).toMatchObject({ env: 'other', request_data: '{}' })
  })

  it('callbacks as on wx; bad input fails with a clear error and sends nothing', async () => {
    const transport = recordingTransport(() => ({ requestId: 'r', data: { response_data: '1' } }))
    const cloud = createCloud({ transport, functions: invokeFunction })
    cloud.init({ env: 'e' })
    const result = await new Promise((resolve) => cloud.callFunction({ name: 'one', success: resolve }))
    expect(result).toMatchObject({ result: 1 })
    await expect(cloud.callFunction({ name: '' })).rejects.toMatchObject({ errCode: -401002, errMsg: expect.stringMatching(/cloud.callFunction:fail .*name is the function's name/) })
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    await expect(cloud.callFunction({ name: 'f', data: cyclic })).rejects.toMatchObject({ errMsg: expect.stringMatching(/cannot be sent as JSON/) })
    const failed = await new Promise((resolve) => cloud.callFunction({ name: 'bad name!', fail: resolve }))
    expect(failed).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(transport.requests).toHaveLength(1)
  })

  it('a server failure keeps its code: FUNCTIONS_EXECUTE_FAIL is -504002', async () => {
    const transport = recordingTransport(() => ({ requestId: 'r', code: 'FUNCTIONS_EXECUTE_FAIL', message: 'Error: boom' }))
    const cloud = createCloud({ transport, functions: invokeFunction })
    cloud.init({ env: 'e' })
    await expect(cloud.callFunction({ name: 'f' })).rejects.toMatchObject({ errCode: -504002, errMsg: 'cloud.callFunction:fail -504002 functions execute fail. Error: boom' })
  })
})
