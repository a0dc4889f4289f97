/**
 * Storage's security rule, enforced on client requests (the administrator and the system are never
 * checked: docs/protocol.md §13). CloudBase gives the whole bucket one rule with two keys: `read` (a
 * temporary URL) and `write` (an upload, an overwrite, a delete), each `true`, `false` or an expression over
 * `auth` and `resource` (`resource.openid`, the uploader; `resource.path`, the path in the bucket).
 *
 * The rule decides the API, not the signed URLs: a temporary URL handed out before still downloads until it
 * expires, as on CloudBase.
 */
import { EmulatorError, invalidParam, shown } from '../errors'
import type { RuleDecision, StorageGuard, StorageOperation, StorageResource } from '../pipeline/rule-checks'
import { evaluateRule } from './evaluate'
import { RuleLimitError } from './errors'
import { compileCollectionRule, type CompiledRule, type PresetName } from './presets'
import { RuleReads, type DocumentReader } from './reads'
import { authOf } from './scope'

/** The bucket's rule, its expressions parsed once. */
export type StorageRule = Readonly<Partial<Record<StorageOperation, CompiledRule>>>

/** The `storage` entry of the `rules` option, as JSON: a preset's name or `{ read?, write? }`. */
export type StorageRuleSource = PresetName | Readonly<Partial<Record<StorageOperation, boolean | string>>>

const OWNER = 'resource.openid == auth.openid'

/** The database's preset names, as storage rules (the owner is the uploader). */
const STORAGE_PRESETS: Record<PresetName, Record<StorageOperation, boolean | string>> = {
  READONLY: { read: true, write: OWNER },
  PRIVATE: { read: OWNER, write: OWNER },
  ADMINWRITE: { read: true, write: false },
  ADMINONLY: { read: false, write: false },
}

/**
 * Without a `storage` entry, the default of a new WeChat cloud environment's storage: "所有用户可读，仅创建者
 * 可读写" (every user reads, the uploader writes). CloudBase's newer rule system starts a bucket closed to
 * clients instead ("默认规则下不允许任何非管理端的资源访问"); mpcloud models wx.cloud, where mini programs
 * show uploaded images to other users out of the box, so it takes WeChat's. `"ADMINONLY"` closes it.
 */
const DEFAULT_RULE: StorageRule = compileCollectionRule(STORAGE_PRESETS.READONLY)

const isPreset = (json: unknown): json is PresetName => typeof json === 'string' && Object.prototype.hasOwnProperty.call(STORAGE_PRESETS, json)

/**
 * Compiles `rules.storage` of the emulator's `rules` option (the other keys are the database's).
 *
 * @throws Error saying what is wrong (for an expression that does not parse, the key, line and column).
 */
export function compileStorageRule(rules: unknown): StorageRule {
  const json = rules && typeof rules === 'object' ? (rules as Record<string, unknown>).storage : undefined
  if (json === undefined) return DEFAULT_RULE
  try {
    if (isPreset(json)) return compileCollectionRule(STORAGE_PRESETS[json])
    if (typeof json === 'string') throw invalidParam(`unknown rule preset ${shown(json)}: the presets are ${Object.keys(STORAGE_PRESETS).join(', ')}`)
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw invalidParam(`it is a preset's name or an object { read, write }, not ${shown(json)}`)
    const unknown = Object.keys(json).find((key) => key !== 'read' && key !== 'write')
    if (unknown !== undefined) throw invalidParam(`unknown key ${shown(unknown)}: the keys are read, write`)
    return compileCollectionRule(json)
  } catch (error) {
    // A RuleSyntaxError is an EmulatorError too; its message carries the key, line and column.
    if (error instanceof EmulatorError) throw new Error(`the storage rule: ${error.message}`, { cause: error })
    throw error
  }
}

/**
 * The check of one request: for a client (a user or a guest), none for the administrator and the system.
 * `get('database.<collection>.<id>')` reads the database through `read`, within CloudBase's limits (the
 * documents read are shared by the request's checks, as a batch is one request). Every decision is
 * recorded in `decide`, with the file and the documents `get()` read.
 */
export function storageGuard(rule: StorageRule, read: DocumentReader): StorageGuard {
  return (principal, decide) => {
    if (principal.kind === 'admin') decide({ rule: 'storage', decision: 'admin' })
    if (principal.kind !== 'user' && principal.kind !== 'guest') return undefined
    const auth = authOf(principal)
    const reads = new RuleReads(read)
    const why = (operation: StorageOperation, resource: StorageResource): string | undefined => {
      const compiled = rule[operation] ?? false
      const doing = `a client's ${operation} of ${resource.path}`
      if (compiled === true) return undefined
      if (compiled === false) return `the storage rule's \`${operation}\` is ${rule[operation] === undefined ? 'absent' : 'false'}: ${doing} is denied`
      const allowed = evaluateRule(compiled, { auth, now: Date.now(), resource, doc: undefined }, reads)
      return allowed ? undefined : `the storage rule's \`${operation}\`, ${JSON.stringify(compiled.source)}, denies ${doing}`
    }
    return (operation, resource) => {
      const label = `storage.${operation}`
      const record = (decision: RuleDecision) => {
        const paths = reads.paths()
        decide(paths.length ? { ...decision, reads: paths } : decision)
      }
      let reason: string | undefined
      try {
        reason = why(operation, resource)
      } catch (error) {
        // Past a get() limit: the file is refused, as a denial is.
        if (!(error instanceof RuleLimitError)) throw error
        record({ rule: label, decision: 'error', reason: `${resource.path}: ${error.message}` })
        return error.message
      }
      record(reason === undefined ? { rule: label, decision: 'allow' } : { rule: label, decision: 'deny', reason: `${resource.path}: ${reason}` })
      return reason
    }
  }
}
