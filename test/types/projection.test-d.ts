/** `field()`: paths of the document, and the shape of what `get()` then returns. */
import { expectTypeOf, test } from 'vitest'
import type { DocumentGetResult, GetResult, Stored } from '../../src/index'
import type { DocId, Projection } from '../../src/database/types'
import { db, type Author, type Item, type Todo } from './schema'

const _ = db.command
const todos = db.collection<Todo>('todos')

test('inclusion narrows the result to the fields named and _id', () => {
  expectTypeOf(todos.field({ title: true, done: 1 }).get()).resolves.toEqualTypeOf<GetResult<{ _id: DocId; title: string; done: boolean }>>()
  expectTypeOf(todos.field({ title: true, _id: false }).get()).resolves.toEqualTypeOf<GetResult<{ title: string }>>()
  expectTypeOf(todos.doc('a').field({ priority: true }).get()).resolves.toEqualTypeOf<DocumentGetResult<{ _id: DocId; priority: number }>>()
})

test('dot paths pick inside objects and array elements', () => {
  const read = todos.field({ 'author.name': true, 'items.price': true, due: true }).get()
  expectTypeOf<Awaited<typeof read>['data'][number]>().toEqualTypeOf<{ _id: DocId; author: { name: string }; items: { price: number }[]; due?: Date }>()
})

test('exclusion drops the fields named', () => {
  const read = todos.field({ author: false, items: 0, 'meta.x': false }).get()
  type Read = Awaited<typeof read>['data'][number]
  expectTypeOf<Read>().not.toHaveProperty('author')
  expectTypeOf<Read>().not.toHaveProperty('items')
  expectTypeOf<Read['title']>().toEqualTypeOf<string>()
  expectTypeOf<Read['_id']>().toEqualTypeOf<DocId>()
})

test('projection operators keep their field', () => {
  const q = todos.field({ title: true, items: _.project.slice(2), tags: _.project.elemMatch(_.eq('a')) })
  expectTypeOf(q.get()).resolves.toEqualTypeOf<GetResult<{ _id: DocId; title: string; items: Item[]; tags: string[] }>>()
  // Operators alone: the documents keep every field.
  expectTypeOf(todos.field({ items: { $slice: [1, 2] } }).get()).resolves.toEqualTypeOf<GetResult<Stored<Todo>>>()
})

test('non-literal projections keep the document type', () => {
  const flags: Projection<Todo> = { title: true }
  expectTypeOf(todos.field(flags).get()).resolves.toEqualTypeOf<GetResult<Stored<Todo>>>()
  const show: boolean = Math.random() > 0.5
  expectTypeOf(todos.field({ author: show }).get()).resolves.toEqualTypeOf<GetResult<Stored<Todo>>>()
})

test('field() keys are checked', () => {
  // @ts-expect-error: not a field
  todos.field({ titel: true })
  // @ts-expect-error: not a field
  todos.field({ title: true, 'author.nick': true })
  // @ts-expect-error: values are booleans, 0, 1 or projection operators
  todos.field({ title: 'yes' })
  // @ts-expect-error: not a field
  todos.doc('a').field({ nope: 1 })
})

test('where(), orderBy(), skip() and limit() keep the projected type', () => {
  const q = todos.field({ author: true }).where({ done: true }).orderBy('priority', 'asc').skip(1).limit(1)
  expectTypeOf(q.get()).resolves.toEqualTypeOf<GetResult<{ _id: DocId; author: Author }>>()
})
