/**
 * The auth service: sign-in (the v1 actions on `/web`, the v3 paths under `/auth/v1`), the realtime
 * sign (`auth.wsWebSign`), and the authenticators that turn credentials into a principal: an access
 * token on `/web`, a bearer token on the v3 paths, the admin key's TC3 signature on `/admin`.
 */
import { ADMIN, GUEST, userPrincipal, type LoginType } from '../pipeline/principal'
import type { Authenticator, Service } from '../pipeline/service'
import { oauthActions, webAuthActions } from './actions'
import { verifyAdminSignature, type AdminCredentials } from './admin-signature'
import type { TokenPayload, Tokens } from './tokens'

export interface AuthOptions {
  env: string
  tokens: Tokens
  adminKey: AdminCredentials
  /** CloudBase's "allow unauthenticated access": a `/web` request without a token acts as a guest instead of failing. */
  allowUnauthenticated: boolean
}

const LOGIN_TYPES: Record<Exclude<TokenPayload['scope'], 'admin'>, LoginType> = { anonymous: 'ANONYMOUS', custom: 'CUSTOM', wechat: 'WECHAT' }

/** Who a valid access token names: a user, or (a session the emulator's owner made) the administrator. */
function principalOfToken(tokens: Tokens, token: unknown) {
  const { sub, scope, uid } = tokens.verify(token, 'access')
  return scope === 'admin' ? ADMIN : userPrincipal(sub, LOGIN_TYPES[scope], uid)
}

const bearerOf = (authorization: string | undefined) => (authorization && /^Bearer /i.test(authorization) ? authorization.slice(7) : undefined)

export function authService(options: AuthOptions): Service {
  const { tokens } = options
  const web: Authenticator = ({ body }) =>
    body.access_token === undefined && options.allowUnauthenticated ? GUEST : principalOfToken(tokens, body.access_token)
  const bearer: Authenticator = ({ headers }) => principalOfToken(tokens, bearerOf(headers.authorization))
  const admin: Authenticator = ({ method, url, headers, body }) => (verifyAdminSignature({ method, url, headers, body }, options.adminKey), ADMIN)

  return { name: 'auth', actions: { web: webAuthActions(tokens, options.env), oauth: oauthActions(tokens) }, authenticators: { web, admin, oauth: bearer } }
}
