/**
 * Every query and projection operator the emulator serves (query.cases.ts), through `where()` and
 * `field()` of the official server SDK and of ours, over one seeded collection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inParallel, startSemantics, type Outcome, type Semantics } from './harness'
import { projectionCases, queryCases, queryDocs } from './query.cases'

let t: Semantics
const found: Record<string, Promise<Outcome>[]> = {}
const projected: Record<string, Promise<Outcome>[]> = {}

beforeAll(async () => {
  t = await startSemantics(['q'])
  await t.seed('q', queryDocs)
  for (const client of t.clients) {
    found[client.name] = inParallel(queryCases.map(({ filter }) => () => client.find('q', filter, [['_id', 'asc']])))
    projected[client.name] = inParallel(projectionCases.map(({ id, projection }) => () => client.find('q', { _id: id }, [], projection)))
  }
})
afterAll(async () => {
  await t.stop()
})

describe.each(['server', 'ours'] as const)('query operators through %s', (name) => {
  it.each(queryCases.map((c, i) => [c.op, JSON.stringify(c.filter), i] as const))('%s %s', async (_op, _shown, i) => {
    const outcome = await found[name]![i]!
    const { ids } = queryCases[i]!
    if (ids === 'refused') return expect(outcome).toHaveProperty('error')
    expect(outcome).toHaveProperty('docs')
    expect(('docs' in outcome ? outcome.docs : []).map((doc) => doc._id)).toEqual(ids)
  })

  it.each(projectionCases.map((c, i) => [c.op, JSON.stringify(c.projection), i] as const))('projection %s %s', async (_op, _shown, i) => {
    expect(await projected[name]![i]!).toStrictEqual({ docs: [projectionCases[i]!.want] })
  })
})
