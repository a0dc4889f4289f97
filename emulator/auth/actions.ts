/**
 * Sign-in and sign-out (docs/protocol.md §9): the v1 actions on `/web` (js-sdk 1.x, and mpcloud's http transport)
 * and the v3 OAuth-style paths under `/auth/v1` (js-sdk 3.x). Both issue the same tokens: each sign-in
 * starts a session, and a sign-out revokes it, access tokens included.
 */
import { EmulatorError, invalidParam } from '../errors'
import { LIFETIME, newOpenid, type TokenPayload, type Tokens } from './tokens'

type Body = Record<string, unknown>

/** The payload of `token` if it is a valid `kind` token, else undefined (for calls where a bad token is no failure). */
function validToken(tokens: Tokens, token: unknown, kind: TokenPayload['kind']): TokenPayload | undefined {
  try {
    return tokens.verify(token, kind)
  } catch (error) {
    if (error instanceof EmulatorError) return undefined
    throw error
  }
}

/** The v1 `/web` auth actions: the ones sent without an access token (js-sdk's ACTIONS_WITHOUT_ACCESSTOKEN). */
export function webAuthActions(tokens: Tokens): Record<string, (body: Body) => unknown> {
  return {
    'auth.signInAnonymously': (body) => {
      // An anonymous user signing in again with its refresh token keeps its identity, in a new session; with
      // an expired, revoked or foreign refresh token it is a new anonymous user, as CloudBase does.
      const previous = validToken(tokens, body.refresh_token, 'refresh')
      const sub = previous ? previous.sub : newOpenid()
      return { uuid: sub, refresh_token: tokens.issue(sub, 'refresh', 'anonymous') }
    },
    'auth.signInWithTicket': (body) => {
      const { sub } = tokens.verify(body.ticket, 'ticket')
      return { refresh_token: tokens.issue(sub, 'refresh', 'custom') }
    },
    'auth.fetchAccessTokenWithRefreshToken': (body) => {
      const { sub, scope, sid } = tokens.verify(body.refresh_token, 'refresh')
      return { access_token: tokens.issue(sub, 'access', scope, sid), access_token_expire: LIFETIME.access }
    },
    'auth.logout': (body) => {
      // js-sdk 1.x sends its refresh token (no access token): its session ends, access tokens included.
      // Without a valid one there is nothing to take back, and the client signs out all the same.
      const session = validToken(tokens, body.refresh_token, 'refresh')
      if (session) tokens.revokeSession(session)
      return {}
    },
  }
}

/** Credentials as js-sdk 3.x reads them, in session `sid`, or a new session (a sign-in) without it. */
function credentials(tokens: Tokens, sub: string, scope: 'anonymous' | 'custom', sid?: string): Body {
  const refresh_token = tokens.issue(sub, 'refresh', scope, sid)
  // A new session is started by the refresh token; the access token joins it.
  const session = sid || tokens.verify(refresh_token, 'refresh').sid
  return {
    token_type: 'Bearer',
    access_token: tokens.issue(sub, 'access', scope, session),
    refresh_token,
    expires_in: LIFETIME.access / 1000,
    scope,
    sub,
  }
}

/** The v3 paths: sign-in (a new session each), refresh (rotating the refresh token), the current user, sign-out. */
export function oauthRoutes(tokens: Tokens): Record<string, (body: Body, bearer: string | undefined) => Body> {
  return {
    '/auth/v1/signin/anonymously': () => credentials(tokens, newOpenid(), 'anonymous'),
    '/auth/v1/signin/custom': (body) => {
      if (body.provider_id !== undefined && body.provider_id !== 'custom') throw invalidParam('provider_id must be "custom"')
      return credentials(tokens, tokens.verify(body.ticket, 'ticket').sub, 'custom')
    },
    '/auth/v1/token': (body) => {
      if (body.grant_type !== 'refresh_token') throw invalidParam('grant_type must be "refresh_token"')
      const spent = tokens.verify(body.refresh_token, 'refresh')
      // Rotation: the refresh token is used up, the new one carries the session on. Revoked first, so that
      // a refresh token that cannot be revoked (a disk failure) does not also hand out new ones.
      tokens.revokeToken(spent)
      return credentials(tokens, spent.sub, spent.scope, spent.sid)
    },
    '/auth/v1/user/me': (_body, bearer) => {
      const { sub, scope } = tokens.verify(bearer, 'access')
      return { sub, user_id: sub, name: sub, is_anonymous: scope === 'anonymous', status: 'ACTIVE' }
    },
    '/auth/v1/revoke': (body) => {
      // js-sdk 3.x's signOut sends its access token; a refresh token ends its session as well. An invalid
      // token is no error (RFC 7009 §2.2): there is nothing left to revoke.
      const session = validToken(tokens, body.token, 'access') || validToken(tokens, body.token, 'refresh')
      if (session) tokens.revokeSession(session)
      return {}
    },
  }
}
