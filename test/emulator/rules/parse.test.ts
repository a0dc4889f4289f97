/**
 * parseRule: every construct of the rule language parses; everything else is refused at its place in the
 * text, with a message that quotes it.
 */
import { describe, expect, it } from 'vitest'
import type { RuleNode } from '../../../emulator/rules/ast'
import { RuleSyntaxError } from '../../../emulator/rules/errors'
import { MAX_RULE_LENGTH, parseRule } from '../../../emulator/rules/parse'

function refusal(source: string): RuleSyntaxError {
  try {
    parseRule(source)
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSyntaxError)
    return error as RuleSyntaxError
  }
  throw new Error(`${JSON.stringify(source)} parsed`)
}

/** The tree without positions, to compare shapes. */
function shape(node: RuleNode): unknown {
  const { start: _start, end: _end, ...rest } = node as RuleNode & Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest)) {
    out[key] = Array.isArray(value) ? value.map((item) => (typeof item === 'object' && item ? shape(item as RuleNode) : item)) : value && typeof value === 'object' ? shape(value as RuleNode) : value
  }
  return out
}

const lit = (value: unknown) => ({ type: 'literal', value })
const member = (object: unknown, name: string) => ({ type: 'member', object, property: lit(name) })
const g = (name: string) => ({ type: 'global', name })

describe('parseRule accepts the rule language', () => {
  it.each([
    'auth.uid == doc.uid',
    "doc.name != 'zzz'",
    'doc.a < 1 && doc.a <= 2 && doc.a > -3 && doc.a >= 4.5',
    "auth.uid in ['zzz', 'aaa']",
    'auth.openid in doc.teachers',
    "!(auth.uid in ['zzz','aaa'])",
    "doc.a == 1 || doc.b == 'x'",
    "doc[auth.uid] == 'zzz'",
    "get('database.user_roles.' + auth.uid).role == 'admin'",
    'get(`database.B.${doc.shopId}`).owner == auth.openid',
    "get('database.test.123')[auth.uid] in [1,2,3]",
    "get(get('database.a.b').next).x == 1",
    'now >= doc.startTime && now <= doc.endTime',
    'request.data.price == undefined',
    'auth == null',
    'resource.openid == auth.openid',
    'doc.flag == true && doc.other == false',
    '[1, "a", null, [true]] != doc.x',
    'doc["名字"] == doc.名字',
    '`a${`b${doc.c}`}d` == "x"',
    '  doc.a\n  == 1  ',
  ])('%s', (source) => {
    expect(() => parseRule(source)).not.toThrow()
  })

  it('builds the tree of each construct', () => {
    expect(shape(parseRule("auth.uid in ['a']").root)).toEqual({ type: 'in', left: member(g('auth'), 'uid'), right: { type: 'array', elements: [lit('a')] } })
    expect(shape(parseRule('!(doc.a > -1)').root)).toEqual({ type: 'not', argument: { type: 'compare', operator: '>', left: member(g('doc'), 'a'), right: lit(-1) } })
    expect(shape(parseRule("'x' + doc.a").root)).toEqual({ type: 'concat', left: lit('x'), right: member(g('doc'), 'a') })
    expect(shape(parseRule('doc[now]').root)).toEqual({ type: 'member', object: g('doc'), property: g('now') })
    expect(shape(parseRule('`p${doc.a}q\\n`').root)).toEqual({ type: 'template', quasis: ['p', 'q\n'], expressions: [member(g('doc'), 'a')] })
    expect(shape(parseRule("get('database.c.i')").root)).toEqual({ type: 'get', path: lit('database.c.i') })
    expect(shape(parseRule('request.data.price == undefined').root)).toMatchObject({ right: lit(undefined) })
    // `||` binds looser than `&&`, `in` like `<`.
    expect(shape(parseRule('doc.a || doc.b && doc.c').root)).toMatchObject({ operator: '||', right: { operator: '&&' } })
    expect(shape(parseRule('doc.a in [1] == true').root)).toMatchObject({ type: 'compare', left: { type: 'in' } })
  })

  it('records where each node is', () => {
    const rule = parseRule('doc.age  >  (10)')
    expect(rule.root).toMatchObject({ start: 0, end: 16, left: { start: 0, end: 7, property: { start: 4, end: 7 } }, right: { start: 12, end: 16 } })
  })
})

describe('parseRule refuses, at the place of the problem', () => {
  it.each([
    // [source, position, description fragment]
    ['doc.a * 2 > 1', 6, 'arithmetic'],
    // Signed out, `auth` is null and `auth.openid` missing: never null (the seed's idiom would admit anyone).
    ['auth.openid != null', 0, 'holds for a caller who is not signed in'],
    ["doc.a == 1 && null == auth.user.id", 14, 'never holds'],
    ['doc.a - 1', 6, 'arithmetic'],
    ['doc.a == - doc.b', 9, 'arithmetic'],
    ['doc.a % 2 == 0', 6, 'arithmetic'],
    ['doc.a ** 2', 6, 'arithmetic'],
    ['doc.a | 1', 6, 'bitwise'],
    ['doc.a === 1', 6, '`==`'],
    ['doc.a ?? 1', 6, '`??`'],
    ['~doc.a', 0, '`~`'],
    ['+doc.a', 0, '`+`'],
    ['doc.a = 1', 6, 'assignment'],
    ['doc.a += 1', 7, 'assignment'],
    ['x => x', 2, 'arrow functions'],
    ['doc.a.toString()', 6, 'method calls'],
    ['doc.a["toString"]()', 6, 'method calls'],
    ['foo(1)', 0, 'the only function'],
    ['get(doc.a)()', 10, 'only get()'],
    ['new Date()', 0, '`new`'],
    ['typeof doc.a', 0, '`typeof`'],
    ['this.a', 0, '`this`'],
    ['doc.__proto__', 4, '`__proto__`'],
    ['doc.a.constructor', 6, '`constructor`'],
    ["doc['prototype']", 4, '`prototype`'],
    ["constructor.constructor('return process')()", 0, '`constructor`'],
    ['/abc/.test(doc.a)', 0, 'regular expressions'],
    ['doc.a == /x/', 9, 'regular expressions'],
    ['[...doc.a]', 1, 'spread'],
    ['{ a: 1 }', 0, 'object literals'],
    ['doc.a ? 1 : 2', 6, '`?:`'],
    ['doc?.a', 3, 'optional chaining'],
    ['doc.a; doc.b', 5, 'single expression'],
    ['doc.a doc.b', 6, 'single expression'],
    ['(doc.a, doc.b)', 6, 'single expression'],
    ['Math.max(1)', 0, 'unknown name `Math`'],
    ['window', 0, 'unknown name'],
    ['get', 0, 'is a function'],
    ['get()', 0, 'one argument'],
    ["get('a', 'b')", 0, 'one argument'],
    ["get('users.x')", 4, "'database.<collection>.<id>'"],
    ["get(get(get('database.a.b').c).d)", 8, 'nests at most 2'],
    ['[1, , 2]', 0, 'empty slots'],
    ['doc.a ==', 8, 'Expected expression'],
    ["doc.a == 'x", 11, 'Unclosed quote'],
    ['`abc', 4, 'unclosed template'],
    ['`${doc.a`', 8, '`}`'],
    ['()', 0, 'empty parentheses'],
    ['', 0, 'empty'],
  ])('%s', (source, position, fragment) => {
    const error = refusal(source)
    expect(error.description).toContain(fragment)
    expect(error.position).toBe(position)
    expect(error.code).toBe('INVALID_PARAM')
  })

  it('gives the line and column of the position, and quotes the text there', () => {
    const error = refusal("doc.a == 1 &&\n  doc.b * 2 == 4")
    expect([error.position, error.line, error.column]).toEqual([22, 2, 9])
    expect(error.message).toBe('arithmetic is not allowed (`*`) (line 2, column 9, at `* 2 == 4`)')
    const end = refusal('doc.a ==\n')
    expect([end.line, end.column]).toEqual([2, 1])
    expect(end.message).toContain('at the end of the rule')
    const late = refusal('doc.a == 1 ||\r\n\tauth.x.constructor')
    expect([late.position, late.line, late.column]).toEqual([23, 2, 9])
  })

  it('refuses more than 1024 characters, at the first one past the limit', () => {
    const fits = `doc.a == '${'x'.repeat(MAX_RULE_LENGTH - 11)}'`
    expect(fits).toHaveLength(MAX_RULE_LENGTH)
    expect(() => parseRule(fits)).not.toThrow()
    const error = refusal(`${fits} `)
    expect(error.position).toBe(MAX_RULE_LENGTH)
    expect(error.description).toContain('1025 characters')
  })

  it('refuses a stray separator jsep would skip', () => {
    expect(refusal(';doc.a').position).toBe(0)
    expect(refusal('doc.a,').position).toBe(5)
  })
})
