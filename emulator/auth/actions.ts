/**
 * Sign-in and sign-out (docs/protocol.md §9): the v1 actions on `/web` (js-sdk 1.x, and mpcloud's http transport)
 * and the v3 OAuth-style paths under `/auth/v1` (js-sdk 3.x). Both issue the same tokens: each sign-in
 * starts a session, and a sign-out revokes it, access tokens included.
 */
import { EmulatorError, invalidParam } from '../errors'
import type { Action } from '../pipeline/service'
import { LIFETIME, newOpenid, type TokenPayload, type Tokens, type TokenSubject } from './tokens'

type Body = Record<string, unknown>

/** A sign-in or sign-out: it reads no credentials of the caller (there are none yet, or they are what it ends). */
const anyone = (handle: (body: Body) => Body): Action => ({ access: 'anyone', handle: ({ body }) => handle(body) })

/** The payload of `token` if it is a valid `kind` token, else undefined (for calls where a bad token is no failure). */
function validToken(tokens: Tokens, token: unknown, kind: TokenPayload['kind']): TokenPayload | undefined {
  try {
    return tokens.verify(token, kind)
  } catch (error) {
    if (error instanceof EmulatorError) return undefined
    throw error
  }
}

/**
 * The v1 `/web` auth actions: the ones sent without an access token (js-sdk's ACTIONS_WITHOUT_ACCESSTOKEN),
 * answered as `{ data }`, and the realtime sign, which needs a signed-in caller.
 */
export function webAuthActions(tokens: Tokens, env: string): Record<string, Action> {
  const v1 = (handle: (body: Body) => Body) => anyone((body) => ({ data: handle(body) }))
  return {
    'auth.signInAnonymously': v1((body) => {
      // An anonymous user signing in again with its refresh token keeps its identity, in a new session; with
      // an expired, revoked or foreign refresh token it is a new anonymous user, as CloudBase does.
      const previous = validToken(tokens, body.refresh_token, 'refresh')
      const sub = previous ? previous.sub : newOpenid()
      return { uuid: sub, refresh_token: tokens.issue({ sub, scope: 'anonymous' }, 'refresh') }
    }),
    'auth.signInWithTicket': v1((body) => {
      return { refresh_token: tokens.issue(tokens.verify(body.ticket, 'ticket'), 'refresh') }
    }),
    'auth.fetchAccessTokenWithRefreshToken': v1((body) => {
      const refresh = tokens.verify(body.refresh_token, 'refresh')
      return { access_token: tokens.issue(refresh, 'access', refresh.sid), access_token_expire: LIFETIME.access }
    }),
    'auth.logout': v1((body) => {
      // js-sdk 1.x sends its refresh token (no access token): its session ends, access tokens included.
      // Without a valid one there is nothing to take back, and the client signs out all the same.
      const session = validToken(tokens, body.refresh_token, 'refresh')
      if (session) tokens.revokeSession(session)
      return {}
    }),
    'auth.wsWebSign': {
      access: 'principal',
      handle({ body, origin }) {
        // The sign is a fresh access token in the caller's session: LOGIN on the socket proves the same
        // identity, and a sign-out takes it back with the rest.
        const access = tokens.verify(body.access_token, 'access')
        return { data: { signStr: tokens.issue(access, 'access', access.sid), wsUrl: `${origin.replace(/^http/, 'ws')}/ws`, secretVersion: 1, envId: env } }
      },
    },
  }
}

/** Credentials as js-sdk 3.x reads them, in session `sid`, or a new session (a sign-in) without it. */
function credentials(tokens: Tokens, subject: TokenSubject, sid?: string): Body {
  const refresh_token = tokens.issue(subject, 'refresh', sid)
  // A new session is started by the refresh token; the access token joins it.
  const session = sid || tokens.verify(refresh_token, 'refresh').sid
  return {
    token_type: 'Bearer',
    access_token: tokens.issue(subject, 'access', session),
    refresh_token,
    expires_in: LIFETIME.access / 1000,
    scope: subject.scope,
    sub: subject.sub,
  }
}

/**
 * The v3 paths, by `METHOD path`: sign-in (a new session each), refresh (rotating the refresh token), the
 * current user (the bearer's), sign-out.
 */
export function oauthActions(tokens: Tokens): Record<string, Action> {
  return {
    'POST /auth/v1/signin/anonymously': anyone(() => credentials(tokens, { sub: newOpenid(), scope: 'anonymous' })),
    'POST /auth/v1/signin/custom': anyone((body) => {
      if (body.provider_id !== undefined && body.provider_id !== 'custom') throw invalidParam('provider_id must be "custom"')
      return credentials(tokens, tokens.verify(body.ticket, 'ticket'))
    }),
    'POST /auth/v1/token': anyone((body) => {
      if (body.grant_type !== 'refresh_token') throw invalidParam('grant_type must be "refresh_token"')
      const spent = tokens.verify(body.refresh_token, 'refresh')
      // Rotation: the refresh token is used up, the new one carries the session on. Revoked first, so that
      // a refresh token that cannot be revoked (a disk failure) does not also hand out new ones.
      tokens.revokeToken(spent)
      return credentials(tokens, spent, spent.sid)
    }),
    'GET /auth/v1/user/me': {
      access: 'principal',
      handle({ principal }) {
        if (principal.kind !== 'user') throw new EmulatorError('CHECK_LOGIN_FAILED', 'sign in first')
        const sub = principal.openid
        return { sub, user_id: sub, name: sub, is_anonymous: principal.loginType === 'ANONYMOUS', status: 'ACTIVE' }
      },
    },
    'POST /auth/v1/revoke': anyone((body) => {
      // js-sdk 3.x's signOut sends its access token; a refresh token ends its session as well. An invalid
      // token is no error (RFC 7009 §2.2): there is nothing left to revoke.
      const session = validToken(tokens, body.token, 'access') || validToken(tokens, body.token, 'refresh')
      if (session) tokens.revokeSession(session)
      return {}
    }),
  }
}
