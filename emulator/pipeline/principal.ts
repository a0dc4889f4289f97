/**
 * Who is asking. Every request, on every surface, is resolved to one principal before anything runs;
 * nothing downstream decides on "an openid is missing".
 */

/** How a user signed in (CloudBase's `auth.loginType`). */
export type LoginType = 'WECHAT' | 'ANONYMOUS' | 'CUSTOM'

export type Principal =
  /** A signed-in user of the app. `uid` is CloudBase's user id: the openid unless a test's ticket names another. */
  | { kind: 'user'; openid: string; uid: string; loginType: LoginType }
  /** No sign-in: refused unless the env allows unauthenticated access (CloudBase's "允许未登录访问"). */
  | { kind: 'guest' }
  /** A verified `/admin` request (the server SDKs, signed with the admin key) or the console. */
  | { kind: 'admin' }
  /** The emulator acting on its own: timer and database triggers, imports, its own housekeeping and notices. */
  | { kind: 'system'; reason: 'timer' | 'trigger' | 'import' | 'emulator' }

export const GUEST: Principal = Object.freeze({ kind: 'guest' })
export const ADMIN: Principal = Object.freeze({ kind: 'admin' })
/** The emulator itself (its notices and housekeeping). */
export const EMULATOR: Principal = Object.freeze({ kind: 'system', reason: 'emulator' })

export function userPrincipal(openid: string, loginType: LoginType, uid: string = openid): Principal {
  return { kind: 'user', openid, uid, loginType }
}

/** Why a committed change happened, as its listeners (watch, triggers, console) see it. */
export type ChangeSource = 'client' | 'admin' | 'trigger' | 'import'

export function sourceOf(principal: Principal): ChangeSource {
  switch (principal.kind) {
    case 'user':
    case 'guest':
      return 'client'
    case 'admin':
      return 'admin'
    case 'system':
      return principal.reason === 'import' ? 'import' : principal.reason === 'emulator' ? 'admin' : 'trigger'
  }
}

/** The openid a client write is stamped with (`_openid`): only a signed-in user has one. */
export function ownerOf(principal: Principal): string | undefined {
  return principal.kind === 'user' ? principal.openid : undefined
}

/** One short word for logs: `user:<openid>`, `guest`, `admin`, `system:trigger`. */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return `user:${principal.openid}`
    case 'system':
      return `system:${principal.reason}`
    default:
      return principal.kind
  }
}
