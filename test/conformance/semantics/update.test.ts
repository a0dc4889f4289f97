/**
 * Every update operator the emulator accepts (update.cases.ts), through `where().update()` of the official
 * server SDK (raw MongoDB syntax) and of ours, each client on its own copy of each case's document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docsOf, inParallel, startSemantics, type Outcome, type Semantics } from './harness'
import { updateCases } from './update.cases'

let t: Semantics
const idOf = (client: string, i: number) => `u${i}-${client}`
const updated: Record<string, Promise<Outcome>[]> = {}

beforeAll(async () => {
  t = await startSemantics(['u'])
  await t.seed('u', t.clients.flatMap((client) => updateCases.map(({ doc }, i) => ({ ...doc, _id: idOf(client.name, i) }))))
  for (const client of t.clients) {
    updated[client.name] = inParallel(updateCases.map(({ update, where }, i) => () => client.update('u', { _id: idOf(client.name, i), ...(where || {}) }, update)))
  }
})
afterAll(async () => {
  await t.stop()
})

/** A case's expected document as a matcher: `'a date'` stands for any Date (`$currentDate`). */
function expected(want: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(want)) out[key] = value === 'a date' ? expect.any(Date) : value
  return out
}

describe.each(['server', 'ours'] as const)('update operators through %s', (name) => {
  it.each(updateCases.map((c, i) => [c.op, JSON.stringify(c.update), i] as const))('%s %s', async (_op, _shown, i) => {
    const { doc, want } = updateCases[i]!
    const id = idOf(name, i)
    const outcome = await updated[name]![i]!
    if (want === 'refused') {
      expect(outcome).toHaveProperty('error')
      const client = name === 'server' ? t.server : t.ours
      return expect(docsOf(await client.find('u', { _id: id }))).toStrictEqual([{ ...doc, _id: id }])
    }
    expect(outcome).toStrictEqual({ docs: [{ _id: id, ...expected(want) }] })
  })
})
