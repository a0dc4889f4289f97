/**
 * Every aggregation expression operator the emulator serves (expression.cases.ts), through `$project`
 * sent by the official server SDK and by ours; each case's document is seeded once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expressionCases, FAILS, MISSING } from './expression.cases'
import { inParallel, startSemantics, type Outcome, type Semantics } from './harness'

let t: Semantics
const idOf = (i: number) => `e${i}`
const answers: Record<string, Promise<Outcome>[]> = {}

beforeAll(async () => {
  t = await startSemantics(['exprs'])
  await t.seed('exprs', expressionCases.map((c, i) => ({ ...(c.doc || {}), _id: idOf(i) })))
  for (const client of t.clients) {
    answers[client.name] = inParallel(expressionCases.map(({ expr }, i) => () => client.aggregate('exprs', [{ $match: { _id: idOf(i) } }, { $project: { _id: 0, r: expr } }])))
  }
})
afterAll(async () => {
  await t.stop()
})

describe.each(['server', 'ours'] as const)('expression operators through %s', (name) => {
  it.each(expressionCases.map((c, i) => [c.op, JSON.stringify(c.expr), i] as const))('%s %s', async (_op, _shown, i) => {
    const { want } = expressionCases[i]!
    const outcome = await answers[name]![i]!
    if (want === FAILS) return expect(outcome).toHaveProperty('error')
    expect(outcome).toStrictEqual({ docs: [want === MISSING ? {} : { r: want }] })
  })
})
