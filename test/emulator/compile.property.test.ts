/**
 * The compiled fast path against mingo, the semantic reference: for random documents (arrays, nested
 * arrays, nulls, missing fields, mixed types) and random filters inside the fast path, both select the
 * same documents.
 */
import fc from 'fast-check'
import { find, Query } from 'mingo'
import { describe, expect, it } from 'vitest'
import { compileFilter } from '../../emulator/query/compile'
import { sortScalars } from '../../emulator/query/sort'

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('a', 'b', 'B', '1', ''),
  fc.boolean(),
  fc.integer({ min: 0, max: 3 }).map((d) => new Date(d * 1000)),
)
const leaf = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.constant(null) })
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 2, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('b', 'c'), tie('value'), { maxKeys: 2, noNullPrototype: true }) },
  ),
})).value
const doc = fc.dictionary(fc.constantFrom('a', 'b', 'c'), value, { maxKeys: 3, noNullPrototype: true })

const path = fc.constantFrom('a', 'b', 'a.b', 'a.c', 'b.c', 'a.b.c')
const condition = fc.oneof(
  scalar,
  scalar.map((v) => ({ $eq: v })),
  scalar.map((v) => ({ $ne: v })),
  fc.array(scalar, { maxLength: 3 }).map((v) => ({ $in: v })),
  fc.array(scalar, { maxLength: 3 }).map((v) => ({ $nin: v })),
  fc.boolean().map((v) => ({ $exists: v })),
  fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), scalar.filter((v) => typeof v !== 'boolean')).map(([op, v]) => ({ [op]: v })),
  fc
    .tuple(fc.constantFrom('$gt', '$gte'), fc.integer({ min: -3, max: 3 }), fc.constantFrom('$lt', '$lte'), fc.integer({ min: -3, max: 3 }))
    .map(([a, x, b, y]) => ({ [a]: x, [b]: y })),
)
const filter = fc.oneof(
  fc.dictionary(path, condition, { maxKeys: 3, noNullPrototype: true }),
  fc.array(fc.dictionary(path, condition, { minKeys: 1, maxKeys: 2, noNullPrototype: true }), { minLength: 1, maxLength: 2 }).map((parts) => ({ $and: parts })),
)

describe('compiled filters select what mingo selects', () => {
  it('random documents and filters', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 12 }), filter, (docs, f) => {
        const predicate = compileFilter(f)
        expect(predicate, JSON.stringify(f)).toBeDefined()
        const query = new Query(f)
        const expected = docs.map((d) => query.test(d))
        expect(docs.map((d) => predicate!(d)), `${JSON.stringify(f)} on ${JSON.stringify(docs)}`).toEqual(expected)
      }),
      { numRuns: Number(process.env.COMPILE_RUNS || 3000) },
    )
  })

  it('leaves what it does not know to mingo', () => {
    for (const f of [{ a: null }, { a: { $regex: 'x' } }, { a: /x/ }, { a: [1] }, { a: { b: 1 } }, { $or: [{ a: 1 }] }, { 'a.0': 1 }, { a: { $size: 1 } }, { a: { $gt: true } }, { a: NaN }]) {
      expect(compileFilter(f as Record<string, unknown>), JSON.stringify(f)).toBeUndefined()
    }
  })
})

describe('the native sort orders as mingo does', () => {
  const sortValue = fc.oneof(
    fc.integer({ min: -2, max: 2 }),
    fc.constantFrom('a', 'B', 'b', ''),
    fc.boolean(),
    fc.integer({ min: 0, max: 2 }).map((d) => new Date(d * 1000)),
    fc.constant(null),
    fc.constant(undefined),
  )
  const sortDoc = fc.record({ x: sortValue, y: sortValue, n: fc.record({ z: sortValue }) }, { requiredKeys: [] })
  const order = fc.array(fc.record({ field: fc.constantFrom('x', 'y', 'n.z'), direction: fc.constantFrom<'asc' | 'desc'>('asc', 'desc') }), { minLength: 1, maxLength: 3 }).map((fields) =>
    fields.filter((f, i) => fields.findIndex((g) => g.field === f.field) === i),
  )

  it('random scalar documents and orders', () => {
    fc.assert(
      fc.property(fc.array(sortDoc, { maxLength: 15 }), order, (raw, o) => {
        const docs = raw.map((d, i) => ({ _id: `d${i}`, ...d }))
        const spec: Record<string, 1 | -1> = {}
        for (const { field, direction } of o) spec[field] = direction === 'desc' ? -1 : 1
        const expected = (find(docs, {}).sort(spec).all() as { _id: string }[]).map((d) => d._id)
        const sorted = sortScalars(docs, o)
        expect(sorted, JSON.stringify(o)).toBeDefined()
        expect(sorted!.map((d) => d._id), `${JSON.stringify(spec)} on ${JSON.stringify(docs)}`).toEqual(expected)
      }),
      { numRuns: Number(process.env.COMPILE_RUNS || 3000) },
    )
  })

  it('leaves arrays, objects and NaN to mingo', () => {
    expect(sortScalars([{ x: [1] }], [{ field: 'x', direction: 'asc' }])).toBeUndefined()
    expect(sortScalars([{ x: { a: 1 } }], [{ field: 'x', direction: 'asc' }])).toBeUndefined()
    expect(sortScalars([{ x: NaN }], [{ field: 'x', direction: 'asc' }])).toBeUndefined()
    expect(sortScalars([{ x: [{ y: 1 }] }], [{ field: 'x.y', direction: 'asc' }])).toBeUndefined()
  })
})
