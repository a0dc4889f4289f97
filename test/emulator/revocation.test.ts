/**
 * Tokens that can be taken back, against a live emulator: v1 `auth.logout` and v3 `/auth/v1/revoke` end
 * their session, `/auth/v1/token` rotates its refresh token, revocations outlive a restart on a data dir
 * (and are forgotten once nothing they cover can be valid), and malformed tokens are refused cleanly.
 */
import { createHmac } from 'node:crypto'
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createTokens, LIFETIME } from '../../emulator/auth/tokens'

type Answer = { status: number; body: Record<string, unknown> }

async function request(emulator: RunningEmulator, method: 'GET' | 'POST', path: string, body?: unknown, bearer?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (bearer) headers.authorization = `Bearer ${bearer}`
  const response = await fetch(emulator.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** One `/web` action, as js-sdk 1.x sends it. */
function web(emulator: RunningEmulator, action: string, params: Record<string, unknown> = {}): Promise<Answer> {
  return request(emulator, 'POST', '/web', { action, env: emulator.env, ...params })
}

/** A query on `todos` with `access_token`: its answer's body (`data.list` when allowed, `code` when not). */
async function query(emulator: RunningEmulator, access_token: unknown): Promise<Record<string, unknown>> {
  const answer = await web(emulator, 'database.queryDocument', { access_token, collectionName: 'todos', query: {}, limit: 10 })
  expect(answer.status).toBe(200)
  return answer.body
}

/** A v1 anonymous sign-in: its refresh token, and an access token fetched with it. */
async function signInV1(emulator: RunningEmulator, refresh?: string): Promise<{ uuid: string; refresh_token: string; access_token: string }> {
  const signIn = await web(emulator, 'auth.signInAnonymously', refresh ? { refresh_token: refresh } : {})
  const { uuid, refresh_token } = signIn.body.data as { uuid: string; refresh_token: string }
  const fetched = await web(emulator, 'auth.fetchAccessTokenWithRefreshToken', { refresh_token })
  return { uuid, refresh_token, access_token: (fetched.body.data as { access_token: string }).access_token }
}

async function signInV3(emulator: RunningEmulator): Promise<{ access_token: string; refresh_token: string; sub: string }> {
  const signIn = await request(emulator, 'POST', '/auth/v1/signin/anonymously?client_id=demo-env', {})
  expect(signIn.status).toBe(200)
  return signIn.body as { access_token: string; refresh_token: string; sub: string }
}

function refreshV3(emulator: RunningEmulator, refresh_token: string): Promise<Answer> {
  return request(emulator, 'POST', '/auth/v1/token?client_id=demo-env', { client_id: 'demo-env', client_secret: '', grant_type: 'refresh_token', refresh_token })
}

const allowed = { data: { list: expect.any(Array) } }
const revoked = { code: 'CHECK_LOGIN_FAILED', message: expect.stringMatching(/revoked: sign in again/) }

describe('on a running emulator', () => {
  let emulator: RunningEmulator
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, collections: ['todos'] })
  })
  afterAll(async () => {
    await emulator.stop()
  })

  it('v1 auth.logout ends the session of its refresh token: its access token and the refresh token are refused, other sessions work', async () => {
    const alice = await signInV1(emulator)
    const bob = await signInV1(emulator)
    expect(await query(emulator, alice.access_token)).toMatchObject(allowed)
    // js-sdk 1.x sends the refresh token and no access token.
    expect((await web(emulator, 'auth.logout', { refresh_token: alice.refresh_token })).body).toMatchObject({ data: {} })
    expect(await query(emulator, alice.access_token)).toMatchObject(revoked)
    expect((await web(emulator, 'auth.fetchAccessTokenWithRefreshToken', { refresh_token: alice.refresh_token })).body).toMatchObject({
      code: 'INVALID_REFRESH_TOKEN',
      message: expect.stringMatching(/revoked/),
    })
    expect(await query(emulator, bob.access_token)).toMatchObject(allowed)
  })

  it('v1: signing in again with a refresh token keeps the user in a new session, which outlives the old one', async () => {
    const first = await signInV1(emulator)
    const again = await signInV1(emulator, first.refresh_token)
    expect(again.uuid).toBe(first.uuid)
    await web(emulator, 'auth.logout', { refresh_token: first.refresh_token })
    expect(await query(emulator, first.access_token)).toMatchObject(revoked)
    expect(await query(emulator, again.access_token)).toMatchObject(allowed)
    // A revoked refresh token no longer proves the identity: a new anonymous user.
    const after = await web(emulator, 'auth.signInAnonymously', { refresh_token: first.refresh_token })
    expect((after.body.data as { uuid: string }).uuid).not.toBe(first.uuid)
  })

  it('v1 auth.logout without a valid refresh token answers {} and revokes nothing', async () => {
    const user = await signInV1(emulator)
    for (const refresh_token of [undefined, 'x.y', user.access_token]) {
      expect((await web(emulator, 'auth.logout', refresh_token === undefined ? {} : { refresh_token })).body).toMatchObject({ data: {} })
    }
    expect(await query(emulator, user.access_token)).toMatchObject(allowed)
  })

  it('v3 /auth/v1/revoke with the access token ends its session: user/me is 401, /web refuses it, its refresh token is spent', async () => {
    const user = await signInV3(emulator)
    const other = await signInV3(emulator)
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, user.access_token)).toMatchObject({ status: 200, body: { sub: user.sub } })
    expect(await query(emulator, user.access_token)).toMatchObject(allowed)
    expect(await request(emulator, 'POST', '/auth/v1/revoke?client_id=demo-env', { token: user.access_token })).toMatchObject({ status: 200 })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, user.access_token)).toMatchObject({
      status: 401,
      body: { error: 'unauthenticated', error_description: expect.stringMatching(/revoked/) },
    })
    expect(await query(emulator, user.access_token)).toMatchObject(revoked)
    expect(await refreshV3(emulator, user.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, other.access_token)).toMatchObject({ status: 200, body: { sub: other.sub } })
  })

  it('v3 /auth/v1/revoke accepts a refresh token too, and answers 200 for a token it cannot read', async () => {
    const user = await signInV3(emulator)
    expect(await request(emulator, 'POST', '/auth/v1/revoke', { token: 'not.a-token' })).toMatchObject({ status: 200 })
    expect(await request(emulator, 'POST', '/auth/v1/revoke', {})).toMatchObject({ status: 200 })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, user.access_token)).toMatchObject({ status: 200 })
    await request(emulator, 'POST', '/auth/v1/revoke', { token: user.refresh_token })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, user.access_token)).toMatchObject({ status: 401 })
  })

  it('v3 /auth/v1/token rotates: a refresh token works once, the new credentials work and stay in the session', async () => {
    const user = await signInV3(emulator)
    const first = await refreshV3(emulator, user.refresh_token)
    expect(first).toMatchObject({ status: 200, body: { sub: user.sub, access_token: expect.any(String), refresh_token: expect.any(String) } })
    expect(first.body.refresh_token).not.toBe(user.refresh_token)
    expect(await refreshV3(emulator, user.refresh_token)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: expect.stringMatching(/revoked/) },
    })
    const second = await refreshV3(emulator, first.body.refresh_token as string)
    expect(second).toMatchObject({ status: 200, body: { sub: user.sub } })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, second.body.access_token as string)).toMatchObject({ status: 200, body: { sub: user.sub } })
    // One session throughout: signing out with the first access token ends the latest credentials too.
    await request(emulator, 'POST', '/auth/v1/revoke', { token: user.access_token })
    expect(await request(emulator, 'GET', '/auth/v1/user/me', undefined, second.body.access_token as string)).toMatchObject({ status: 401 })
    expect(await refreshV3(emulator, second.body.refresh_token as string)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
  })
})

describe('on a data dir', () => {
  let dataDir: string
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-revocation-'))
  })
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('revocations survive a restart; tokens that were not revoked keep working', async () => {
    const before = await startEmulator({ port: 0, collections: ['todos'], dataDir })
    const alice = await signInV1(before)
    const bob = await signInV1(before)
    const carol = await signInV3(before)
    await web(before, 'auth.logout', { refresh_token: alice.refresh_token })
    const rotated = await refreshV3(before, carol.refresh_token)
    expect(await query(before, alice.access_token)).toMatchObject(revoked)
    await before.stop()

    const after = await startEmulator({ port: 0, collections: ['todos'], dataDir })
    try {
      expect(await query(after, alice.access_token)).toMatchObject(revoked)
      expect((await web(after, 'auth.fetchAccessTokenWithRefreshToken', { refresh_token: alice.refresh_token })).body).toMatchObject({ code: 'INVALID_REFRESH_TOKEN' })
      expect(await query(after, bob.access_token)).toMatchObject(allowed)
      expect(await refreshV3(after, carol.refresh_token)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
      expect(await refreshV3(after, rotated.body.refresh_token as string)).toMatchObject({ status: 200, body: { sub: carol.sub } })
    } finally {
      await after.stop()
    }
  })

  it('a malformed token (multibyte signature, garbage payload) is CHECK_LOGIN_FAILED on /web, never a 500', async () => {
    const emulator = await startEmulator({ port: 0, collections: ['todos'], dataDir })
    try {
      const { access_token } = await signInV1(emulator)
      const [body, signature] = access_token.split('.') as [string, string]
      // As long as the real signature in characters, twice as long in bytes.
      const multibyte = `${body}.${'é'.repeat(signature.length)}`
      // Payloads signed with the emulator's own secret: only their content is wrong.
      const secret = readFileSync(join(dataDir, 'auth-secret'))
      const forge = (payload: string) => {
        const encoded = Buffer.from(payload).toString('base64url')
        return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`
      }
      const good = { sub: 'o-forged', kind: 'access', scope: 'custom', exp: Date.now() + 60_000, jti: 'j1', sid: 's1' }
      // The forging is right: a well-formed payload signed this way is accepted.
      expect(await query(emulator, forge(JSON.stringify(good)))).toMatchObject(allowed)
      const malformed: unknown[] = [
        multibyte,
        `${body}.${signature}.${signature}`,
        `${body}.`,
        '.',
        42,
        { token: access_token },
        forge('not json'),
        forge('null'),
        forge('[1,2]'),
        forge('"a string"'),
        forge(JSON.stringify({ ...good, sub: 7 })),
        forge(JSON.stringify({ ...good, sub: '' })),
        forge(JSON.stringify({ ...good, kind: 'admin' })),
        forge(JSON.stringify({ ...good, scope: null })),
        forge(JSON.stringify({ ...good, exp: String(good.exp) })),
        forge(JSON.stringify({ ...good, jti: undefined })),
        forge(JSON.stringify({ ...good, sid: 'a\nb' })),
        // A token from before sessions: no jti, no sid.
        forge(JSON.stringify({ sub: 'o-old', kind: 'access', scope: 'anonymous', exp: good.exp })),
      ]
      for (const token of malformed) {
        expect(await query(emulator, token), JSON.stringify(token)).toMatchObject({ code: 'CHECK_LOGIN_FAILED' })
      }
      expect(await refreshV3(emulator, multibyte)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
      expect(await request(emulator, 'POST', '/auth/v1/revoke', { token: multibyte })).toMatchObject({ status: 200 })
    } finally {
      await emulator.stop()
    }
  })
})

describe('the revocation file', () => {
  const dirs: string[] = []
  const freshDir = () => {
    dirs.push(mkdtempSync(join(tmpdir(), 'mpcloud-revocation-')))
    return dirs[dirs.length - 1]!
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('drops a revocation once nothing it covers can be valid, when loaded', () => {
    const dataDir = freshDir()
    const file = join(dataDir, 'revoked-tokens')
    const secret = Buffer.alloc(32, 7)
    let now = 1_000_000_000_000
    const clock = { dataDir, now: () => now }
    const tokens = createTokens(secret, clock)
    const access = tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'access')
    const refresh = tokens.issue({ sub: 'o-b', scope: 'anonymous' }, 'refresh')
    tokens.revokeToken(tokens.verify(access, 'access'))
    tokens.revokeSession(tokens.verify(refresh, 'refresh'))
    const lines = () => readFileSync(file, 'utf8').split('\n').filter(Boolean)
    expect(lines()).toEqual([expect.stringMatching(/^jti [\w-]+ \d+$/), expect.stringMatching(/^sid [\w-]+ \d+$/)])

    // Loaded again before anything expired: both kept, both refused.
    const reloaded = createTokens(secret, clock)
    expect(lines()).toHaveLength(2)
    expect(() => reloaded.verify(access, 'access')).toThrow(expect.objectContaining({ code: 'CHECK_LOGIN_FAILED', message: expect.stringMatching(/revoked/) }))
    expect(() => reloaded.verify(refresh, 'refresh')).toThrow(expect.objectContaining({ code: 'INVALID_REFRESH_TOKEN', message: expect.stringMatching(/revoked/) }))

    // Past the access token's expiry: its record is dropped, the session's stays.
    now += LIFETIME.access
    createTokens(secret, clock)
    expect(lines()).toEqual([expect.stringMatching(/^sid /)])

    // Past the session's longest token: nothing left.
    now += LIFETIME.refresh
    createTokens(secret, clock)
    expect(lines()).toEqual([])
  })

  it('drops a line torn by a crash, and appends after it cleanly', () => {
    const dataDir = freshDir()
    const file = join(dataDir, 'revoked-tokens')
    const secret = Buffer.alloc(32, 8)
    const first = createTokens(secret, { dataDir })
    const a = first.issue({ sub: 'o-a', scope: 'custom' }, 'access')
    first.revokeSession(first.verify(a, 'access'))
    appendFileSync(file, 'sid half-writ')
    const second = createTokens(secret, { dataDir })
    const b = second.issue({ sub: 'o-b', scope: 'custom' }, 'access')
    second.revokeToken(second.verify(b, 'access'))
    expect(readFileSync(file, 'utf8')).toMatch(/^sid [\w-]+ \d+\njti [\w-]+ \d+\n$/)
    const third = createTokens(secret, { dataDir })
    expect(() => third.verify(a, 'access')).toThrow(/revoked/)
    expect(() => third.verify(b, 'access')).toThrow(/revoked/)
    expect(third.verify(third.issue({ sub: 'o-c', scope: 'custom' }, 'access'), 'access').sub).toBe('o-c')
  })

  it('in memory without a data dir: a revoked session covers tokens issued into it later', () => {
    const tokens = createTokens(Buffer.alloc(32, 9))
    const refresh = tokens.verify(tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'refresh'), 'refresh')
    tokens.revokeSession(refresh)
    expect(() => tokens.verify(tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'access', refresh.sid), 'access')).toThrow(expect.objectContaining({ code: 'CHECK_LOGIN_FAILED' }))
    expect(tokens.verify(tokens.issue({ sub: 'o-a', scope: 'anonymous' }, 'access'), 'access').sub).toBe('o-a')
  })
})
