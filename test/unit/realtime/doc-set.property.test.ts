/**
 * The persistent result set against a plain array model: after any sequence of sets and deletes, its
 * current version lists what the model holds in order, and every earlier version still lists what the
 * model held then.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareValues, DocSet, toArray, type Doc } from '../../../src/realtime/doc-set'

type Op = { kind: 'set'; id: string; n: number | string | null } | { kind: 'delete'; id: string }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), n: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('x', 'y', null)) }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g') }),
)

describe('DocSet', () => {
  for (const direction of ['asc', 'desc', undefined] as const) {
    it(`matches an array model, keeping old versions intact (${direction || 'arrival order'})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const set = new DocSet(direction ? [{ field: 'n', direction }] : [])
          // The model: [doc, arrival] pairs, sorted on demand as the set must be.
          let model: { doc: Doc; seq: number }[] = []
          let seq = 0
          const expected = () =>
            model
              .slice()
              .sort((x, y) => {
                const c = direction ? compareValues(x.doc.n, y.doc.n) * (direction === 'desc' ? -1 : 1) : 0
                return c || x.seq - y.seq
              })
              .map((entry) => entry.doc)
          const versions: { version: ReturnType<DocSet['version']>; docs: Doc[] }[] = []
          for (const step of ops) {
            if (step.kind === 'set') {
              const doc = { _id: step.id, n: step.n }
              const at = model.findIndex((entry) => entry.doc._id === step.id)
              if (at >= 0) model[at] = { doc, seq: model[at]!.seq }
              else model.push({ doc, seq: ++seq })
              set.set(step.id, doc)
            } else {
              model = model.filter((entry) => entry.doc._id !== step.id)
              set.delete(step.id)
            }
            versions.push({ version: set.version(), docs: expected() })
            expect(set.size).toBe(model.length)
          }
          for (const { version, docs } of versions) expect(toArray(version)).toEqual(docs)
        }),
        { numRuns: 300 },
      )
    })
  }

  it('orders values by type as MongoDB does: null, numbers, strings, objects, arrays, booleans, dates', () => {
    const values = [new Date(0), true, [1], { a: 1 }, 'a', 2, null]
    expect(values.slice().sort(compareValues)).toEqual([null, 2, 'a', { a: 1 }, [1], true, new Date(0)])
  })
})
