/**
 * Sign-in against a live emulator: the v3 OAuth-style paths (js-sdk 3.x), the v1 actions (mpcloud's
 * session), identities stamped on writes, and tokens that expire or were never issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createTokens, LIFETIME } from '../../emulator/auth/tokens'
import { signedIn } from '../helpers/emulator'
import { connectHttp, createCloud, nodePlatform } from '../helpers/sdk'

let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['notes'] })
})
afterAll(async () => {
  await emulator.stop()
})

async function http(method: 'GET' | 'POST', path: string, body?: unknown, bearer?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (bearer) headers.authorization = `Bearer ${bearer}`
  const response = await fetch(emulator.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('v3 paths (js-sdk 3.x, docs/protocol.md §9.1)', () => {
  it('anonymous sign-in, user/me, refresh', async () => {
    const signIn = await http('POST', '/auth/v1/signin/anonymously?client_id=demo-env', {})
    expect(signIn.status).toBe(200)
    expect(signIn.body).toMatchObject({ token_type: 'Bearer', scope: 'anonymous', expires_in: LIFETIME.access / 1000 })
    const { access_token, refresh_token, sub } = signIn.body as Record<string, string>
    expect((await http('GET', '/auth/v1/user/me', undefined, access_token)).body).toMatchObject({ sub, is_anonymous: true })
    const refreshed = await http('POST', '/auth/v1/token?client_id=demo-env', { client_id: 'demo-env', client_secret: '', grant_type: 'refresh_token', refresh_token })
    expect(refreshed.body).toMatchObject({ sub, scope: 'anonymous' })
  })

  it('custom sign-in with a ticket is the named user', async () => {
    const signIn = await http('POST', '/auth/v1/signin/custom?client_id=demo-env', { provider_id: 'custom', ticket: emulator.createTicket('o-alice') })
    expect(signIn.body).toMatchObject({ sub: 'o-alice', scope: 'custom' })
    const me = await http('GET', '/auth/v1/user/me', undefined, signIn.body.access_token as string)
    expect(me.body).toMatchObject({ sub: 'o-alice', is_anonymous: false })
  })

  it('failures use OAuth errors: 401 unauthenticated, 400 invalid_grant', async () => {
    expect(await http('GET', '/auth/v1/user/me')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } })
    expect(await http('POST', '/auth/v1/token', { grant_type: 'refresh_token', refresh_token: 'x.y' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(await http('POST', '/auth/v1/signin/custom', { ticket: 'forged.ticket' })).toMatchObject({ status: 401 })
  })
})

describe('identity through the SDK', () => {
  it('adds are stamped with the caller’s openid; named users come from a real ticket sign-in', async () => {
    const alice = signedIn(emulator, 'o-alice')
    const anonymous = signedIn(emulator, undefined)
    const { _id: a } = await alice.collection('notes').add({ data: { text: 'from alice' } })
    const { _id: b } = await anonymous.collection('notes').add({ data: { text: 'from nobody' } })
    expect((await alice.collection('notes').doc(a).get()).data._openid).toBe('o-alice')
    const other = (await anonymous.collection('notes').doc(b).get()).data._openid
    expect(other).toMatch(/^o[\w-]{27}$/)
    expect(other).not.toBe('o-alice')
    // CloudBase's default (PRIVATE): the other user's document is not alice's to see.
    await expect(alice.collection('notes').doc(b).get()).rejects.toMatchObject({ errMsg: expect.stringMatching(/does not exist/) })
  })

  it('a ticket this emulator did not sign fails the sign-in, and the call, with CHECK_LOGIN_FAILED', async () => {
    const foreign = createTokens(Buffer.alloc(32)).issue({ sub: 'o-x', scope: 'custom' }, 'ticket')
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp })
    cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: foreign })
    await expect(cloud.database().collection('notes').count()).rejects.toMatchObject({ code: 'CHECK_LOGIN_FAILED' })
  })
})

describe('tokens', () => {
  it('expire: an old access token is ACCESS_TOKEN_EXPIRED, an old refresh token REFRESH_TOKEN_EXPIRED', () => {
    let now = 1_000_000
    const tokens = createTokens(Buffer.alloc(32, 1), { now: () => now })
    const access = tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'access')
    const refresh = tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'refresh')
    expect(tokens.verify(access, 'access').sub).toBe('o-a')
    now += LIFETIME.access
    expect(() => tokens.verify(access, 'access')).toThrow(expect.objectContaining({ code: 'ACCESS_TOKEN_EXPIRED' }))
    now += LIFETIME.refresh
    expect(() => tokens.verify(refresh, 'refresh')).toThrow(expect.objectContaining({ code: 'REFRESH_TOKEN_EXPIRED' }))
  })

  it('are bound to their secret', () => {
    const mine = createTokens(Buffer.alloc(32, 1))
    const theirs = createTokens(Buffer.alloc(32, 2))
    expect(() => theirs.verify(mine.issue({ sub: 'o-a', scope: 'custom' }, 'access'), 'access')).toThrow(/not one this emulator issued/)
  })
})
