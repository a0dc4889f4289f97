/**
 * The contracts between the security rules (`emulator/rules/`, which implements them) and the parts that
 * apply them (the store's workspaces, storage, the pipeline), declared once, here at the bottom, so that
 * neither side imports the other. Types only.
 */
import type { Principal } from './principal'

type AnyObject = Record<string, unknown>

/** One security-rule decision a request met: which rule, what it decided, and why. */
export interface RuleDecision {
  /**
   * The rule: `<collection>.<operation>` for the database, `storage.<operation>`, `functions.<name>.invoke`;
   * `database`, `storage`, `functions` for an administrator's request.
   */
  rule: string
  /**
   * `allow`: the rule holds; `filter`: a preset narrowed the request to what the caller may see; `deny`;
   * `error`: the rule could not be evaluated (past a `get()` limit), so the request is refused; `admin`:
   * the administrator, whom no rule applies to.
   */
  decision: 'allow' | 'filter' | 'deny' | 'error' | 'admin'
  /** What the rule said, for a denial or an error. */
  reason?: string
  /** The documents the request's `get()` calls had read by then (`database.<collection>.<id>`). */
  reads?: string[]
}

/** Where a check records each decision it makes: the request's event. */
export type Decide = (decision: RuleDecision) => void

/** The database's rules as one request's workspace applies them. Each method answers what to run or throws the denial. */
export interface WorkspaceGate {
  /** A read of `collection` by a resolved filter: the filter to run (a preset narrows it to the caller's). */
  read(collection: string, filter: AnyObject): AnyObject
  /** An update (with its data) or a delete by a resolved filter: the filter to run. */
  write(collection: string, filter: AnyObject, operation: 'update' | 'delete', data?: AnyObject): AnyObject
  /** A new document, as it will be stored: allowed, or throws. */
  create(collection: string, doc: AnyObject): void
  /** A `$lookup` (or other join) of `collection`: the filter its documents are joined through. */
  join(collection: string): AnyObject
}

/**
 * Makes the gate of one request's workspace: none for a principal the rules do not apply to. `get` reads
 * one document through that workspace (undefined when it or its collection does not exist).
 */
export type Guard = (principal: Principal, get: (collection: string, id: string) => Readonly<AnyObject> | undefined, decide: Decide) => WorkspaceGate | undefined

/** What a storage rule decides: `read` (a temporary URL), `write` (an upload, an overwrite, a delete). */
export type StorageOperation = 'read' | 'write'

/** The file a storage rule is asked about: `resource` in the rule. */
export interface StorageResource {
  /** The uploader's openid; none for a file of the administrator's or a guest's. */
  readonly openid?: string
  /** The cloud path, e.g. `photos/a.jpg`. */
  readonly path: string
}

/** Why the rule refuses `operation` on `resource`, or `undefined` when it allows it. */
export type StorageCheck = (operation: StorageOperation, resource: StorageResource) => string | undefined

/**
 * The storage check of one principal's request, recording each decision it makes in `decide`; `undefined`
 * when no rule applies (the administrator, the system).
 */
export type StorageGuard = (principal: Principal, decide: Decide) => StorageCheck | undefined
