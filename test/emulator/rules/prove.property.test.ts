/**
 * The prover is sound: for random rules over `doc.a`, `doc.b` and `auth.openid` and random queries over
 * the same fields, whenever proveQuery allows a query, every document of a population that the query
 * matches (mingo, the emulator's query engine) satisfies the rule (evaluateRule). It is also useful: it
 * allows a fair share of the queries a brute force over the population says it could allow.
 *
 * The population holds single values in its fields (numbers, strings, booleans, null, missing), the
 * documented assumption of the prover (query-knowledge.ts): it does not model MongoDB's matching of an
 * array field by one of its elements.
 */
import fc from 'fast-check'
import { Query } from 'mingo'
import { describe, expect, it } from 'vitest'
import { evaluateRule } from '../../../emulator/rules/evaluate'
import { parseRule } from '../../../emulator/rules/parse'
import { proveQuery } from '../../../emulator/rules/prove'
import type { RuleAuth } from '../../../emulator/rules/scope'

const alice: RuleAuth = { openid: 'alice', uid: 'alice', loginType: 'WECHAT' }
const noDocuments = (): undefined => undefined

// Values of the population, and the constants of rules and queries (the same pool, so they meet).
const MISSING = Symbol('missing')
const numbers = [-1, 0, 0.5, 1, 1.5, 2, 3]
const strings = ['alice', 'bob', 'x', '']
const pool: unknown[] = [...numbers, ...strings, true, false, null]
const population = [...pool, MISSING].flatMap((a) =>
  [...pool, MISSING].map((b) => {
    const doc: Record<string, unknown> = { _id: `${String(a)}-${String(b)}` }
    if (a !== MISSING) doc.a = a
    if (b !== MISSING) doc.b = b
    return doc
  }),
)

/** A constant as rule text. */
const text = (value: unknown): string => (typeof value === 'string' ? `'${value}'` : String(value))

const constant = fc.constantFrom<unknown>(...numbers, ...strings, true, null, undefined)
const operand = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('doc.a', 'doc.b') },
  { weight: 1, arbitrary: fc.constant('auth.openid') },
  { weight: 3, arbitrary: constant.map(text) },
)
const comparison = fc
  .tuple(operand, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), operand)
  // `auth.openid == null` is refused when the rule is compiled (convert.ts): it cannot mean what it says.
  .filter(([l, op, r]) => !((op === '==' || op === '!=') && ((l === 'auth.openid' && r === 'null') || (l === 'null' && r === 'auth.openid'))))
  .map(([l, op, r]) => `${l} ${op} ${r}`)
const membership = fc
  .tuple(fc.constantFrom('doc.a', 'doc.b', 'auth.openid'), fc.uniqueArray(constant, { minLength: 1, maxLength: 3 }))
  .map(([value, list]) => `${value} in [${list.map(text).join(', ')}]`)
const rule: fc.Arbitrary<string> = fc.letrec<{ rule: string }>((tie) => ({
  rule: fc.oneof(
    { weight: 4, arbitrary: comparison },
    { weight: 1, arbitrary: membership },
    { weight: 2, arbitrary: fc.tuple(tie('rule'), fc.constantFrom('&&', '||'), tie('rule')).map(([l, op, r]) => `(${l}) ${op} (${r})`) },
    { weight: 1, arbitrary: tie('rule').map((inner) => `!(${inner})`) },
  ),
})).rule

const queryValue = fc.constantFrom<unknown>(...numbers, ...strings, true, null)
const ordered = fc.constantFrom<unknown>(...numbers, ...strings)
const condition = fc.oneof(
  { weight: 3, arbitrary: queryValue },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), ordered).map(([op, v]) => ({ [op]: v })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom('$gt', '$gte'), fc.constantFrom(...numbers), fc.constantFrom('$lt', '$lte'), fc.constantFrom(...numbers)).map(([a, x, b, y]) => ({ [a]: x, [b]: y })),
  },
  { weight: 2, arbitrary: fc.uniqueArray(queryValue, { minLength: 1, maxLength: 3 }).map((values) => ({ $in: values })) },
  { weight: 1, arbitrary: queryValue.map((value) => ({ $ne: value })) },
  { weight: 1, arbitrary: fc.uniqueArray(queryValue, { minLength: 1, maxLength: 3 }).map((values) => ({ $nin: values })) },
  { weight: 1, arbitrary: queryValue.map((value) => ({ $eq: value })) },
)
const conjunction = fc.record({ a: condition, b: condition }, { requiredKeys: [] })
const query = fc.oneof(
  { weight: 3, arbitrary: conjunction },
  { weight: 1, arbitrary: fc.tuple(conjunction, fc.array(conjunction, { minLength: 1, maxLength: 3 })).map(([rest, or]) => ({ ...rest, $or: or })) },
)

describe('proveQuery is sound', () => {
  it('a query it allows matches only documents the rule allows', () => {
    let couldAllow = 0
    let allowedOfThose = 0
    let allowed = 0
    let runs = 0
    fc.assert(
      fc.property(rule, query, fc.boolean(), (source, q, signedIn) => {
        runs++
        const expression = parseRule(source)
        const auth = signedIn ? alice : null
        const verdict = proveQuery(expression, q, { auth, now: 0 }, noDocuments)
        const matcher = new Query(q)
        const matching = population.filter((doc) => matcher.test(doc))
        const satisfied = matching.filter((doc) => evaluateRule(expression, { auth, doc, now: 0 }, noDocuments))
        if (verdict.allowed) {
          allowed++
          // Soundness: print the documents the query matches that the rule refuses.
          expect(matching.filter((doc) => !satisfied.includes(doc))).toEqual([])
        }
        if (matching.length > 0 && satisfied.length === matching.length) {
          couldAllow++
          if (verdict.allowed) allowedOfThose++
        }
      }),
      { numRuns: 5000 },
    )
    const rate = allowedOfThose / couldAllow
    console.info(
      `prover: allowed ${allowed} of ${runs} runs; of the ${couldAllow} runs where every matching document (at least one) satisfies the rule, it allowed ${allowedOfThose} (${(rate * 100).toFixed(1)}%)`,
    )
    expect(rate).toBeGreaterThan(0.1)
  })
})
