/** `aggregate()`: stage arguments checked against the current documents, and result types. */
import { expectTypeOf, test } from 'vitest'
import type { Aggregate, AggregateResult, Stored } from '../../src/index'
import type { AnyDocument, DocId } from '../../src/database/types'
import { db, type Author, type Item, type Todo } from './schema'

const _ = db.command
const $ = _.aggregate
const todos = db.collection<Todo>('todos')

test('the pipeline starts with the stored documents', () => {
  expectTypeOf(todos.aggregate()).toEqualTypeOf<Aggregate<Stored<Todo>>>()
  expectTypeOf(todos.aggregate().match({ done: true }).sort({ priority: -1 }).skip(1).limit(5).sample({ size: 2 }).end()).resolves.toEqualTypeOf<
    AggregateResult<Stored<Todo>>
  >()
  expectTypeOf<AggregateResult<Todo>>().toEqualTypeOf<{ list: Todo[]; errMsg: string }>()
})

test('match() and sort() are checked against the current documents', () => {
  todos.aggregate().match({ 'author.name': 'Ann', priority: _.gt(1) })
  // @ts-expect-error: not a field
  todos.aggregate().match({ prio: 1 })
  // @ts-expect-error: wrong value type
  todos.aggregate().match({ priority: 'high' })
  // @ts-expect-error: not a field
  todos.aggregate().sort({ prio: 1 })
  // @ts-expect-error: 1 or -1
  todos.aggregate().sort({ priority: 2 })
})

test('operators are typed as the objects they build', () => {
  expectTypeOf($.sum('$priority')).toEqualTypeOf<{ $sum: '$priority' }>()
  expectTypeOf($.neq(['$a', 1])).toEqualTypeOf<{ $ne: readonly ['$a', 1] }>()
})

test('group() result', () => {
  const grouped = todos.aggregate().group({
    _id: '$status',
    total: $.sum('$priority'),
    n: { $sum: 1 },
    average: $.avg('$priority'),
    titles: $.push('$title'),
    firstDue: $.first('$due'),
    cities: $.addToSet('$author.address.city'),
  })
  expectTypeOf(grouped.end()).resolves.toEqualTypeOf<
    AggregateResult<{
      _id: 'open' | 'closed'
      total: number
      n: number
      average: number
      titles: string[]
      firstDue: Date | undefined
      cities: string[]
    }>
  >()
  expectTypeOf(todos.aggregate().group({ _id: null, n: $.sum(1) })).toEqualTypeOf<Aggregate<{ _id: null; n: number }>>()
  expectTypeOf(todos.aggregate().group({ _id: { s: '$status', d: '$done' }, n: $.sum(1) })).toEqualTypeOf<
    Aggregate<{ _id: { s: 'open' | 'closed'; d: boolean }; n: number }>
  >()
  // Later stages see the grouped shape.
  grouped.match({ total: _.gt(10) }).sort({ total: -1 })
  // @ts-expect-error: `priority` is gone after group()
  grouped.match({ priority: 1 })
  // @ts-expect-error: group() needs an _id
  todos.aggregate().group({ n: $.sum(1) })
})

test('project() result', () => {
  expectTypeOf(todos.aggregate().project({ title: 1, 'author.name': true, score: $.multiply(['$priority', 2]) })).toEqualTypeOf<
    Aggregate<{ _id: DocId; title: string; author: { name: string }; score: number }>
  >()
  expectTypeOf(todos.aggregate().project({ _id: 0, title: 1, upper: $.toUpper('$title') })).toEqualTypeOf<Aggregate<{ title: string; upper: string }>>()
  const dropped = todos.aggregate().project({ author: 0, items: 0 }).end()
  type Row = Awaited<typeof dropped>['list'][number]
  expectTypeOf<Row>().not.toHaveProperty('author')
  expectTypeOf<Row['title']>().toEqualTypeOf<string>()
})

test('addFields(), count(), sortByCount(), unwind(), replaceRoot(), lookup(), bucket(), geoNear()', () => {
  const added = todos.aggregate().addFields({ urgent: $.gte(['$priority', 5]) }).end()
  expectTypeOf<Awaited<typeof added>['list'][number]['urgent']>().toEqualTypeOf<boolean>()
  expectTypeOf(todos.aggregate().count('total')).toEqualTypeOf<Aggregate<{ total: number }>>()
  expectTypeOf(todos.aggregate().sortByCount('$status')).toEqualTypeOf<Aggregate<{ _id: 'open' | 'closed'; count: number }>>()
  const unwound = todos.aggregate().unwind('$items').end()
  expectTypeOf<Awaited<typeof unwound>['list'][number]['items']>().toEqualTypeOf<Item>()
  const indexed = todos.aggregate().unwind({ path: '$tags', includeArrayIndex: 'i' }).end()
  expectTypeOf<Awaited<typeof indexed>['list'][number]['i']>().toEqualTypeOf<number | null>()
  expectTypeOf(todos.aggregate().replaceRoot({ newRoot: '$author' })).toEqualTypeOf<Aggregate<Author>>()
  const joined = todos.aggregate().lookup({ from: 'notes', localField: 'title', foreignField: 'text', as: 'notes' }).end()
  expectTypeOf<Awaited<typeof joined>['list'][number]['notes']>().toEqualTypeOf<Stored<import('./schema').Note>[]>()
  const joinedOther = todos.aggregate().lookup({ from: 'elsewhere', pipeline: $.pipeline(), as: 'x' }).end()
  expectTypeOf<Awaited<typeof joinedOther>['list'][number]['x']>().toEqualTypeOf<AnyDocument[]>()
  expectTypeOf(todos.aggregate().bucket({ groupBy: '$priority', boundaries: [0, 5, 10] })).toEqualTypeOf<
    Aggregate<{ _id: unknown; count: number }>
  >()
  const near = todos.aggregate().geoNear({ near: db.Geo.Point(1, 2), distanceField: 'dist', spherical: true }).end()
  expectTypeOf<Awaited<typeof near>['list'][number]['dist']>().toEqualTypeOf<number>()
})

test('every stage takes an explicit result type', () => {
  interface Totals {
    _id: string
    total: number
  }
  expectTypeOf(todos.aggregate().group<Totals>({ _id: '$status', total: $.sum('$priority') })).toEqualTypeOf<Aggregate<Totals>>()
  expectTypeOf(todos.aggregate().project<{ t: string }>({ t: '$title' })).toEqualTypeOf<Aggregate<{ t: string }>>()
  expectTypeOf(todos.aggregate().unwind<Totals>('$tags')).toEqualTypeOf<Aggregate<Totals>>()
  expectTypeOf(todos.aggregate().count<{ n: number }>('n')).toEqualTypeOf<Aggregate<{ n: number }>>()
})

test('untyped collections aggregate loosely', () => {
  const c = db.collection('anything')
  c.aggregate().match({ whatever: 1 }).sort({ any: 1 }).project({ a: 1 }).match({ b: 2 })
  const grouped = c.aggregate().group({ _id: '$a', n: $.sum(1) }).end()
  expectTypeOf<Awaited<typeof grouped>['list'][number]['n']>().toEqualTypeOf<number>()
  expectTypeOf<Awaited<typeof grouped>['list'][number]['_id']>().toBeAny()
})
