/**
 * A collection's rule: validation, one parse per expression, the write fallback, the four presets.
 */
import { describe, expect, it } from 'vitest'
import { EmulatorError } from '../../../emulator/errors'
import { RuleSyntaxError } from '../../../emulator/rules/errors'
import { evaluateRule } from '../../../emulator/rules/evaluate'
import { compileCollectionRule, PRESET_RULES, ruleFor, type CompiledRule, type RuleOperation } from '../../../emulator/rules/presets'

const OPERATIONS: RuleOperation[] = ['read', 'create', 'update', 'delete']
const alice = { openid: 'alice', uid: 'alice', loginType: 'WECHAT' as const }

/** What a compiled rule says for a caller and a document (the rule as evaluated for `doc(id)`). */
function decide(rule: CompiledRule, doc: unknown, auth: typeof alice | null = alice): boolean {
  return typeof rule === 'boolean' ? rule : evaluateRule(rule, { auth, doc, now: 0 }, () => undefined)
}

describe('ruleFor', () => {
  it('uses the operation’s own key, else write for writes, else denies', () => {
    const rule = compileCollectionRule({ read: true, write: 'doc.a == 1', delete: false })
    expect(ruleFor(rule, 'read')).toBe(true)
    expect(ruleFor(rule, 'delete')).toBe(false)
    expect(ruleFor(rule, 'create')).toBe(rule.write)
    expect(ruleFor(rule, 'update')).toBe(rule.write)
    const readOnly = compileCollectionRule({ read: 'auth != null' })
    for (const operation of ['create', 'update', 'delete'] as const) expect(ruleFor(readOnly, operation)).toBe(false)
    const writeOnly = compileCollectionRule({ create: true })
    expect(ruleFor(writeOnly, 'read')).toBe(false)
    expect(ruleFor(writeOnly, 'create')).toBe(true)
    expect(ruleFor(writeOnly, 'update')).toBe(false)
    expect(OPERATIONS.map((operation) => ruleFor(compileCollectionRule({}), operation))).toEqual([false, false, false, false])
  })
})

describe('the presets', () => {
  const mine = { _openid: 'alice' }
  const theirs = { _openid: 'bob' }
  it.each([
    // preset, [read mine, read theirs, write mine, write theirs]
    ['READONLY', [true, true, true, false]],
    ['PRIVATE', [true, false, true, false]],
    ['ADMINWRITE', [true, true, false, false]],
    ['ADMINONLY', [false, false, false, false]],
  ] as const)('%s', (name, expected) => {
    const rule = compileCollectionRule(name)
    const actual = [decide(ruleFor(rule, 'read'), mine), decide(ruleFor(rule, 'read'), theirs), decide(ruleFor(rule, 'update'), mine), decide(ruleFor(rule, 'delete'), theirs)]
    expect(actual).toEqual(expected)
    expect(compileCollectionRule(PRESET_RULES[name])).toEqual(rule)
  })

  it('a guest owns nothing', () => {
    expect(decide(ruleFor(compileCollectionRule('PRIVATE'), 'read'), { _openid: undefined }, null)).toBe(false)
  })
})

describe('compileCollectionRule', () => {
  it('parses each expression once', () => {
    const rule = compileCollectionRule({ read: 'doc.a == 1', write: false })
    expect(rule.read).toMatchObject({ source: 'doc.a == 1', root: { type: 'compare' } })
    expect(rule.write).toBe(false)
  })

  it.each([
    [{ reed: true }, 'unknown key "reed"'],
    [{ read: true, list: true }, 'unknown key "list"'],
    [{ read: 1 }, '`read` must be true, false or an expression string, not 1'],
    [{ write: null }, 'not null'],
    [{ update: ['doc.a'] }, 'not an array'],
    [null, 'not null'],
    [[], 'not an array'],
    ['PUBLIC', 'unknown rule preset "PUBLIC"'],
  ])('refuses %j', (json, message) => {
    let error: unknown
    try {
      compileCollectionRule(json)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(EmulatorError)
    expect((error as EmulatorError).code).toBe('INVALID_PARAM')
    expect((error as Error).message).toContain(message)
  })

  it('names the key of an expression that does not parse, and keeps its position', () => {
    let error: unknown
    try {
      compileCollectionRule({ read: true, update: 'doc.a * 2 == 4' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(RuleSyntaxError)
    expect((error as RuleSyntaxError).position).toBe(6)
    expect((error as Error).message).toBe('in `update`: arithmetic is not allowed (`*`) (line 1, column 7, at `* 2 == 4`)')
  })
})
