/**
 * The caller's session with a CloudBase-compatible endpoint (docs/protocol.md §9.3, the v1 actions): signs in
 * anonymously, or with a custom ticket, on first use; trades the refresh token for access tokens and
 * renews them before they expire. Sessions live in memory, per cloud.
 */
import type { Requester, TokenSource } from '../core/request'
import { CloudError } from '../protocol/errors'
import type { KeyValueStorage } from '../platform'

/** Who signs in: anonymous unless a custom login ticket is given. */
export interface Identity {
  ticket?: string
}

/**
 * Where an anonymous session's refresh token is kept between launches, so the user keeps their openid
 * (and the documents it owns). Ticket sessions are not kept: a new ticket may name another user.
 */
export interface SessionStore {
  storage: KeyValueStorage
  key: string
}

/** Codes after which the refresh token is worthless: sign in again. */
const SESSION_ENDED = ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_EXPIRED', 'SIGN_PARAM_INVALID']

/** Renew this long before the server's expiry, so a token never dies in flight. */
const MARGIN_MS = 30_000

export function createSession(send: Requester, identity: Identity, store?: SessionStore): TokenSource {
  const kept = !identity.ticket && store ? store : undefined
  let refreshToken: string | undefined = kept ? kept.storage.get(kept.key) || undefined : undefined
  let accessToken: string | undefined
  let expiresAt = 0
  let pending: Promise<string> | undefined

  function field(data: unknown, name: string, action: string): string {
    const value = data && (data as Record<string, unknown>)[name]
    if (typeof value !== 'string' || !value) throw new CloudError('auth', 'SDK_ERROR', `${action} answered without ${name}`)
    return value
  }

  function signIn(): Promise<string> {
    const request = identity.ticket
      ? { action: 'auth.signInWithTicket', ticket: identity.ticket }
      : { action: 'auth.signInAnonymously' }
    return send('auth.signIn', request).then((response) => {
      refreshToken = field(response.data, 'refresh_token', request.action)
      if (kept) kept.storage.set(kept.key, refreshToken)
      return refreshToken
    })
  }

  function fetchAccessToken(retry: boolean): Promise<string> {
    const ready = refreshToken ? Promise.resolve(refreshToken) : signIn()
    return ready
      .then((refresh_token) => send('auth.fetchAccessToken', { action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token }))
      .then(
        (response) => {
          const data = response.data as { access_token?: unknown; access_token_expire?: unknown }
          accessToken = field(data, 'access_token', 'auth.fetchAccessTokenWithRefreshToken')
          expiresAt = Date.now() + (typeof data.access_token_expire === 'number' ? data.access_token_expire : 7200_000) - MARGIN_MS
          return accessToken
        },
        (error: CloudError) => {
          if (!retry || SESSION_ENDED.indexOf(error.code) < 0) throw error
          refreshToken = undefined
          if (kept) kept.storage.remove(kept.key)
          return fetchAccessToken(false)
        },
      )
  }

  return {
    get(renew) {
      if (!renew && accessToken && Date.now() < expiresAt) return Promise.resolve(accessToken)
      // Concurrent calls share one sign-in.
      if (!pending) {
        pending = fetchAccessToken(true).then(
          (token) => ((pending = undefined), token),
          (error: unknown) => {
            pending = undefined
            throw error
          },
        )
      }
      return pending
    },
  }
}
