/**
 * Queries are validated, not filtered: a read, update or delete by `where` is allowed only when every
 * document the query can match is provably allowed by the rule; otherwise the whole request is denied
 * (CloudBase: "the query condition must be a subset of the rule").
 */
import type { RuleExpression } from './ast'
import { evaluate, type AbstractRun } from './abstract-eval'
import { ANY, constrain, truth } from './domain'
import { explainDenial } from './explain'
import { MAX_BRANCHES, TooManyBranches, isImpossible, queryKnowledge, type Knowledge } from './query-knowledge'
import { RuleReads, type DocumentReader } from './reads'
import type { RequestScope } from './scope'

/** Allowed, or denied with what the query lacks. */
export type ProofResult = { readonly allowed: true } | { readonly allowed: false; readonly missing: string }

/** At most this many case splits per branch (each is one more evaluation of the rule). */
const MAX_CASES = 64

interface Attempt {
  readonly expression: RuleExpression
  readonly scope: RequestScope
  readonly reads: RuleReads
  cases: number
}

function run(attempt: Attempt, knowledge: Knowledge): AbstractRun {
  const state: AbstractRun = { knowledge, scope: attempt.scope, get: attempt.reads.evaluation(), results: new Map(), docPaths: new Map(), unpinned: new Set() }
  evaluate(attempt.expression.root, state)
  return state
}

/**
 * Is the rule true for every document of the branch? When it cannot tell and a field it reads has a few
 * possible values, each value is tried on its own: `doc.a == null || doc.a == undefined` cannot be
 * decided for `{ a: null }` as a whole (each side may be false), but is true for each of null and missing.
 */
function holds(attempt: Attempt, knowledge: Knowledge, state: AbstractRun): boolean {
  const verdict = truth(state.results.get(attempt.expression.root)!)
  if (verdict !== undefined) return verdict
  for (const [node, path] of state.docPaths) {
    const value = state.results.get(node)!
    if (value.kind !== 'values' || value.values.length < 2) continue
    return value.values.every((item) => {
      if (++attempt.cases > MAX_CASES) return false
      const pinned = new Map(knowledge).set(path, constrain(knowledge.get(path) ?? ANY, { kind: 'one-of', values: [item] }))
      return isImpossible(pinned) || holds(attempt, pinned, run(attempt, pinned))
    })
  }
  return false
}

/**
 * Is every document `query` can match allowed by the rule? Each `$or` branch is proven on its own (all
 * must be); `doc.<path>` is what the branch's conditions say of that path (see query-knowledge.ts), and
 * `&&`, `||`, `!` work in three-valued logic: allowed only when the rule is true, not when it cannot tell.
 *
 * @param reads where `get()` reads: a reader, or the `RuleReads` of the request (the branches share its
 *   10-document limit either way).
 * @returns `missing`: what the query lacks, in words a developer can act on.
 * @throws RuleLimitError when an evaluation calls `get()` a 4th time or the request reads an 11th document.
 */
export function proveQuery(expression: RuleExpression, query: Record<string, unknown>, scope: RequestScope, reads: DocumentReader | RuleReads): ProofResult {
  let branches: Knowledge[]
  try {
    branches = queryKnowledge(query)
  } catch (error) {
    if (!(error instanceof TooManyBranches)) throw error
    return { allowed: false, missing: `the query has more than ${MAX_BRANCHES} \`$or\` branches to check against the rule \`${expression.source}\`` }
  }
  const shared = reads instanceof RuleReads ? reads : new RuleReads(reads)
  for (const [index, knowledge] of branches.entries()) {
    // A branch no document can match reveals nothing.
    if (isImpossible(knowledge)) continue
    const attempt: Attempt = { expression, scope, reads: shared, cases: 0 }
    const state = run(attempt, knowledge)
    if (!holds(attempt, knowledge, state)) return { allowed: false, missing: explainDenial(expression, state, index, branches.length) }
  }
  return { allowed: true }
}
