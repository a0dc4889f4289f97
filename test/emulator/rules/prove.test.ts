/**
 * proveQuery: a query is allowed only when every document it can match is allowed by the rule.
 */
import { describe, expect, it } from 'vitest'
import { RuleLimitError } from '../../../emulator/rules/errors'
import { parseRule } from '../../../emulator/rules/parse'
import { proveQuery } from '../../../emulator/rules/prove'
import type { Doc } from '../../../emulator/rules/reads'
import type { RequestScope } from '../../../emulator/rules/scope'

const alice = { openid: 'alice', uid: 'alice-uid', loginType: 'WECHAT' as const }
const scope: RequestScope = { auth: alice, now: 1_000 }

function prove(rule: string, query: Record<string, unknown>, options: { scope?: RequestScope; documents?: Record<string, Doc> } = {}) {
  const documents = options.documents ?? {}
  return proveQuery(parseRule(rule), query, options.scope ?? scope, (collection, id) => documents[`${collection}/${id}`])
}

const OWNER = 'doc._openid == auth.openid'

describe('proveQuery: the documented examples', () => {
  it('doc.age > 10: $gt 15 is allowed, $gt 8 is not', () => {
    expect(prove('doc.age > 10', { age: { $gt: 15 } })).toEqual({ allowed: true })
    expect(prove('doc.age > 10', { age: { $gt: 8 } })).toEqual({
      allowed: false,
      missing: 'the rule `doc.age > 10` needs `age` > 10 for every document; the query allows `age` > 8',
    })
    expect(prove('doc.age > 10', { age: { $gte: 10 } }).allowed).toBe(false)
    expect(prove('doc.age > 10', { age: { $gte: 10, $ne: 10 } }).allowed).toBe(false) // a $ne does not move a bound
    expect(prove('doc.age > 10', { age: 11 }).allowed).toBe(true)
    expect(prove('doc.age > 10', { age: { $in: [11, 12] } }).allowed).toBe(true)
  })

  it('the owner rule needs _openid equal to the caller', () => {
    expect(prove(OWNER, { _openid: 'alice' })).toEqual({ allowed: true })
    expect(prove(OWNER, { _openid: { $eq: 'alice' } })).toEqual({ allowed: true })
    expect(prove(OWNER, {})).toEqual({
      allowed: false,
      missing:
        "the rule `doc._openid == auth.openid` needs the query to hold `_openid` equal to the caller's openid (`where({ _openid: '{openid}' })`); the query does not constrain `_openid`",
    })
    expect(prove(OWNER, { _openid: 'bob' })).toMatchObject({ allowed: false, missing: expect.stringContaining("the query allows `_openid` == 'bob'") })
  })

  it('$or: every branch must be proven', () => {
    expect(prove(OWNER, { $or: [{ _openid: 'alice', a: 1 }, { _openid: 'alice', b: 2 }] }).allowed).toBe(true)
    const denied = prove(OWNER, { $or: [{ _openid: 'alice' }, { title: 'x' }] })
    expect(denied).toMatchObject({ allowed: false, missing: expect.stringContaining('(in branch 2 of 2 of the query') })
    expect(prove(OWNER, { _openid: 'alice', $or: [{ a: 1 }, { b: 2 }] }).allowed).toBe(true)
    expect(prove(OWNER, { $and: [{ $or: [{ a: 1 }, { b: 2 }] }, { _openid: 'alice' }] }).allowed).toBe(true)
  })

  it('$in of one element is allowed, of two is not', () => {
    expect(prove(OWNER, { _openid: { $in: ['alice'] } }).allowed).toBe(true)
    expect(prove(OWNER, { _openid: { $in: ['alice', 'bob'] } })).toMatchObject({
      allowed: false,
      missing: expect.stringContaining("the query allows `_openid` in ['alice', 'bob']"),
    })
  })

  it('extra conditions do not matter, and ones the prover does not understand neither help nor hurt', () => {
    expect(prove(OWNER, { _openid: 'alice', category: 'mobile', price: { $gt: 3 }, 'a.b': { $nin: [1] } }).allowed).toBe(true)
    const alongside = { title: /^x/, tags: { $elemMatch: { $eq: 'a' } }, n: { $exists: true }, $nor: [{ a: 1 }], loc: { $geoWithin: {} } }
    expect(prove(OWNER, { _openid: 'alice', ...alongside }).allowed).toBe(true)
    expect(prove(OWNER, alongside).allowed).toBe(false)
    expect(prove(OWNER, { _openid: /^alice$/ }).allowed).toBe(false)
    expect(prove(OWNER, { _openid: { $regex: '^alice$' } }).allowed).toBe(false)
  })

  it('a caller who is not signed in is told so', () => {
    expect(prove(OWNER, { _openid: null }, { scope: { auth: null, now: 0 } }).allowed).toBe(false)
    expect(prove(OWNER, { _openid: { $in: [null] } }, { scope: { auth: null, now: 0 } }).allowed).toBe(false)
    expect(prove(OWNER, { _openid: 'alice' }, { scope: { auth: null, now: 0 } })).toMatchObject({
      allowed: false,
      missing: expect.stringContaining('a signed-in caller (`auth` is null'),
    })
  })
})

describe('proveQuery: reasoning', () => {
  it('either side of || is enough; && needs both', () => {
    const rule = 'doc.published == true || doc.author == auth.openid'
    expect(prove(rule, { published: true }).allowed).toBe(true)
    expect(prove(rule, { author: 'alice' }).allowed).toBe(true)
    expect(prove(rule, { published: false })).toMatchObject({ allowed: false, missing: expect.stringContaining('either') })
    expect(prove(`${OWNER} && doc.status == 'open'`, { _openid: 'alice' })).toMatchObject({
      allowed: false,
      missing: expect.stringContaining("the query to hold `status` equal to 'open'"),
    })
  })

  it('reasons about ranges, exclusions, null and types', () => {
    expect(prove('doc.a >= 1 && doc.a < 5', { a: { $gte: 2, $lte: 4 } }).allowed).toBe(true)
    expect(prove('doc.a != 3', { a: { $ne: 3 } }).allowed).toBe(true)
    expect(prove('doc.a != 3', { a: { $nin: [1, 3] } }).allowed).toBe(true)
    expect(prove('!(doc.a in [1, 2])', { a: { $gt: 2 } }).allowed).toBe(true)
    expect(prove('doc.a in [1, 2, 3]', { a: { $in: [1, 3] } }).allowed).toBe(true)
    expect(prove('doc.a in [1, 2, 3]', { a: { $gte: 1, $lte: 3 } }).allowed).toBe(false) // 1.5
    // `{a: null}` also matches a missing `a`, which the rule's strict `==` tells apart.
    expect(prove('doc.a == null', { a: null }).allowed).toBe(false)
    expect(prove('doc.a == null || doc.a == undefined', { a: null }).allowed).toBe(true)
    expect(prove('doc.a != null', { a: { $ne: null } }).allowed).toBe(true)
    // A comparison matches its operand's type only: `$gt: 5` holds numbers, never a string.
    expect(prove("doc.a != 'x'", { a: { $gt: 5 } }).allowed).toBe(true)
    expect(prove("doc.a < 'x'", { a: { $gt: 5 } })).toMatchObject({ allowed: false })
    expect(prove('doc.a > 5 && doc.a < 1', { a: { $gt: 5, $lt: 1 } }).allowed).toBe(true) // matches nothing
  })

  it('reads dot paths, nested equality and dates', () => {
    expect(prove("doc.address.city == 'x'", { 'address.city': 'x' }).allowed).toBe(true)
    expect(prove("doc.address.city == 'x'", { address: { city: 'x' } }).allowed).toBe(true)
    expect(prove("doc['address']['city'] == 'x'", { 'address.city': 'x' }).allowed).toBe(true)
    expect(prove("doc.address.city == 'x'", { address: { $ne: null } }).allowed).toBe(false)
    expect(prove('now >= doc.startTime && now <= doc.endTime', { startTime: { $lte: new Date(500) }, endTime: { $gte: new Date(2_000) } }).allowed).toBe(true)
    expect(prove('now >= doc.startTime', { startTime: { $lte: new Date(5_000) } })).toMatchObject({
      allowed: false,
      missing: expect.stringContaining('the query allows `startTime` <= Date(1970-01-01T00:00:05.000Z)'),
    })
  })

  it('get() with a path from doc needs that field pinned', () => {
    const rule = 'auth.openid in get(`database.B.${doc.shopId}`).owners'
    const documents = { 'B/s1': { owners: ['alice'] }, 'B/s2': { owners: ['bob'] } }
    expect(prove(rule, { shopId: 's1' }, { documents }).allowed).toBe(true)
    expect(prove(rule, { shopId: { $in: ['s1'] } }, { documents }).allowed).toBe(true)
    expect(prove(rule, { shopId: 's2' }, { documents }).allowed).toBe(false)
    expect(prove(rule, { shopId: { $in: ['s1', 's2'] } }, { documents })).toMatchObject({
      allowed: false,
      missing: expect.stringContaining('the query to pin `shopId` to one value'),
    })
    expect(prove(rule, { $or: [{ shopId: 's1' }, { shopId: 's1', x: 1 }] }, { documents }).allowed).toBe(true)
    expect(prove("get('database.user_roles.' + auth.uid).role == 'admin'", {}, { documents: { 'user_roles/alice-uid': { role: 'admin' } } }).allowed).toBe(true)
  })

  it('the $or branches share the 10-document limit', () => {
    const rule = 'get(`database.c.${doc._id}`).ok == true'
    const documents = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`c/${i}`, { ok: true }]))
    const branches = (n: number) => ({ $or: Array.from({ length: n }, (_, i) => ({ _id: String(i) })) })
    expect(prove(rule, branches(10), { documents }).allowed).toBe(true)
    expect(() => prove(rule, branches(11), { documents })).toThrow(RuleLimitError)
  })

  it('refuses a query with too many branches to check', () => {
    const or = (key: string) => ({ $or: Array.from({ length: 9 }, (_, i) => ({ [key]: i })) })
    expect(prove('true == true', { $and: [or('a'), or('b')] })).toMatchObject({ allowed: false, missing: expect.stringContaining('more than 64') })
  })
})
