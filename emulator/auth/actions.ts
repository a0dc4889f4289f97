/**
 * Sign-in (reference §9): the v1 actions on `/web` (js-sdk 1.x, and mpcloud's http transport) and the
 * v3 OAuth-style paths under `/auth/v1` (js-sdk 3.x). Both issue the same tokens.
 */
import { EmulatorError, invalidParam } from '../errors'
import { LIFETIME, newOpenid, type Tokens } from './tokens'

type Body = Record<string, unknown>

/** The v1 `/web` auth actions: the ones sent without an access token (js-sdk's ACTIONS_WITHOUT_ACCESSTOKEN). */
export function webAuthActions(tokens: Tokens): Record<string, (body: Body) => unknown> {
  return {
    'auth.signInAnonymously': (body) => {
      // An anonymous user signing in again with its refresh token keeps its identity.
      let sub = newOpenid()
      if (typeof body.refresh_token === 'string') {
        try {
          sub = tokens.verify(body.refresh_token, 'refresh').sub
        } catch {
          // An expired or foreign refresh token: a new anonymous user, as CloudBase does.
        }
      }
      return { uuid: sub, refresh_token: tokens.issue(sub, 'refresh', 'anonymous') }
    },
    'auth.signInWithTicket': (body) => {
      const { sub } = tokens.verify(body.ticket, 'ticket')
      return { refresh_token: tokens.issue(sub, 'refresh', 'custom') }
    },
    'auth.fetchAccessTokenWithRefreshToken': (body) => {
      const { sub, scope } = tokens.verify(body.refresh_token, 'refresh')
      return { access_token: tokens.issue(sub, 'access', scope), access_token_expire: LIFETIME.access }
    },
    'auth.logout': () => ({}),
  }
}

/** Credentials as js-sdk 3.x reads them. */
function credentials(tokens: Tokens, sub: string, scope: 'anonymous' | 'custom'): Body {
  return {
    token_type: 'Bearer',
    access_token: tokens.issue(sub, 'access', scope),
    refresh_token: tokens.issue(sub, 'refresh', scope),
    expires_in: LIFETIME.access / 1000,
    scope,
    sub,
  }
}

/** The v3 paths: sign-in, refresh, the current user, sign-out. */
export function oauthRoutes(tokens: Tokens): Record<string, (body: Body, bearer: string | undefined) => Body> {
  return {
    '/auth/v1/signin/anonymously': () => credentials(tokens, newOpenid(), 'anonymous'),
    '/auth/v1/signin/custom': (body) => {
      if (body.provider_id !== undefined && body.provider_id !== 'custom') throw invalidParam('provider_id must be "custom"')
      return credentials(tokens, tokens.verify(body.ticket, 'ticket').sub, 'custom')
    },
    '/auth/v1/token': (body) => {
      if (body.grant_type !== 'refresh_token') throw invalidParam('grant_type must be "refresh_token"')
      const { sub, scope } = tokens.verify(body.refresh_token, 'refresh')
      return credentials(tokens, sub, scope)
    },
    '/auth/v1/user/me': (_body, bearer) => {
      const { sub, scope } = tokens.verify(bearer, 'access')
      return { sub, user_id: sub, name: sub, is_anonymous: scope === 'anonymous', status: 'ACTIVE' }
    },
    '/auth/v1/revoke': () => ({}),
  }
}

/** OAuth's error form for the v3 paths: `{ error, error_description }` with 400 or 401. */
export function oauthFailure(error: EmulatorError): { status: number; body: Body } {
  const unauthenticated = ['CHECK_LOGIN_FAILED', 'ACCESS_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  const grant = ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_EXPIRED'].indexOf(error.code) >= 0
  return {
    status: unauthenticated ? 401 : 400,
    body: { error: unauthenticated ? 'unauthenticated' : grant ? 'invalid_grant' : 'invalid_argument', error_description: error.message },
  }
}

