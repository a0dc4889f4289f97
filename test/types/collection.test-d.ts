/**
 * Typed and untyped collections: `collection<T>()`, the `CollectionTypes` interface, and the result
 * shapes of every terminal call (promise and callback styles).
 */
import { expectTypeOf, test } from 'vitest'
import type {
  AddManyResult,
  AddResult,
  AnyDocument,
  CollectionReference,
  CountResult,
  DocumentGetResult,
  DocumentReference,
  GetResult,
  Query,
  RemoveResult,
  SetResult,
  Stored,
  UpdateResult,
} from '../../src/index'
import type { DocId } from '../../src/database/types'
import { db, type Note, type Todo } from './schema'

// Augmenting through the source path, as users do through `declare module 'mpcloud'`.
declare module '../../src/database/types' {
  interface CollectionTypes {
    notes: Note
  }
}

const _ = db.command

test('collection<T>() types the collection by T', () => {
  const todos = db.collection<Todo>('todos')
  expectTypeOf(todos).toEqualTypeOf<CollectionReference<Todo>>()
  expectTypeOf(todos.collectionName).toEqualTypeOf<string>()
  expectTypeOf(todos.doc('a')).toEqualTypeOf<DocumentReference<Todo>>()
  expectTypeOf(todos.where({ done: false })).toEqualTypeOf<Query<Todo, Stored<Todo>>>()
  // @ts-expect-error: not a field of Todo
  todos.where({ finished: false })
})

test('CollectionTypes types collections by name', () => {
  const notes = db.collection('notes')
  expectTypeOf(notes).toEqualTypeOf<CollectionReference<Note>>()
  notes.where({ pinned: true, text: /todo/i })
  // @ts-expect-error: Note has no `title`
  notes.where({ title: 'x' })
  // @ts-expect-error: `createdAt` is a Date
  notes.where({ createdAt: 'yesterday' })
  // An explicit type argument still wins over the name.
  expectTypeOf(db.collection<Todo>('notes')).toEqualTypeOf<CollectionReference<Todo>>()
})

test('a collection name not in CollectionTypes, or a dynamic one, is untyped', () => {
  const other = db.collection('other')
  expectTypeOf(other).toEqualTypeOf<CollectionReference<AnyDocument>>()
  const name: string = 'notes'
  expectTypeOf(db.collection(name)).toEqualTypeOf<CollectionReference<AnyDocument>>()
})

test('untyped collections accept anything and return AnyDocument', async () => {
  const c = db.collection('anything')
  c.where({ a: 1, 'b.c': _.gt(1), d: _.in([1, 'x']), e: { f: _.exists(true) }, g: /x/, $or: [] })
  c.where(_.or([{ a: 1 }, { b: _.lt(2) }]))
  c.orderBy('whatever.path', 'desc').field({ x: true, 'y.z': false }).skip(1).limit(2)
  c.update({ data: { a: _.inc(1), b: _.push(1), c: _.remove(), 'd.e': 'x', f: { g: 1 } } })
  c.doc('x').set({ data: { anything: 1, nested: { deep: [1] } } })
  c.add({ data: { a: 1, _id: 'mine' } })
  const { data } = await c.get()
  expectTypeOf(data).toEqualTypeOf<Stored<AnyDocument>[]>()
  expectTypeOf(data[0]!._id).toEqualTypeOf<DocId>()
  expectTypeOf(data[0]!.anyField).toBeAny()
  const one = await c.doc('x').get()
  expectTypeOf(one.data.whatever).toBeAny()
  expectTypeOf(db.collection<any>('x').where({ a: 1 }).field({ a: true })).toEqualTypeOf<Query<any, any>>()
})

test('get() → { data: Stored<T>[], errMsg }', () => {
  const todos = db.collection<Todo>('todos')
  expectTypeOf(todos.get()).toEqualTypeOf<Promise<GetResult<Stored<Todo>>>>()
  expectTypeOf(todos.get()).resolves.toEqualTypeOf<{ data: Stored<Todo>[]; errMsg: string }>()
  expectTypeOf(todos.where({ done: true }).orderBy('priority', 'desc').skip(10).limit(10).get()).resolves.toHaveProperty('data').toEqualTypeOf<Stored<Todo>[]>()
  expectTypeOf<Stored<Todo>['_id']>().toEqualTypeOf<DocId>()
  expectTypeOf<Stored<Todo>['_openid']>().toEqualTypeOf<string | undefined>()
  expectTypeOf<Stored<Todo>['title']>().toEqualTypeOf<string>()
})

test('doc().get() → { data: Stored<T> }', () => {
  const todos = db.collection<Todo>('todos')
  expectTypeOf(todos.doc('a').get()).toEqualTypeOf<Promise<DocumentGetResult<Stored<Todo>>>>()
  expectTypeOf(todos.doc(1).get()).resolves.toEqualTypeOf<{ data: Stored<Todo>; errMsg: string }>()
  // @ts-expect-error: ids are strings or numbers
  todos.doc({ id: 1 })
})

test('count(), update(), remove(), set() and add() results', () => {
  const todos = db.collection<Todo>('todos')
  expectTypeOf(todos.count()).resolves.toEqualTypeOf<CountResult>()
  expectTypeOf<CountResult>().toEqualTypeOf<{ total: number; errMsg: string }>()
  expectTypeOf(todos.where({ done: true }).update({ data: { done: false } })).resolves.toEqualTypeOf<UpdateResult>()
  expectTypeOf<UpdateResult>().toEqualTypeOf<{ stats: { updated: number }; errMsg: string }>()
  expectTypeOf(todos.where({ done: true }).remove()).resolves.toEqualTypeOf<RemoveResult>()
  expectTypeOf<RemoveResult>().toEqualTypeOf<{ stats: { removed: number }; errMsg: string }>()
  expectTypeOf(todos.doc('a').remove()).resolves.toEqualTypeOf<RemoveResult>()
  expectTypeOf(todos.doc('a').update({ data: { priority: 1 } })).resolves.toEqualTypeOf<UpdateResult>()
  expectTypeOf<SetResult>().toEqualTypeOf<{ _id: DocId; stats: { updated: number; created: number }; errMsg: string }>()
})

test('add() → { _id } for one document, { _ids } for several', () => {
  const notes = db.collection('notes')
  const note = { text: 'a', createdAt: new Date() }
  expectTypeOf(notes.add({ data: note })).resolves.toEqualTypeOf<AddResult>()
  expectTypeOf<AddResult>().toEqualTypeOf<{ _id: DocId; errMsg: string }>()
  expectTypeOf(notes.add({ data: [note, { ...note, pinned: true }] })).resolves.toEqualTypeOf<AddManyResult>()
  expectTypeOf<AddManyResult>().toEqualTypeOf<{ _ids: DocId[]; errMsg: string }>()
})

test('callback style returns void', () => {
  const todos = db.collection<Todo>('todos')
  expectTypeOf(todos.get({ success: (r) => expectTypeOf(r.data).toEqualTypeOf<Stored<Todo>[]>() })).toEqualTypeOf<void>()
  expectTypeOf(todos.count({ fail: (e) => expectTypeOf(e.errCode).toEqualTypeOf<number>() })).toEqualTypeOf<void>()
  expectTypeOf(todos.doc('a').get({ complete: () => {} })).toEqualTypeOf<void>()
  expectTypeOf(todos.doc('a').remove({ success: (r) => expectTypeOf(r.stats.removed).toBeNumber() })).toEqualTypeOf<void>()
  expectTypeOf(todos.add({ data: newTodo(), success: (r) => expectTypeOf(r._id).toEqualTypeOf<DocId>() })).toEqualTypeOf<void>()
  expectTypeOf(todos.add({ data: [newTodo()], success: (r) => expectTypeOf(r._ids).toEqualTypeOf<DocId[]>() })).toEqualTypeOf<void>()
  expectTypeOf(todos.where({ done: true }).update({ data: { done: false }, success: () => {} })).toEqualTypeOf<void>()
  expectTypeOf(todos.doc('a').set({ data: newTodo(), success: () => {} })).toEqualTypeOf<void>()
  expectTypeOf(todos.aggregate().limit(1).end({ success: (r) => expectTypeOf(r.list).toEqualTypeOf<Stored<Todo>[]>() })).toEqualTypeOf<void>()
  // Options without callbacks still return a Promise.
  expectTypeOf(todos.get({})).toEqualTypeOf<Promise<GetResult<Stored<Todo>>>>()
})

test('typed references fit untyped parameters (helpers written for any collection)', () => {
  const todos = db.collection<Todo>('todos')
  const page = (query: Query, n: number) => query.skip(n * 10).limit(10).get()
  const first = (collection: CollectionReference) => collection.limit(1).get()
  const read = (ref: DocumentReference) => ref.get()
  page(todos.where({ done: true }), 2)
  page(todos.field({ title: true }), 0)
  first(todos)
  read(todos.doc('a'))
})

test('orderBy() takes field paths of typed collections', () => {
  const todos = db.collection<Todo>('todos')
  todos.orderBy('priority', 'desc').orderBy('author.name', 'asc').orderBy('_id', 'asc')
  // @ts-expect-error: not a field
  todos.orderBy('prio', 'desc')
  // @ts-expect-error: direction is 'asc' or 'desc'
  todos.orderBy('priority', 'up')
})

function newTodo(): Todo {
  return {
    title: 't',
    done: false,
    status: 'open',
    priority: 1,
    tags: [],
    scores: [],
    author: { name: 'a' },
    items: [],
    meta: {},
  }
}
