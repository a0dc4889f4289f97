/**
 * What a rule can read besides the document: who is asking (`auth`), the write's payload (`request`),
 * the time (`now`) and, for storage rules, the file (`resource`).
 */
import type { LoginType, Principal } from '../pipeline/principal'

/** `auth` in a rule: the signed-in user, or null. */
export interface RuleAuth {
  readonly openid: string
  readonly uid: string
  readonly loginType: LoginType
}

/** The request-side globals, everything but `doc` (the prover derives `doc` from the query). */
export interface RequestScope {
  readonly auth: RuleAuth | null
  /** `request.data`: the write's payload, for create and update. */
  readonly request?: { readonly data: unknown }
  /** Milliseconds since the epoch. */
  readonly now: number
  /** Storage rules: the file's metadata (`resource.openid`). */
  readonly resource?: unknown
}

/** Everything a concrete evaluation reads: the request-side globals and the document. */
export interface RuleScope extends RequestScope {
  /** The stored document (reads, updates, deletes by id) or the one being created. */
  readonly doc: unknown
}

/**
 * `auth` for a principal: a user's identity, null for a guest. The administrator and the system are not
 * subject to rules (docs/protocol.md §13) and have no `auth`; asking is a mistake of the caller's.
 */
export function authOf(principal: Principal): RuleAuth | null {
  switch (principal.kind) {
    case 'user':
      return { openid: principal.openid, uid: principal.uid, loginType: principal.loginType }
    case 'guest':
      return null
    default:
      throw new Error(`security rules do not apply to ${principal.kind} requests`)
  }
}
