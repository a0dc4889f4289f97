/**
 * The security rules an emulator enforces, all at once (database, storage, functions), behind one holder
 * that can be given new rules while it runs: a changed rules file takes effect at once, and rules that do
 * not compile are refused whole, keeping the ones in force. The services get the holder's three checks,
 * which always read the rules in force now.
 */
import type { Principal } from '../pipeline/principal'
import type { Guard, StorageGuard } from '../pipeline/rule-checks'
import { compileFunctionRules, functionsAuthorizer } from './functions-rules'
import { compileDatabaseRules, rulesGuard, type RulesSource } from './gate'
import type { DocumentReader } from './reads'
import { compileStorageRule, storageGuard } from './storage-gate'

type Authorize = ReturnType<typeof functionsAuthorizer>

interface Compiled {
  database: Guard
  storage: StorageGuard
  functions: Authorize
}

/** Compiles every part first, so that one bad part changes nothing. */
function compile(rules: RulesSource, read: DocumentReader): Compiled {
  return {
    database: rulesGuard(compileDatabaseRules(rules)),
    storage: storageGuard(compileStorageRule(rules), read),
    functions: functionsAuthorizer(compileFunctionRules(rules.functions)),
  }
}

/**
 * What an emulator enforces: rules (what they leave out gets CloudBase's defaults, so `{}` is CloudBase's
 * behaviour for a new environment), or `'open'`: nothing at all, for prototyping.
 */
export type RulesInForce = RulesSource | 'open'

export interface Enforcement {
  /** The database's and the watches' guard (`Guard` of emulator/pipeline/rule-checks.ts). */
  database: Guard
  /** Storage's guard (`StorageGuard` of emulator/pipeline/rule-checks.ts). */
  storage: StorageGuard
  /** The pipeline's authorize hook (function invoke rules). */
  authorize: Authorize
  /**
   * Puts `rules` in force (`'open'`: none). Throws, with the position of the mistake, when they do not
   * compile; the rules in force then stay.
   */
  set(rules: RulesInForce): void
}

/**
 * The enforcement of `rules`; `read` is how a storage rule's `get()` reads the database (the committed
 * documents; the database's own rules read through each request's workspace instead).
 */
export function createEnforcement(rules: RulesInForce, read: DocumentReader = () => undefined): Enforcement {
  const compileInForce = (next: RulesInForce): Compiled | undefined => (next === 'open' ? undefined : compile(next, read))
  let active = compileInForce(rules)
  return {
    database: (principal: Principal, get, decide) => (active ? active.database(principal, get, decide) : undefined),
    storage: (principal, decide) => (active ? active.storage(principal, decide) : undefined),
    authorize: (principal, action, request) => (active ? active.functions(principal, action, request) : undefined),
    set(next) {
      active = compileInForce(next)
    },
  }
}
