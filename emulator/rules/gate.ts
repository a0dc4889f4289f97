/**
 * The database's security rules, enforced on one client request (the administrator and the system are
 * never checked: docs/protocol.md §13). Presets and custom rules differ, as on CloudBase, where the simple
 * permissions are not their rule equivalents:
 * - a **preset** filters: PRIVATE adds "the caller's own documents" to every read, update and delete,
 *   READONLY to updates and deletes; ADMINWRITE refuses client writes, ADMINONLY every client request;
 * - a **custom rule** validates: a query must provably match only documents the rule allows (prove.ts),
 *   a `doc(id)` request and a create are evaluated against the one document (evaluate.ts); otherwise the
 *   whole request fails with DATABASE_PERMISSION_DENIED.
 *
 * `emulator/store/workspace.ts` declares the gate it is given (`WorkspaceGate`); this file implements it
 * without importing the store, so that both the database and the realtime services can be handed one.
 */
import { EmulatorError } from '../errors'
import type { Principal } from '../pipeline/principal'
import type { Decide, Guard, RuleDecision, WorkspaceGate } from '../pipeline/rule-checks'
import { evaluateRule } from './evaluate'
import type { RuleExpression } from './ast'
import { compileCollectionRule, PRESET_RULES, ruleFor, type CollectionRule, type PresetName, type RuleKey, type RuleOperation } from './presets'
import { proveQuery } from './prove'
import { RuleLimitError } from './errors'
import { RuleReads, type DocumentReader } from './reads'
import { requestDataOf } from './request-data'
import { authOf, type RequestScope, type RuleAuth } from './scope'
import type { StorageRuleSource } from './storage-gate'
import { idOf } from '../query/id-filter'

type AnyObject = Record<string, unknown>

/** One collection's rule: a preset (it filters) or a custom rule (it validates). */
export type DatabaseRule = { readonly preset: PresetName } | { readonly custom: CollectionRule }

/** The `rules` option of the emulator, as JSON: each collection's preset name or rule object. */
export interface RulesSource {
  readonly database?: Readonly<Record<string, PresetName | Readonly<Partial<Record<RuleKey, boolean | string>>>>>
  /** Cloud function rules (functions-rules.ts): `{ "*": { invoke }, "<name>": { invoke } }`; CloudBase's default without it. */
  readonly functions?: Readonly<Record<string, { readonly invoke: boolean | string }>>
  /** The bucket's rule (storage-gate.ts): a preset's name or `{ read, write }`; WeChat's default (all read, the uploader writes) without it. */
  readonly storage?: StorageRuleSource
}

/** The compiled `rules.database`: each named collection's rule. */
export type DatabaseRules = ReadonlyMap<string, DatabaseRule>

/**
 * A collection without a rule of its own: CloudBase gives a collection created by code "only the creator
 * and the administrator read and write" (WeChat community,
 * developers.weixin.qq.com/community/develop/doc/0002aa68828dc842feb7cd09156400:
 * "通过代码创建的集合权限是'仅创建者及管理员可读写'").
 */
const DEFAULT_RULE: DatabaseRule = { preset: 'PRIVATE' }

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)

const isPreset = (json: unknown): json is PresetName => typeof json === 'string' && Object.prototype.hasOwnProperty.call(PRESET_RULES, json)

/**
 * Compiles the emulator's `rules` option (RulesSource): `{ database: { <collection>: <preset name or
 * rule object> } }`. Other top-level keys (`storage`, `functions`) have compilers of their own.
 *
 * @throws Error naming the collection (and, for an expression that does not parse, the key, line and
 *   column) for anything that is not a rule.
 */
export function compileDatabaseRules(source: unknown): DatabaseRules {
  if (!isObject(source)) throw new Error('rules must be an object such as { database: { <collection>: <rule> } }')
  const json = source.database === undefined ? {} : source.database
  if (!isObject(json)) throw new Error('rules.database must be an object of { <collection>: <rule> }')
  const rules = new Map<string, DatabaseRule>()
  for (const [collection, rule] of Object.entries(json)) {
    try {
      rules.set(collection, isPreset(rule) ? { preset: rule } : { custom: compileCollectionRule(rule) })
    } catch (error) {
      // A RuleSyntaxError is an EmulatorError too; its message carries the key, line and column.
      if (error instanceof EmulatorError) throw new Error(`the rule of collection ${collection}: ${error.message}`, { cause: error })
      throw error
    }
  }
  return rules
}

/** What each preset lets a client do: all documents, the caller's own, or none. */
const PRESET_ACCESS: Record<PresetName, { readonly read: 'all' | 'own' | 'none'; readonly write: 'own' | 'none' }> = {
  READONLY: { read: 'all', write: 'own' },
  PRIVATE: { read: 'own', write: 'own' },
  ADMINWRITE: { read: 'all', write: 'none' },
  ADMINONLY: { read: 'none', write: 'none' },
}

/** A filter no document matches: a guest owns nothing. */
const NOTHING: AnyObject = { _id: { $in: [] } }

const ownedBy = (auth: RuleAuth | null): AnyObject => (auth ? { _openid: auth.openid } : NOTHING)

/**
 * `filter` and `condition` both: merged into one filter when they name different fields (a filter's fields
 * are AND-ed already, and the merged form keeps the compiled matcher and the indexes: an `$and` would scan),
 * else `$and`.
 */
const narrowed = (filter: AnyObject, condition: AnyObject): AnyObject =>
  Object.keys(condition).some((key) => Object.prototype.hasOwnProperty.call(filter, key)) ? { $and: [filter, condition] } : { ...filter, ...condition }

const denied = (message: string) => new EmulatorError('DATABASE_PERMISSION_DENIED', message)

const PRESET_REASON: Record<PresetName, string> = {
  READONLY: 'everyone reads, only the creator writes',
  PRIVATE: 'only the creator reads and writes',
  ADMINWRITE: 'everyone reads, only the administrator (cloud functions, the console) writes',
  ADMINONLY: 'only the administrator (cloud functions, the console) reads and writes',
}

const presetDenial = (collection: string, preset: PresetName, operation: RuleOperation) =>
  denied(`the rule of ${collection} is ${preset} (${PRESET_REASON[preset]}): a client's ${operation} is denied`)

/**
 * The expression that decides `operation` (its own key, else `write`) and how a message names it, or
 * `true` when the rule allows it outright.
 *
 * @throws DATABASE_PERMISSION_DENIED when the rule is `false` (or absent).
 */
function deciding(collection: string, rule: CollectionRule, operation: RuleOperation): { expression: RuleExpression; where: string } | true {
  const key: RuleKey = rule[operation] !== undefined || operation === 'read' ? operation : 'write'
  const compiled = ruleFor(rule, operation)
  if (compiled === true) return true
  const where = `the rule of ${collection}.${key}`
  if (compiled === false) throw denied(rule[key] === undefined ? `${collection} has no \`${key}\` rule: a client's ${operation} is denied` : `${where} is false: a client's ${operation} is denied`)
  return { expression: compiled, where: `${where}, ${JSON.stringify(compiled.source)},` }
}

/**
 * The guard the workspaces of a rules-enforcing emulator are made with: a gate for each client request
 * (a user or a guest), none for the administrator and the system.
 *
 * @param get reads one document through the request's workspace: the document a `doc(id)` request names,
 *   and what the rule's `get()` reads.
 */
export function rulesGuard(rules: DatabaseRules): Guard {
  return (principal, get, decide) => {
    if (principal.kind === 'admin') decide({ rule: 'database', decision: 'admin' })
    const client = clientGate(rules, principal, get)
    return client && recorded(client.gate, client.reads, decide)
  }
}

/**
 * `gate`, with every check it makes recorded: allowed, narrowed to the caller's documents (a preset), denied
 * and why, or not evaluable (a `get()` limit); with the documents `get()` had read.
 */
function recorded(gate: WorkspaceGate, reads: RuleReads, decide: Decide): WorkspaceGate {
  const withReads = (decision: RuleDecision): RuleDecision => {
    const paths = reads.paths()
    return paths.length ? { ...decision, reads: paths } : decision
  }
  const decided = <T>(rule: string, check: () => T, narrows: (result: T) => boolean = () => false): T => {
    try {
      const result = check()
      decide(withReads({ rule, decision: narrows(result) ? 'filter' : 'allow' }))
      return result
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      decide(withReads({ rule, decision: error instanceof RuleLimitError ? 'error' : 'deny', reason }))
      throw error
    }
  }
  return {
    read: (collection, filter) => decided(`${collection}.read`, () => gate.read(collection, filter), (result) => result !== filter),
    write: (collection, filter, operation, data) => decided(`${collection}.${operation}`, () => gate.write(collection, filter, operation, data), (result) => result !== filter),
    create: (collection, doc) => decided(`${collection}.create`, () => gate.create(collection, doc)),
    join: (collection) => decided(`${collection}.read ($lookup)`, () => gate.join(collection), (result) => Object.keys(result).length > 0),
  }
}

/** The unrecorded gate of a client's request and the documents its `get()` calls read, or undefined for the administrator and the system. */
function clientGate(rules: DatabaseRules, principal: Principal, get: DocumentReader): { gate: WorkspaceGate; reads: RuleReads } | undefined {
  if (principal.kind !== 'user' && principal.kind !== 'guest') return undefined
  const auth = authOf(principal)
  // One request's `get()` calls share CloudBase's 10-document limit.
  const reads = new RuleReads(get)
  const ruleOf = (collection: string) => rules.get(collection) ?? DEFAULT_RULE

  /** A custom rule on a query: evaluated on the one document a `doc(id)` filter names, else proven. */
  const check = (collection: string, rule: CollectionRule, operation: RuleOperation, filter: AnyObject, scope: RequestScope): void => {
    const decision = deciding(collection, rule, operation)
    if (decision === true) return
    const id = idOf(filter)
    if (id !== undefined) {
      const stored = get(collection, id)
      // A missing document is simply not found.
      if (stored && !evaluateRule(decision.expression, { ...scope, doc: stored }, reads)) throw denied(`${decision.where} denies the document ${id}`)
      return
    }
    const proof = proveQuery(decision.expression, filter, scope, reads)
    if (!proof.allowed) throw denied(`${decision.where} denies the query: ${proof.missing}`)
  }

  const gate: WorkspaceGate = {
    read(collection, filter) {
      const rule = ruleOf(collection)
      if ('custom' in rule) {
        check(collection, rule.custom, 'read', filter, { auth, now: Date.now() })
        return filter
      }
      const access = PRESET_ACCESS[rule.preset].read
      if (access === 'none') throw presetDenial(collection, rule.preset, 'read')
      return access === 'own' ? narrowed(filter, ownedBy(auth)) : filter
    },

    write(collection, filter, operation, data) {
      const rule = ruleOf(collection)
      if ('custom' in rule) {
        const scope: RequestScope = operation === 'update' && data ? { auth, now: Date.now(), request: { data: requestDataOf(data) } } : { auth, now: Date.now() }
        check(collection, rule.custom, operation, filter, scope)
        return filter
      }
      if (PRESET_ACCESS[rule.preset].write === 'none') throw presetDenial(collection, rule.preset, operation)
      return narrowed(filter, ownedBy(auth))
    },

    create(collection, doc) {
      const rule = ruleOf(collection)
      if ('preset' in rule) {
        // The server stamps `_openid`, so the creator owns what it creates.
        if (PRESET_ACCESS[rule.preset].write === 'none') throw presetDenial(collection, rule.preset, 'create')
        return
      }
      const decision = deciding(collection, rule.custom, 'create')
      if (decision !== true && !evaluateRule(decision.expression, { auth, now: Date.now(), request: { data: doc }, doc }, reads)) {
        throw denied(`${decision.where} denies the new document`)
      }
    },

    join(collection) {
      const rule = ruleOf(collection)
      if ('custom' in rule) {
        if (ruleFor(rule.custom, 'read') === true) return {}
        throw denied(`a $lookup of ${collection} is denied: its \`read\` rule is not \`true\`, and the emulator cannot prove a join against a rule`)
      }
      const access = PRESET_ACCESS[rule.preset].read
      if (access === 'none') throw presetDenial(collection, rule.preset, 'read')
      return access === 'own' ? ownedBy(auth) : {}
    },
  }
  return { gate, reads }
}
