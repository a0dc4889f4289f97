/**
 * Every aggregation stage, accumulator and window operator the emulator serves (stage.cases.ts), and the
 * stages it refuses: through the official server SDK, and through ours where its stage builders can send
 * the pipeline (wx's 16 stages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inParallel, oursCanSend, startSemantics, type Outcome, type Semantics } from './harness'
import { accumulatorCases, items, sales, staff, stageCases, windowCases, windowStageCases, type StageCase } from './stage.cases'

const families: [string, StageCase[]][] = [
  ['stages', stageCases],
  ['accumulators', accumulatorCases],
  ['window operators', windowCases],
  ['$setWindowFields', windowStageCases],
]

let t: Semantics
const answers = new Map<StageCase, Record<string, Promise<Outcome>>>()

beforeAll(async () => {
  t = await startSemantics(['sales', 'items', 'staff', 'copy'])
  await t.seed('sales', sales)
  await t.seed('items', items)
  await t.seed('staff', staff)
  const all = families.flatMap(([, cases]) => cases)
  for (const client of t.clients) {
    const sendable = all.filter((c) => client.name === 'server' || oursCanSend(c.pipeline))
    const outcomes = inParallel(sendable.map((c) => () => client.aggregate('sales', c.pipeline)))
    sendable.forEach((c, i) => answers.set(c, { ...answers.get(c), [client.name]: outcomes[i]! }))
  }
})
afterAll(async () => {
  await t.stop()
})

describe.each(families)('%s', (_family, cases) => {
  it.each(cases.map((c) => [c.op, JSON.stringify(c.pipeline), c] as const))('%s %s', async (_op, _shown, c) => {
    const sent = answers.get(c)!
    for (const [client, answer] of Object.entries(sent)) {
      const outcome = await answer
      if (c.want === 'refused') expect(outcome, client).toHaveProperty('error')
      else if ('count' in c.want) expect('docs' in outcome && outcome.docs.length, client).toBe(c.want.count)
      else expect(outcome, client).toStrictEqual({ docs: c.want })
    }
  })
})

it('a refused $out or $merge writes nothing', async () => {
  await Promise.all([...answers.values()].flatMap((sent) => Object.values(sent)))
  expect(await t.server.find('copy', {})).toStrictEqual({ docs: [] })
})
