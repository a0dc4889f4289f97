/**
 * The security rule check storage is given (`emulator/rules/storage-gate.ts` implements it; `index.ts`
 * hands it over), declared here so that storage imports no other part of the emulator.
 */
import type { Principal } from '../pipeline/principal'

/** What the rule decides: `read` (a temporary URL), `write` (an upload, an overwrite, a delete). */
export type StorageOperation = 'read' | 'write'

/** The file a rule is asked about: `resource` in the rule. */
export interface StorageResource {
  /** The uploader's openid; none for a file of the administrator's or a guest's. */
  readonly openid?: string
  /** The cloud path, e.g. `photos/a.jpg`. */
  readonly path: string
}

/** Why the rule refuses `operation` on `resource`, or `undefined` when it allows it. */
export type StorageCheck = (operation: StorageOperation, resource: StorageResource) => string | undefined

/** The check of one principal's request; `undefined` when no rule applies (the administrator, the system). */
export type StorageGuard = (principal: Principal) => StorageCheck | undefined
