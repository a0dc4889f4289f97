/**
 * Tokens the emulator issues and checks: `base64url(payload).base64url(HMAC-SHA256)`, signed with a
 * secret per data dir (so tokens survive a restart) or per process (in memory).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EmulatorError } from '../errors'

/** What a token says: who, what for, until when (ms since epoch). */
export interface TokenPayload {
  /** The user's openid. */
  sub: string
  kind: 'access' | 'refresh' | 'ticket'
  /** How the user signed in. */
  scope: 'anonymous' | 'custom'
  exp: number
}

/** Access tokens live two hours, refresh tokens thirty days, tickets ten minutes (CloudBase's orders of magnitude). */
export const LIFETIME = { access: 2 * 3600_000, refresh: 30 * 86_400_000, ticket: 10 * 60_000 }

export interface Tokens {
  issue(sub: string, kind: TokenPayload['kind'], scope: TokenPayload['scope']): string
  /** The payload of a valid token of `kind`, or a CloudBase error saying why not. */
  verify(token: unknown, kind: TokenPayload['kind']): TokenPayload
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

export function createTokens(secret: Buffer, now: () => number = Date.now): Tokens {
  const sign = (body: string) => createHmac('sha256', secret).update(body).digest('base64url')
  return {
    issue(sub, kind, scope) {
      const body = Buffer.from(JSON.stringify({ sub, kind, scope, exp: now() + LIFETIME[kind] })).toString('base64url')
      return `${body}.${sign(body)}`
    },
    verify(token, kind) {
      const invalid = (why: string) => new EmulatorError(kind === 'refresh' ? 'INVALID_REFRESH_TOKEN' : 'CHECK_LOGIN_FAILED', why)
      if (typeof token !== 'string' || !token) throw invalid(`${kind === 'access' ? 'access_token' : kind} is required: sign in first`)
      const [body, signature] = token.split('.')
      const expected = body ? sign(body) : ''
      if (!body || !signature || signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
        throw invalid(`the ${kind} token is not one this emulator issued`)
      }
      const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as TokenPayload
      if (payload.kind !== kind) throw invalid(`a ${payload.kind} token was given where a ${kind} token is needed`)
      if (payload.exp <= now()) {
        throw new EmulatorError(kind === 'access' ? 'ACCESS_TOKEN_EXPIRED' : kind === 'refresh' ? 'REFRESH_TOKEN_EXPIRED' : 'CHECK_LOGIN_FAILED', `the ${kind} token expired`)
      }
      return payload
    },
  }
}

/** A new openid: 28 characters, as WeChat's. */
export function newOpenid(): string {
  return 'o' + randomBytes(21).toString('base64url').slice(0, 27)
}
