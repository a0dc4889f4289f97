/**
 * Tokens the emulator issues and checks: `base64url(payload).base64url(HMAC-SHA256)`, signed with a
 * secret per data dir (so tokens survive a restart) or per process (in memory).
 *
 * Every token has an id (`jti`) and belongs to a session (`sid`): a sign-in starts one, and the tokens
 * fetched or rotated from its refresh token stay in it. A sign-out takes back a session, a rotation one
 * token; with a data dir the revocations are kept beside the secret so that a restart does not undo them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { EmulatorError } from '../errors'

/** Who a token is for: what every token of one sign-in carries on. */
export interface TokenSubject {
  /** The user's openid. */
  sub: string
  /**
   * How the user signed in: anonymously, with a custom ticket, or as a WeChat user (a ticket the emulator made
   * for one); `admin`: a session that acts as the administrator over the client protocol (tickets only the
   * emulator's owner can make, for `mpcloud/testing`'s `withRulesDisabled`).
   */
  scope: 'anonymous' | 'custom' | 'wechat' | 'admin'
  /** CloudBase's user id when it is not the openid (a test's `{ uid }`); absent: the openid. */
  uid?: string
}

/** What a token says: who, what for, until when (ms since epoch), which token of which session. */
export interface TokenPayload extends TokenSubject {
  kind: 'access' | 'refresh' | 'ticket'
  exp: number
  /** The token's own id: what `revokeToken` takes back. */
  jti: string
  /** The session (one sign-in): what `revokeSession` takes back. */
  sid: string
}

/** Access tokens live two hours, refresh tokens thirty days, tickets ten minutes (CloudBase's orders of magnitude). */
export const LIFETIME = { access: 2 * 3600_000, refresh: 30 * 86_400_000, ticket: 10 * 60_000 }

/** No token issued so far outlives this from now: how long a session's revocation must be remembered. */
const LONGEST = Math.max(LIFETIME.access, LIFETIME.refresh, LIFETIME.ticket)

export interface Tokens {
  /** A signed token for `subject` (a payload will do: its subject is carried on); `sid`: its session, a new one when absent. */
  issue(subject: TokenSubject, kind: TokenPayload['kind'], sid?: string): string
  /** The payload of a valid, unrevoked token of `kind`, or a CloudBase error saying why not. Never throws anything but EmulatorError. */
  verify(token: unknown, kind: TokenPayload['kind']): TokenPayload
  /** Revokes one token (by its jti) until it would have expired anyway. */
  revokeToken(payload: TokenPayload): void
  /** Revokes every token of a session, issued or still to be issued from it. */
  revokeSession(payload: TokenPayload): void
}

/** The signing secret: read from (or created in) `dataDir`, or fresh for an in-memory emulator. */
export function loadSecret(dataDir?: string): Buffer {
  if (!dataDir) return randomBytes(32)
  const file = join(dataDir, 'auth-secret')
  if (existsSync(file)) return readFileSync(file)
  const secret = randomBytes(32)
  writeFileSync(file, secret, { mode: 0o600 })
  return secret
}

/**
 * The tokens signed with `secret`. With `dataDir`, revocations are read from and appended to
 * `<dataDir>/revoked-tokens`; without it they live in memory. `now` is the clock (for tests).
 */
export function createTokens(secret: Buffer, options: { dataDir?: string | undefined; now?: () => number } = {}): Tokens {
  const now = options.now || Date.now
  const revoked = createRevocations(now, options.dataDir ? join(options.dataDir, 'revoked-tokens') : undefined)
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest('base64url')
  return {
    issue({ sub, scope, uid }, kind, sid = newId()) {
      // A session id that `verify` would refuse is a bug in the caller, not a token to hand out.
      if (!ID.test(sid)) throw new Error(`invalid session id "${sid}"`)
      if (uid !== undefined && !ID.test(uid)) throw new Error(`invalid uid "${uid}"`)
      const payload: TokenPayload = { sub, kind, scope, ...(uid !== undefined ? { uid } : {}), exp: now() + LIFETIME[kind], jti: newId(), sid }
      // A token issued into a revoked session is revoked too: its session's record must outlive it.
      if (revoked.has('sid', sid)) revoked.add('sid', sid, payload.exp)
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
      return `${body}.${sign(body)}`
    },
    verify(token, kind) {
      const invalid = (why: string) => new EmulatorError(kind === 'refresh' ? 'INVALID_REFRESH_TOKEN' : 'CHECK_LOGIN_FAILED', why)
      if (typeof token !== 'string' || !token) throw invalid(`${kind === 'access' ? 'access_token' : kind} is required: sign in first`)
      const payload = decode(token, sign)
      if (!payload) throw invalid(`the ${kind} token is not one this emulator issued`)
      if (payload.kind !== kind) throw invalid(`a ${payload.kind} token was given where a ${kind} token is needed`)
      if (payload.exp <= now()) {
        throw new EmulatorError(kind === 'access' ? 'ACCESS_TOKEN_EXPIRED' : kind === 'refresh' ? 'REFRESH_TOKEN_EXPIRED' : 'CHECK_LOGIN_FAILED', `the ${kind} token expired`)
      }
      if (revoked.has('jti', payload.jti) || revoked.has('sid', payload.sid)) throw invalid(`the ${kind} token was revoked: sign in again`)
      return payload
    },
    revokeToken(payload) {
      revoked.add('jti', payload.jti, payload.exp)
    },
    revokeSession(payload) {
      revoked.add('sid', payload.sid, Math.max(payload.exp, now() + LONGEST))
    },
  }
}

/** A new openid: 28 characters, as WeChat's. */
export function newOpenid(): string {
  return 'o' + randomBytes(21).toString('base64url').slice(0, 27)
}

/** A token or session id: 128 random bits. */
function newId(): string {
  return randomBytes(16).toString('base64url')
}

/** Ids as `newId` makes them; also what keeps a revocation record one line of three words. */
const ID = /^[\w-]{1,64}$/
const KINDS = new Set<unknown>(['access', 'refresh', 'ticket'])
const SCOPES = new Set<unknown>(['anonymous', 'custom', 'wechat', 'admin'])

/** The payload of a token signed with this secret, or undefined for anything else; never throws. */
function decode(token: string, sign: (body: string) => string): TokenPayload | undefined {
  const parts = token.split('.')
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined
  const [body, signature] = parts as [string, string]
  // Bytes, not characters: a multibyte signature as long as the real one in characters is longer in
  // bytes, and timingSafeEqual throws on buffers of different lengths.
  const given = Buffer.from(signature)
  const expected = Buffer.from(sign(body))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  // Signed is not enough: a token from before sessions, or signed by hand with the secret, is refused
  // unless every field has its type.
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  const { sub, kind, scope, uid, exp, jti, sid } = value as Record<string, unknown>
  if (typeof sub !== 'string' || !sub || !KINDS.has(kind) || !SCOPES.has(scope) || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined
  if (typeof jti !== 'string' || !ID.test(jti) || typeof sid !== 'string' || !ID.test(sid)) return undefined
  if (uid !== undefined && (typeof uid !== 'string' || !ID.test(uid))) return undefined
  return { sub, kind: kind as TokenPayload['kind'], scope: scope as TokenPayload['scope'], ...(uid !== undefined ? { uid } : {}), exp, jti, sid }
}

type RevokedKind = 'jti' | 'sid'

/** Revoked token ids and session ids, each with the time (ms) after which no token it covers can be valid. */
interface Revocations {
  has(kind: RevokedKind, id: string): boolean
  /** Records (or extends) a revocation until `until`; a record already as long is left alone. */
  add(kind: RevokedKind, id: string, until: number): void
}

/**
 * Revocations in memory, and with `file` in that file: one `<jti|sid> <id> <until>`
 * line per revocation, appended and fsynced before `add` returns (a sign-out is rare and must not be
 * lost), and rewritten without the forgotten ones (past their `until`) when loaded.
 */
function createRevocations(now: () => number, file: string | undefined): Revocations {
  const records = { jti: new Map<string, number>(), sid: new Map<string, number>() }
  const longer = (kind: RevokedKind, id: string, until: number) => {
    const known = records[kind].get(id)
    return known === undefined || known < until
  }
  if (file) {
    mkdirSync(dirname(file), { recursive: true })
    const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
    const at = now()
    for (const line of text.split('\n')) {
      const [kind, id, until, extra] = line.split(' ')
      const time = Number(until)
      // A line torn by a crash mid-append fails these checks and is dropped with the forgotten ones.
      if ((kind === 'jti' || kind === 'sid') && id && ID.test(id) && extra === undefined && Number.isFinite(time) && time > at && longer(kind, id, time)) {
        records[kind].set(id, time)
      }
    }
    const kept = (['jti', 'sid'] as const).map((kind) => [...records[kind]].map(([id, until]) => `${kind} ${id} ${until}\n`).join('')).join('')
    if (kept !== text) {
      // Written aside and renamed over: a crash mid-rewrite leaves the old file, never half of one.
      const aside = `${file}.tmp`
      write(aside, 'w', kept)
      renameSync(aside, file)
      syncDir(dirname(file))
    }
  }
  return {
    has(kind, id) {
      return records[kind].has(id)
    },
    add(kind, id, until) {
      // Already expired: nothing left to take back. Already recorded as long: nothing to write.
      if (until <= now() || !longer(kind, id, until)) return
      if (file) {
        // On disk first: a sign-out that could not be recorded fails, rather than being undone by a restart.
        const created = !existsSync(file)
        write(file, 'a', `${kind} ${id} ${until}\n`)
        // A new file is only durable once its directory entry is.
        if (created) syncDir(dirname(file))
      }
      records[kind].set(id, until)
    },
  }
}

/** Writes (`w`) or appends (`a`) `text` to `path` and fsyncs it. */
function write(path: string, flags: 'w' | 'a', text: string): void {
  const fd = openSync(path, flags, 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // Some platforms (Windows) cannot open a directory to fsync it: the entry is as durable as they make it.
  }
}
