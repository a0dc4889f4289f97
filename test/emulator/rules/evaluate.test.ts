/**
 * evaluateRule: a rule against one document, with CloudBase's documented examples and the get() limits.
 */
import { describe, expect, it } from 'vitest'
import { RuleLimitError } from '../../../emulator/rules/errors'
import { evaluateRule } from '../../../emulator/rules/evaluate'
import { parseRule } from '../../../emulator/rules/parse'
import { RuleReads, type Doc } from '../../../emulator/rules/reads'
import type { RuleScope } from '../../../emulator/rules/scope'
import { authOf } from '../../../emulator/rules/scope'
import { ADMIN, GUEST, userPrincipal } from '../../../emulator/pipeline/principal'

const alice = { openid: 'alice', uid: 'alice-uid', loginType: 'WECHAT' as const }
const noDocuments = (): undefined => undefined

function allows(source: string, scope: Partial<RuleScope>, documents: Record<string, Doc> = {}): boolean {
  const full: RuleScope = { auth: alice, doc: {}, now: 1_000, ...scope }
  return evaluateRule(parseRule(source), full, (collection, id) => documents[`${collection}/${id}`])
}

describe('evaluateRule: the documented examples', () => {
  it("auth.uid in ['zzz','aaa']", () => {
    expect(allows("auth.uid in ['zzz','aaa']", { auth: { ...alice, uid: 'aaa' } })).toBe(true)
    expect(allows("auth.uid in ['zzz','aaa']", {})).toBe(false)
    expect(allows("!(auth.uid in ['zzz','aaa'])", {})).toBe(true)
  })

  it('auth.openid in doc.teacher', () => {
    expect(allows('auth.openid in doc.teacher', { doc: { teacher: ['bob', 'alice'] } })).toBe(true)
    expect(allows('auth.openid in doc.teacher', { doc: { teacher: ['bob'] } })).toBe(false)
    // `in` looks into arrays only: not into strings, not at an object's keys.
    expect(allows('auth.openid in doc.teacher', { doc: { teacher: 'alice' } })).toBe(false)
    expect(allows('auth.openid in doc.teacher', { doc: { teacher: { alice: true } } })).toBe(false)
    expect(allows('auth.openid in doc.teacher', { doc: {} })).toBe(false)
  })

  it("get('database.user_roles.' + auth.uid).role == 'admin'", () => {
    const rule = "get('database.user_roles.' + auth.uid).role == 'admin'"
    expect(allows(rule, {}, { 'user_roles/alice-uid': { role: 'admin' } })).toBe(true)
    expect(allows(rule, {}, { 'user_roles/alice-uid': { role: 'user' } })).toBe(false)
    expect(allows(rule, {}, {})).toBe(false)
    // Signed out, the path is not 'database.user_roles.undefined' (a document anyone could create).
    expect(allows(rule, { auth: null }, { 'user_roles/undefined': { role: 'admin' } })).toBe(false)
  })

  it('get(`database.B.${doc.shopId}`).owner == auth.openid', () => {
    const rule = 'get(`database.B.${doc.shopId}`).owner == auth.openid'
    const shops = { 'B/s1': { owner: 'alice' }, 'B/s2': { owner: 'bob' }, 'B/undefined': { owner: 'alice' } }
    expect(allows(rule, { doc: { shopId: 's1' } }, shops)).toBe(true)
    expect(allows(rule, { doc: { shopId: 's2' } }, shops)).toBe(false)
    expect(allows(rule, { doc: {} }, shops)).toBe(false)
    expect(allows('auth.openid in get(`database.B.${doc.shopId}`).owners', { doc: { shopId: 7 } }, { 'B/7': { owners: ['alice'] } })).toBe(true)
  })

  it('now >= doc.startTime && now <= doc.endTime, with numbers and with stored dates', () => {
    const rule = 'now >= doc.startTime && now <= doc.endTime'
    expect(allows(rule, { now: 150, doc: { startTime: 100, endTime: 200 } })).toBe(true)
    expect(allows(rule, { now: 250, doc: { startTime: 100, endTime: 200 } })).toBe(false)
    expect(allows(rule, { now: 150, doc: { startTime: new Date(100), endTime: new Date(200) } })).toBe(true)
    expect(allows(rule, { now: 150, doc: { startTime: '100', endTime: '200' } })).toBe(false)
  })

  it('request.data.price == undefined', () => {
    expect(allows('request.data.price == undefined', { request: { data: { title: 'x' } } })).toBe(true)
    expect(allows('request.data.price == undefined', { request: { data: { price: 3 } } })).toBe(false)
    expect(allows('request.data.price == undefined', {})).toBe(true)
  })

  it('auth == null for a caller who is not signed in', () => {
    expect(allows('auth == null', { auth: null })).toBe(true)
    expect(allows('auth == null', {})).toBe(false)
    expect(allows('auth != null && doc._openid == auth.openid', { auth: null, doc: {} })).toBe(false)
  })

  it('a[auth.uid] and doc._openid == auth.openid', () => {
    expect(allows("get('database.test.123')[auth.uid] in [1,2,3]", {}, { 'test/123': { 'alice-uid': 2 } })).toBe(true)
    expect(allows('doc._openid == auth.openid', { doc: { _openid: 'alice' } })).toBe(true)
    expect(allows('doc._openid == auth.openid', { doc: { _openid: 'bob' } })).toBe(false)
  })
})

describe('evaluateRule: semantics', () => {
  it('compares strictly, and arrays, objects and dates by value', () => {
    expect(allows("doc.a == '1'", { doc: { a: 1 } })).toBe(false)
    expect(allows('doc.a == null', { doc: {} })).toBe(false)
    expect(allows('doc.a == undefined', { doc: {} })).toBe(true)
    expect(allows('doc.a == [1, [2]]', { doc: { a: [1, [2]] } })).toBe(true)
    expect(allows('doc.a == doc.b', { doc: { a: { x: 1, y: 2 }, b: { y: 2, x: 1 } } })).toBe(true)
    expect(allows('doc.a == doc.b', { doc: { a: new Date(5), b: new Date(5) } })).toBe(true)
    expect(allows("doc.a < 'b' && doc.b > 1", { doc: { a: 'a', b: 2 } })).toBe(true)
    expect(allows("doc.a < 'b'", { doc: { a: 0 } })).toBe(false)
    expect(allows('!(doc.a < 1)', { doc: { a: 'x' } })).toBe(true)
  })

  it('reads what is not there as missing: equal to `undefined`, to nothing else, not even another missing value', () => {
    expect(allows('doc.a == undefined && doc.a.b.c == undefined && auth.x == undefined', { doc: {} })).toBe(true)
    expect(allows('doc.a == doc.b', { doc: {} })).toBe(false)
    expect(allows('doc.a != doc.b', { doc: {} })).toBe(true)
    // Signed out, on a document the administrator wrote (no _openid): not the owner.
    expect(allows('doc._openid == auth.openid', { auth: null, doc: { title: 'x' } })).toBe(false)
    expect(allows('doc.a in [undefined]', { doc: {} })).toBe(true)
    expect(allows('doc.a == null', { doc: { a: null } })).toBe(true)
  })

  it('counts only `true` as allowed, in logic as in the result', () => {
    expect(allows('doc.a', { doc: { a: true } })).toBe(true)
    expect(allows('doc.a', { doc: { a: 'yes' } })).toBe(false)
    expect(allows('doc.a && true', { doc: { a: 1 } })).toBe(false)
    expect(allows('!doc.a', { doc: { a: 'yes' } })).toBe(true)
    expect(allows("'x'", {})).toBe(false)
  })

  it('concatenates strings, never adds numbers, and reads no prototype', () => {
    expect(allows("'a' + 1 + true == 'a1true'", {})).toBe(true)
    expect(allows('1 + 2 == 3', {})).toBe(false)
    expect(allows("'a' + doc.missing == undefined", { doc: {} })).toBe(true)
    expect(allows("doc[auth.uid] == undefined", { auth: { ...alice, uid: '__proto__' }, doc: {} })).toBe(true)
    expect(allows("doc['toString'] == undefined && doc.tags.length == undefined", { doc: { tags: [1] } })).toBe(true)
    expect(allows('doc.tags[1] == 2 && doc.tags["0"] == 1', { doc: { tags: [1, 2] } })).toBe(true)
    expect(allows('doc.a.b.c == undefined', { doc: { a: null } })).toBe(true)
  })
})

describe('evaluateRule: get() limits', () => {
  const counting = () => {
    const calls: string[] = []
    return { calls, reader: (collection: string, id: string): Doc => (calls.push(`${collection}.${id}`), { ok: true }) }
  }

  it('refuses a 4th call in one evaluation', () => {
    const three = "get('database.a.1').ok && get('database.a.2').ok && get('database.a.1').ok"
    expect(allows(three, {})).toBe(false) // documents missing: no error, just false
    const { calls, reader } = counting()
    expect(evaluateRule(parseRule(three), { auth: alice, doc: {}, now: 0 }, reader)).toBe(true)
    expect(calls).toEqual(['a.1', 'a.2']) // the same document is read once
    const four = `${three} && get('database.a.3').ok`
    expect(() => evaluateRule(parseRule(four), { auth: alice, doc: {}, now: 0 }, reader)).toThrow(RuleLimitError)
    expect(() => evaluateRule(parseRule(four), { auth: alice, doc: {}, now: 0 }, reader)).toThrow(/4 times/)
    // A call the rule does not reach does not count.
    expect(evaluateRule(parseRule(`false && ${four}`), { auth: alice, doc: {}, now: 0 }, reader)).toBe(false)
  })

  it('refuses an 11th distinct document in one request', () => {
    const { reader } = counting()
    const reads = new RuleReads(reader)
    const rule = (n: number) => parseRule(`get('database.c.${n}').ok && get('database.c.${n + 1}').ok && get('database.c.${n + 2}').ok`)
    for (const n of [1, 4, 7]) expect(evaluateRule(rule(n), { auth: alice, doc: {}, now: 0 }, reads)).toBe(true)
    // 9 read; the 10th is fine, the 11th is not, and documents already read stay readable.
    expect(evaluateRule(parseRule("get('database.c.10').ok && get('database.c.1').ok"), { auth: alice, doc: {}, now: 0 }, reads)).toBe(true)
    const error = (() => {
      try {
        evaluateRule(parseRule("get('database.c.11').ok"), { auth: alice, doc: {}, now: 0 }, reads)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(RuleLimitError)
    expect((error as RuleLimitError).code).toBe('DATABASE_PERMISSION_DENIED')
    expect((error as Error).message).toContain('11th document')
  })

  it('refuses nesting 3 deep when parsing, and accepts 2', () => {
    const documents = { 'a/1': { next: 'database.a.2' }, 'a/2': { ok: true } }
    expect(allows("get(get('database.a.1').next).ok", {}, documents)).toBe(true)
    expect(() => parseRule("get(get(get('database.a.1').next).next).ok")).toThrow(/nests at most 2/)
  })

  it('answers null for a path that is not a database path', () => {
    expect(allows("get(doc.p) == null", { doc: { p: 'users.1' } }, { 'users/1': { x: 1 } })).toBe(true)
    expect(allows("get(doc.p) == null", { doc: { p: 5 } })).toBe(true)
    expect(evaluateRule(parseRule("get('database.a.b.c').id == 'b.c'"), { auth: null, doc: {}, now: 0 }, (_c, id) => ({ id }))).toBe(true)
    expect(evaluateRule(parseRule("get('database.a.b') == null"), { auth: null, doc: {}, now: 0 }, noDocuments)).toBe(true)
  })
})

describe('authOf', () => {
  it('is the user for a user, null for a guest, and refuses the administrator', () => {
    expect(authOf(userPrincipal('o1', 'ANONYMOUS'))).toEqual({ openid: 'o1', uid: 'o1', loginType: 'ANONYMOUS' })
    expect(authOf(GUEST)).toBeNull()
    expect(() => authOf(ADMIN)).toThrow(/do not apply/)
  })
})
