/**
 * Cloud function security rules (CloudBase's, for the whole env): `{ "*": { "invoke": ... }, "<name>": {
 * "invoke": ... } }`, a function's own key winning over `*`. CloudBase supports exactly four values:
 * `true`, `false`, `"auth != null"` and `"auth.loginType != 'ANONYMOUS' && auth != null"`; its default is
 * `{ "*": { "invoke": "auth != null" } }`. They govern clients' calls only: the administrator's (server SDKs,
 * a function calling another), triggers and HTTP access are not checked.
 */
import { EmulatorError, shown } from '../errors'
import type { Principal } from '../pipeline/principal'
import type { Decide } from '../pipeline/rule-checks'
import { authOf, type RuleAuth } from './scope'

type InvokeRule = { readonly text: string; allows(auth: RuleAuth | null): boolean }

/** The four values, each with the test it stands for. */
const VALUES: ReadonlyMap<string, (auth: RuleAuth | null) => boolean> = new Map<string, (auth: RuleAuth | null) => boolean>([
  ['true', () => true],
  ['false', () => false],
  ['auth != null', (auth) => auth !== null],
  ["auth.loginType != 'ANONYMOUS' && auth != null", (auth) => auth !== null && auth.loginType !== 'ANONYMOUS'],
])

/** CloudBase's rule when none is given. */
export const DEFAULT_FUNCTION_RULES = { '*': { invoke: 'auth != null' } } as const

/** The compiled function rules: each key's `invoke` rule. */
export type FunctionRules = ReadonlyMap<string, InvokeRule>

const normal = (value: unknown) => (typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.trim().replace(/\s+/g, ' ').replace(/"/g, "'") : undefined)

/** Compiles `rules.functions`; refuses anything CloudBase would, naming the key and the values it takes. */
export function compileFunctionRules(json: unknown = DEFAULT_FUNCTION_RULES): FunctionRules {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('rules.functions must be an object such as { "*": { "invoke": "auth != null" } }')
  const entries = Object.entries(json as Record<string, unknown>)
  if (!entries.some(([key]) => key === '*')) throw new Error('rules.functions needs a "*" key (the rule of every function without its own), as CloudBase requires')
  const rules = new Map<string, InvokeRule>()
  for (const [key, value] of entries) {
    const invoke = value && typeof value === 'object' && !Array.isArray(value) ? (value as { invoke?: unknown }).invoke : undefined
    const text = normal(invoke)
    const allows = text === undefined ? undefined : VALUES.get(text)
    if (!allows) {
      throw new Error(`rules.functions[${JSON.stringify(key)}].invoke must be one of true, false, "auth != null", "auth.loginType != 'ANONYMOUS' && auth != null" (the values CloudBase supports); got ${shown(invoke)}`)
    }
    rules.set(key, { text: text!, allows })
  }
  return rules
}

/** The pipeline's authorize hook for function calls: throws PERMISSION_DENIED when a client may not invoke. */
export function functionsAuthorizer(
  rules: FunctionRules,
): (principal: Principal, action: string, request: { body: Record<string, unknown>; decide: Decide }) => void {
  return (principal, action, { body, decide }) => {
    if (action !== 'functions.invokeFunction') return
    if (principal.kind === 'admin') return decide({ rule: 'functions', decision: 'admin' })
    if (principal.kind !== 'user' && principal.kind !== 'guest') return
    const name = typeof body.function_name === 'string' ? body.function_name : ''
    const key = rules.has(name) ? name : '*'
    const rule = rules.get(key)!
    const label = `functions.${key === '*' ? '*' : name}.invoke`
    if (rule.allows(authOf(principal))) return decide({ rule: label, decision: 'allow' })
    const who = principal.kind === 'guest' ? 'a caller who is not signed in' : `a user signed in as ${principal.loginType}`
    const reason = `the invoke rule of ${key === '*' ? `"*" (function ${JSON.stringify(name)} has none of its own)` : `function ${JSON.stringify(name)}`}, ${rule.text}, denies ${who}`
    decide({ rule: label, decision: 'deny', reason })
    throw new EmulatorError('PERMISSION_DENIED', reason)
  }
}
