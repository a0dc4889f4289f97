/**
 * A collection's rule: `read`, `write` and the optional refinements `create`, `update`, `delete`, each
 * `true`, `false` or an expression. A write without its own key uses `write`; an operation with neither
 * is denied. The four presets are WeChat's simple permissions written as rules.
 */
import { invalidParam, shown } from '../errors'
import type { RuleExpression } from './ast'
import { RuleSyntaxError } from './errors'
import { parseRule } from './parse'

/** What a rule object holds before it is compiled (its JSON). */
export type RuleSource = boolean | string

const KEYS = ['read', 'write', 'create', 'update', 'delete'] as const
/** The keys of a collection's rule. */
export type RuleKey = (typeof KEYS)[number]

/** The operations rules decide. */
export type RuleOperation = 'read' | 'create' | 'update' | 'delete'

/** One key's rule, compiled: a constant or a parsed expression. */
export type CompiledRule = boolean | RuleExpression

/** A collection's rule with each expression parsed once. */
export type CollectionRule = Readonly<Partial<Record<RuleKey, CompiledRule>>>

const OWNER = 'doc._openid == auth.openid'

/** WeChat's simple permissions as rules. */
export const PRESET_RULES = {
  /** Everyone reads; the creator writes. */
  READONLY: { read: true, write: OWNER },
  /** Only the creator reads and writes. */
  PRIVATE: { read: OWNER, write: OWNER },
  /** Everyone reads; only the administrator (cloud functions, the console) writes. */
  ADMINWRITE: { read: true, write: false },
  /** Only the administrator reads and writes. */
  ADMINONLY: { read: false, write: false },
} as const satisfies Record<string, Partial<Record<RuleKey, RuleSource>>>

/** READONLY, PRIVATE, ADMINWRITE, ADMINONLY. */
export type PresetName = keyof typeof PRESET_RULES

const isPreset = (name: string): name is PresetName => Object.prototype.hasOwnProperty.call(PRESET_RULES, name)

/**
 * Validates and compiles a collection's rule: a rule object (JSON) or a preset's name. Refuses a key
 * other than read, write, create, update, delete (by its name) and a value that is not a boolean or a
 * string; parses each expression.
 *
 * @throws EmulatorError `INVALID_PARAM` for a malformed rule object; RuleSyntaxError (its description
 *   prefixed with the key) for an expression that does not parse.
 */
export function compileCollectionRule(json: unknown): CollectionRule {
  if (typeof json === 'string') {
    if (isPreset(json)) return compileCollectionRule(PRESET_RULES[json])
    throw invalidParam(`unknown rule preset ${shown(json)}: the presets are ${Object.keys(PRESET_RULES).join(', ')}`)
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw invalidParam(`a collection's rule is an object with keys ${KEYS.join(', ')} (or a preset's name), not ${shown(json)}`)
  }
  const rule: Partial<Record<RuleKey, CompiledRule>> = {}
  for (const [key, value] of Object.entries(json)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw invalidParam(`unknown key ${shown(key)} in a collection's rule: the keys are ${KEYS.join(', ')}`)
    }
    rule[key as RuleKey] = compileValue(key, value)
  }
  return rule
}

function compileValue(key: string, value: unknown): CompiledRule {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string') throw invalidParam(`the rule's \`${key}\` must be true, false or an expression string, not ${shown(value)}`)
  try {
    return parseRule(value)
  } catch (error) {
    if (error instanceof RuleSyntaxError) throw new RuleSyntaxError(`in \`${key}\`: ${error.description}`, value, error.position)
    throw error
  }
}

/**
 * The rule that decides `operation`: its own key, else `write` for create, update and delete, else
 * `false` (denied).
 */
export function ruleFor(rule: CollectionRule, operation: RuleOperation): CompiledRule {
  const own = rule[operation]
  if (own !== undefined) return own
  return operation === 'read' ? false : (rule.write ?? false)
}
