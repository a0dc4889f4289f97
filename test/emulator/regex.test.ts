/**
 * Regular expressions from requests match in linear time (emulator/query/regex.ts): a pattern that makes
 * V8's backtracking engine run for seconds (`(a+)+$` over 27 "a"s and a "!") is answered in milliseconds
 * through every way a request can ask for one, patterns RE2 cannot run are refused saying so, and a
 * heavy but linear regex query leaves the emulator answering other requests.
 */
import { EJSON } from 'bson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { LinearRegExp } from '../../emulator/query/regex'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'
import { expectResponsive, PROMPT_MS } from './hostile/responsive'

let emulator: RunningEmulator
let call: WebCall

/** 27 "a"s then "!": `/(a+)+$/` backtracks through 2^27 ways of splitting the "a"s before it fails (8-11 s in V8). */
const EVIL = 'a'.repeat(27) + '!'
const regex = (pattern: string, options = '') => ({ $regex: pattern, $options: options })
const stage = (stageKey: string, value: unknown) => ({ stageKey, stageValue: JSON.stringify(value) })
/** The documents of an aggregate answer: a JSON array of EJSON strings (docs/protocol.md §2.1). */
const documents = (answer: Record<string, unknown>) => (JSON.parse((answer.data as { list: string }).list) as string[]).map((text) => EJSON.parse(text) as Record<string, unknown>)

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['evil', 'long', 'other'] })
  call = await webCaller(emulator)
  await call('database.addDocument', { collectionName: 'evil', data: [{ s: EVIL, tags: [EVIL, 'b'], at: '2024-01-02' }, { s: 'Hello\nWorld' }] })
})
afterAll(async () => {
  await emulator.stop()
})

/** Every way a request turns user input into a regular expression that a document is matched against. */
const entryPoints: Array<[string, () => Promise<Record<string, unknown>>, unknown]> = [
  ['queryDocument { $regex }', () => call('database.queryDocument', { collectionName: 'evil', query: { s: regex('(a+)+$') } }), { list: [] }],
  ['queryDocument { $in: [regex] }', () => call('database.queryDocument', { collectionName: 'evil', query: { s: { $in: [regex('(a+)+$')] } } }), { list: [] }],
  ['queryDocument { $not: regex }', () => call('database.countDocument', { collectionName: 'evil', query: { s: { $not: regex('(a+)+$') } } }), { total: 2 }],
  ['queryDocument { $all: [regex] } on an array', () => call('database.countDocument', { collectionName: 'evil', query: { tags: { $all: [regex('(a+)+$')] } } }), { total: 0 }],
  ['queryDocument { $elemMatch: { $regex } }', () => call('database.countDocument', { collectionName: 'evil', query: { tags: { $elemMatch: regex('(a+)+$') } } }), { total: 0 }],
  ['queryDocument { $regex } with another operator (mingo builds the RegExp)', () => call('database.countDocument', { collectionName: 'evil', query: { s: { $regex: '(a+)+$', $ne: 'x' } } }), { total: 0 }],
  ['aggregate $match', () => call('database.aggregate', { collectionName: 'evil', stages: [stage('$match', { s: regex('(a+)+$') })] }), { list: '[]' }],
  ...(['$regexMatch', '$regexFind', '$regexFindAll'] as const).map((operator): [string, () => Promise<Record<string, unknown>>, unknown] => [
    `aggregate ${operator}`,
    () => call('database.aggregate', { collectionName: 'evil', stages: [stage('$match', { s: EVIL }), stage('$project', { _id: 0, r: { [operator]: { input: '$s', regex: '(a+)+$' } } })] }),
    { list: JSON.stringify([JSON.stringify({ r: operator === '$regexMatch' ? false : operator === '$regexFind' ? null : [] })]) },
  ]),
  ['updateDocument $pull: regex', () => call('database.updateDocument', { collectionName: 'evil', query: { s: EVIL }, multi: true, data: { $pull: { tags: regex('(a+)+$') } } }), { updated: 1 }],
  ['/admin getDocument with a BSON regular expression', () => adminCall(emulator, 'database.getDocument', { collectionName: 'evil', query: JSON.stringify({ s: { $regularExpression: { pattern: '(a+)+$', options: '' } } }) }), { list: [] }],
]

describe('a catastrophic pattern is answered in milliseconds, however it is asked', () => {
  for (const [name, send, data] of entryPoints) {
    it(name, async () => {
      const started = performance.now()
      const answer = await send()
      expect(performance.now() - started).toBeLessThan(PROMPT_MS)
      expect(answer).toMatchObject({ data })
      await expectResponsive(emulator)
    })
  }

  it('$dateFromString refuses a format whose text would become a backtracking RegExp', async () => {
    const answer = await call('database.aggregate', {
      collectionName: 'evil',
      stages: [stage('$project', { d: { $dateFromString: { dateString: '$at', format: '%Y(a+)+%m-%d' } } })],
    })
    expect(answer).toMatchObject({ code: 'DATABASE_INVALID_OPERRATOR', message: expect.stringMatching(/\$dateFromString: the format's text "\(a\+\)\+" has regular-expression syntax/) })
    const fine = await call('database.aggregate', { collectionName: 'evil', stages: [stage('$match', { at: '2024-01-02' }), stage('$project', { _id: 0, d: { $dateFromString: { dateString: '$at', format: '%Y-%m-%d' } } })] })
    expect(documents(fine)).toEqual([{ d: new Date('2024-01-02T00:00:00Z') }])
    await expectResponsive(emulator)
  })
})

describe('semantics are kept', () => {
  it('flags i, m and s; a match still matches', async () => {
    const count = async (query: unknown) => ((await call('database.countDocument', { collectionName: 'evil', query })).data as { total: number }).total
    expect(await count({ s: regex('^world$', 'im') })).toBe(1)
    expect(await count({ s: regex('^world$', 'i') })).toBe(0)
    expect(await count({ s: regex('hello.world', 'is') })).toBe(1)
    expect(await count({ s: regex('hello.world', 'i') })).toBe(0)
    expect(await count({ s: regex('a{27}!$') })).toBe(1)
  })

  it('exec, g and y, replace, split and match go through RE2 with JavaScript results', () => {
    const re = new LinearRegExp('(?<word>[a-z]+)(\\d)?', 'g')
    const first = re.exec('ab1 cd')!
    expect([...first]).toEqual(['ab1', 'ab', '1'])
    expect(first.index).toBe(0)
    expect(first.groups).toEqual({ word: 'ab' })
    expect(re.lastIndex).toBe(3)
    expect([...re.exec('ab1 cd')!]).toEqual(['cd', 'cd', undefined])
    expect(re.exec('ab1 cd')).toBeNull()
    expect(re.lastIndex).toBe(0)
    expect('ab1 cd'.replace(new LinearRegExp('[a-z]+', 'g'), 'X')).toBe('X1 X')
    expect('a1b2c'.split(new LinearRegExp('\\d'))).toEqual(['a', 'b', 'c'])
    expect('x1y22'.match(new LinearRegExp('\\d+', 'g'))).toEqual(['1', '22'])
    const sticky = new LinearRegExp('b', 'y')
    expect(sticky.test('ab')).toBe(false)
    sticky.lastIndex = 1
    expect(sticky.test('ab')).toBe(true)
    expect(new LinearRegExp('(a+)+$').test(EVIL)).toBe(false)
    expect(new LinearRegExp('A', 'i') instanceof RegExp).toBe(true)
  })

  it('$regexFindAll steps past empty matches (mingo looped forever on them)', async () => {
    const answer = await call('database.aggregate', {
      collectionName: 'evil',
      stages: [stage('$match', { s: 'Hello\nWorld' }), stage('$project', { _id: 0, r: { $regexFindAll: { input: 'abc', regex: 'x*' } } })],
    })
    expect((documents(answer)[0]!.r as { idx: number }[]).map((match) => match.idx)).toEqual([0, 1, 2, 3])
  })
})

describe('patterns RE2 cannot run are refused, saying why', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['a backreference', '(a)\\1', /uses a backreference/],
    ['a named backreference', '(?<x>a)\\k<x>', /uses a backreference/],
    ['a lookahead', 'a(?=b)', /uses a lookahead/],
    ['a negative lookbehind', '(?<!a)b', /uses a lookbehind/],
    ['a repetition above 1000', 'a{1001}', /repeats more than 1000 times/],
  ]
  for (const [name, pattern, reason] of refused) {
    it(name, async () => {
      // Refused even where no document would be tested: the query is what cannot run.
      const answer = await call('database.queryDocument', { collectionName: 'other', query: { s: regex(pattern) } })
      expect(answer).toMatchObject({ code: 'INVALID_PARAM' })
      expect(answer.message).toMatch(reason)
      expect(answer.message).toMatch(/the emulator matches regular expressions with a linear-time engine \(RE2\), which cannot run it, although CloudBase's engine can/)
      await expectResponsive(emulator)
    })
  }
})

describe('a heavy but linear regex query', () => {
  /** 2,000 documents of 50 KB each: 100 MB of text the query scans in one request. */
  const DOCS = 2000
  const text = (i: number) => `${'lorem ipsum dolor sit amet '.repeat(1850)}#${i}`.slice(-50_000)

  beforeAll(async () => {
    for (let i = 0; i < DOCS; i += 150) {
      const data = Array.from({ length: Math.min(150, DOCS - i) }, (_, j) => ({ n: i + j, body: text(i + j) }))
      await call('database.addDocument', { collectionName: 'long', data })
    }
  }, 60_000)

  it('leaves an unrelated request sent beside it answered, and the emulator answering afterwards', async () => {
    const started = performance.now()
    let queryMs = 0
    let otherMs = 0
    const query = call('database.queryDocument', { collectionName: 'long', query: { body: regex('(i|o)+r(e|i)m [xyz]+$') } }).then((answer) => {
      queryMs = performance.now() - started
      return answer
    })
    // Sent once the query is on its way, as a second client would.
    await new Promise((resolve) => setImmediate(resolve))
    const other = call('database.countDocument', { collectionName: 'other' }).then((answer) => {
      otherMs = performance.now() - started
      return answer
    })
    expect(await query).toMatchObject({ data: { list: [] } })
    expect(await other).toMatchObject({ data: { total: 0 } })
    // The query scans 100 MB in one synchronous pass: the request beside it waits for that pass, no more.
    expect(queryMs).toBeLessThan(5000)
    expect(otherMs).toBeLessThan(queryMs + PROMPT_MS)
    await expectResponsive(emulator)
  }, 30_000)
})
