import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRequester } from '../../../src/core/request'
import { connectHttp } from '../../../src/auth/connect'
import type { Platform } from '../../../src/platform'
import { isCloudError } from '../../../src/protocol/errors'
import type { ProtocolRequest, ProtocolResponse } from '../../../src/protocol/database'

function transport(answers: Array<ProtocolResponse | Error | 'hang'>) {
  const sent: ProtocolRequest[] = []
  return {
    sent,
    send(request: ProtocolRequest): Promise<ProtocolResponse> {
      sent.push(request)
      const answer = answers[Math.min(sent.length - 1, answers.length - 1)]!
      if (answer === 'hang') return new Promise(() => {})
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    },
  }
}

const read: ProtocolRequest = { action: 'database.queryDocument', collectionName: 'todos', queryType: 'WHERE', limit: 100 }
const write: ProtocolRequest = { action: 'database.addDocument', collectionName: 'todos', data: { a: 1 } }

afterEach(() => {
  vi.useRealTimers()
})

describe('request pipeline', () => {
  it('adds the envelope (action, dataVersion, env) in the official order', async () => {
    const t = transport([{ requestId: 'r', data: { list: [] } }])
    await createRequester(t, { env: 'demo' })('collection.get', read)
    expect(Object.keys(t.sent[0]!).slice(0, 3)).toEqual(['action', 'dataVersion', 'env'])
    expect(t.sent[0]).toMatchObject({ dataVersion: '2020-01-10', env: 'demo', collectionName: 'todos' })
  })

  it('turns a server error into a CloudError named after the API (wire example W11, test/fixtures/cloudbase-wire-examples.txt)', async () => {
    const t = transport([{ code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'collection not exists', requestId: 'rq1' }])
    const error = await createRequester(t, {})('collection.get', read).catch((e: unknown) => e)
    expect(isCloudError(error)).toBe(true)
    expect(error).toMatchObject({
      errCode: -502005,
      code: 'DATABASE_COLLECTION_NOT_EXIST',
      requestId: 'rq1',
      errMsg: 'collection.get:fail -502005 database collection not exists. collection not exists',
    })
    expect(t.sent).toHaveLength(1)
  })

  it('retries an idempotent read after a transient failure', async () => {
    const t = transport([new Error('socket hang up'), { code: 'SYS_ERR', message: 'busy' }, { requestId: 'ok', data: { list: [] } }])
    const response = await createRequester(t, { retries: 2 })('collection.get', read)
    expect(response.requestId).toBe('ok')
    expect(t.sent).toHaveLength(3)
  })

  it('gives up after the configured retries with the last error', async () => {
    const t = transport([new Error('down')])
    const error = await createRequester(t, { retries: 1 })('collection.get', read).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', errCode: -1, errMsg: 'collection.get:fail database.queryDocument failed: down' })
    expect(t.sent).toHaveLength(2)
  })

  it('never retries a write, even after a network failure: it may have been applied', async () => {
    const t = transport([new Error('reset'), { requestId: 'r', data: { _id: 'x' } }])
    await expect(createRequester(t, { retries: 3 })('collection.add', write)).rejects.toMatchObject({ code: 'NETWORK_ERROR' })
    expect(t.sent).toHaveLength(1)
  })

  it('does not retry a read rejected for a non-transient reason', async () => {
    const t = transport([{ code: 'DATABASE_PERMISSION_DENIED', message: 'no' }, { requestId: 'r', data: { list: [] } }])
    await expect(createRequester(t, {})('collection.get', read)).rejects.toMatchObject({ errCode: -502003 })
    expect(t.sent).toHaveLength(1)
  })

  it('fails with TIMEOUT when no response arrives in time', async () => {
    vi.useFakeTimers()
    const t = transport(['hang'])
    const pending = createRequester(t, { timeout: 50, retries: 0 })('collection.count', { ...read, action: 'database.countDocument' })
    const assertion = expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', errMsg: 'collection.count:fail no response to database.countDocument within 50 ms' })
    await vi.advanceTimersByTimeAsync(60)
    await assertion
  })

  it('rejects an empty response instead of resolving undefined', async () => {
    const t = transport([undefined as unknown as ProtocolResponse])
    await expect(createRequester(t, { retries: 0 })('collection.add', write)).rejects.toMatchObject({ code: 'SDK_ERROR' })
  })
})

describe('access tokens', () => {
  it('adds the token after the parameters and renews it once when the server says it expired', async () => {
    const t = transport([{ code: 'ACCESS_TOKEN_EXPIRED', message: 'expired' }, { requestId: 'ok', data: { list: [] } }])
    const issued: boolean[] = []
    const tokens = { get: (renew: boolean) => (issued.push(renew), Promise.resolve(renew ? 'fresh' : 'stale')) }
    const response = await createRequester(t, { env: 'e', tokens })('collection.get', read)
    expect(response.requestId).toBe('ok')
    expect(issued).toEqual([false, true])
    expect(t.sent.map((r) => r.access_token)).toEqual(['stale', 'fresh'])
    expect(Object.keys(t.sent[0]!).pop()).toBe('access_token')
  })

  it('rejects, and does not hang, when the transport throws once the token arrived', async () => {
    const throwing = { send: (): Promise<ProtocolResponse> => { throw new Error('no socket') } }
    const tokens = { get: () => Promise.resolve('t') }
    await expect(createRequester(throwing, { tokens })('collection.get', read)).rejects.toThrow('no socket')
  })

  it('a transport that throws is a network failure: retried for a read, rejected once, no timer left to fire', async () => {
    vi.useFakeTimers()
    let calls = 0
    const throwing = { send: (): Promise<ProtocolResponse> => { calls++; throw new Error('no socket') } }
    const call = createRequester(throwing, { timeout: 1000, retries: 2 })('collection.get', read)
    const settled = call.catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(5000)
    expect(await settled).toMatchObject({ code: 'NETWORK_ERROR', errMsg: expect.stringContaining('no socket') })
    expect(calls).toBe(3)
    // Nothing is armed: a timer left behind would retry, and throw, after the call ended.
    expect(vi.getTimerCount()).toBe(0)
  })

  it('renews an expired token only once', async () => {
    const t = transport([{ code: 'ACCESS_TOKEN_EXPIRED', message: 'expired' }])
    const issued: boolean[] = []
    const tokens = { get: (renew: boolean) => (issued.push(renew), Promise.resolve(renew ? 'fresh' : 'stale')) }
    await expect(createRequester(t, { tokens })('collection.get', read)).rejects.toMatchObject({ code: 'ACCESS_TOKEN_EXPIRED' })
    expect(issued).toEqual([false, true])
    expect(t.sent).toHaveLength(2)
  })

  it('signs in without a token, then sends the token it got (connectHttp over a recording platform)', async () => {
    const bodies: Array<Record<string, unknown>> = []
    const answers: Record<string, unknown> = {
      'auth.signInAnonymously': { refresh_token: 'refresh-1' },
      'auth.fetchAccessTokenWithRefreshToken': { access_token: 'access-1', access_token_expire: 60_000 },
      'database.queryDocument': { list: [] },
    }
    const platform: Platform = {
      request(options) {
        const body = JSON.parse(String(options.data)) as Record<string, unknown>
        bodies.push(body)
        return Promise.resolve({ statusCode: 200, data: { requestId: 'r', data: answers[body.action as string] }, header: {} })
      },
    }
    const { transport, tokens } = connectHttp(platform, { env: 'demo', endpoint: 'http://127.0.0.1:1' })
    await createRequester(transport, { env: 'demo', tokens })('collection.get', read)
    expect(bodies.map((b) => [b.action, b.access_token])).toEqual([
      ['auth.signInAnonymously', undefined],
      ['auth.fetchAccessTokenWithRefreshToken', undefined],
      ['database.queryDocument', 'access-1'],
    ])
  })
})
