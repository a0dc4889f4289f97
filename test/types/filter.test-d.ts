/**
 * `where()`: field paths (dot paths, depth-capped), operator value types, logic commands, and the
 * permissive untyped form.
 */
import { expectTypeOf, test } from 'vitest'
import type { LogicCommand, QueryCommand } from '../../src/index'
import type { DocumentLevel, FieldPath, Filter, GeoValue, PathValue } from '../../src/database/types'
import { db, type Todo } from './schema'

const _ = db.command
const todos = db.collection<Todo>('todos')

test('field paths: fields, nested objects, array elements; unknown paths are errors', () => {
  todos.where({ title: 'a', done: false, priority: 2 })
  todos.where({ 'author.name': 'Ann', 'author.address.city': 'Paris' })
  todos.where({ 'items.price': 3, 'items.tags': 'x' })
  todos.where({ 'meta.anything': 1 })
  todos.where({ _id: 'abc', _openid: 'o' })
  // @ts-expect-error: misspelled field
  todos.where({ titel: 'a' })
  // @ts-expect-error: misspelled nested field
  todos.where({ 'author.nmae': 'Ann' })
  // @ts-expect-error: no such nested path
  todos.where({ 'title.length': 1 })
  // @ts-expect-error: array elements are reached by the array's name, not by index
  todos.where({ 'items.0.price': 3 })
})

test('nested query objects are partial and checked', () => {
  todos.where({ author: { name: 'Ann' } })
  todos.where({ author: { address: { city: _.in(['Paris', 'Rome']) } } })
  todos.where({ items: { price: _.gt(1) } })
  // @ts-expect-error: Author has no `nick`
  todos.where({ author: { nick: 'A' } })
  // @ts-expect-error: `name` is a string
  todos.where({ author: { name: 1 } })
})

test('values must have the field type', () => {
  todos.where({ status: 'open' })
  todos.where({ note: null })
  // @ts-expect-error: a string on a number field
  todos.where({ priority: '2' })
  // @ts-expect-error: not one of 'open' | 'closed'
  todos.where({ status: 'pending' })
  // @ts-expect-error: a number on a boolean field
  todos.where({ done: 0 })
})

test('array fields match an element or the whole array', () => {
  todos.where({ tags: 'urgent' })
  todos.where({ tags: ['urgent', 'home'] })
  todos.where({ scores: 10 })
  // @ts-expect-error: elements are strings
  todos.where({ tags: 1 })
  // @ts-expect-error: elements are strings
  todos.where({ tags: [1] })
})

test('RegExps fit string fields only', () => {
  todos.where({ title: /^a/i, 'author.name': db.RegExp({ regexp: '^a', options: 'i' }) })
  todos.where({ tags: /home/ })
  // @ts-expect-error: a RegExp on a number field
  todos.where({ priority: /1/ })
})

test('comparison commands keep literal types and check them', () => {
  expectTypeOf(_.gt(5)).toEqualTypeOf<QueryCommand<5>>()
  expectTypeOf(_.eq('open')).toEqualTypeOf<QueryCommand<'open'>>()
  expectTypeOf(_.in(['a', 'b'])).toEqualTypeOf<QueryCommand<'a' | 'b'>>()
  todos.where({ priority: _.gt(5), status: _.eq('open'), title: _.neq('x') })
  todos.where({ priority: _.gte(1).and(_.lte(5)) })
  todos.where({ status: _.eq('open').or(_.eq('closed')) })
  todos.where({ status: _.in(['open', 'closed']), priority: _.nin([1, 2]) })
  todos.where({ due: _.lt(new Date()) })
  // @ts-expect-error: `_.gt('s')` does not fit a number field
  todos.where({ priority: _.gt('s') })
  // @ts-expect-error: 'opne' is not a status
  todos.where({ status: _.eq('opne') })
  // @ts-expect-error: 'x' is not a status
  todos.where({ status: _.in(['open', 'x']) })
  // @ts-expect-error: a number does not fit a Date field
  todos.where({ due: _.gt(1) })
  // @ts-expect-error: a chained command on another type
  todos.where({ priority: _.gt(1).and(_.lt('9')) })
})

test('optional and nullable fields', () => {
  todos.where({ estimate: _.gt(5), due: _.exists(true), note: _.eq(null) })
  todos.where({ estimate: _.lte(3).or(_.eq(null)), 'meta.views': _.gte(10) })
  // @ts-expect-error: `_.gt('5')` does not fit `number | undefined`
  todos.where({ estimate: _.gt('5') })
  todos.where({ note: _.neq(null).and(_.neq('')) })
  todos.where({ 'author.email': _.eq('a@b.c') })
  todos.where({ 'author.email': null })
  // @ts-expect-error: `title` is not nullable
  todos.where({ title: _.eq(null) })
})

test('element and array commands', () => {
  todos.where({ tags: _.size(2), scores: _.all([1, 2]) })
  todos.where({ tags: _.all(['a']), scores: _.elemMatch(_.gt(5)) })
  todos.where({ items: _.elemMatch({ price: _.gt(5), qty: 1 }) })
  todos.where({ priority: _.mod(3, 1), title: _.exists(true) })
  // @ts-expect-error: `_.size` fits arrays only
  todos.where({ priority: _.size(2) })
  // @ts-expect-error: `_.mod` fits numbers only
  todos.where({ title: _.mod(3, 1) })
  // @ts-expect-error: `_.all` of numbers on an array of strings
  todos.where({ tags: _.all([1]) })
  // @ts-expect-error: Item has no `cost`
  todos.where({ items: _.elemMatch({ cost: _.gt(5) }) })
  // @ts-expect-error: `_.elemMatch` fits arrays only
  todos.where({ priority: _.elemMatch(_.gt(5)) })
  // @ts-expect-error: elements are numbers
  todos.where({ scores: _.elemMatch(_.gt('5')) })
})

test('geo commands fit Geo fields only', () => {
  const point = db.Geo.Point(113.3, 23.1)
  expectTypeOf(_.geoNear({ geometry: point })).toEqualTypeOf<QueryCommand<GeoValue>>()
  todos.where({ location: _.geoNear({ geometry: point, maxDistance: 1000 }) })
  todos.where({ location: _.geoWithin({ centerSphere: [point, 0.1] }) })
  todos.where({ location: _.geoIntersects({ geometry: point }) })
  // @ts-expect-error: not a Geo field
  todos.where({ title: _.geoNear({ geometry: point }) })
})

test('field-level logic commands', () => {
  expectTypeOf(_.or(_.gt(1), _.lt(0))).toEqualTypeOf<LogicCommand<1 | 0>>()
  todos.where({ priority: _.or(_.gt(8), _.lt(2)), title: _.or([/a/, _.eq('b')]) })
  todos.where({ priority: _.and([_.gt(1), _.lt(5)]), status: _.not(_.eq('closed')) })
  todos.where({ title: _.not(/draft/), priority: _.nor(_.eq(1), _.eq(2)) })
  // @ts-expect-error: operands on a string field, used on a number field
  todos.where({ priority: _.or(_.eq('a'), _.eq('b')) })
  // @ts-expect-error: a RegExp operand on a number field
  todos.where({ priority: _.not(/1/) })
})

test('document-level logic commands are checked against the document type', () => {
  expectTypeOf(_.or([{ done: true }])).toMatchTypeOf<LogicCommand<DocumentLevel<any>>>()
  todos.where(_.or([{ done: true }, { priority: _.gt(2) }]))
  todos.where(_.and([{ 'author.name': 'Ann' }, _.or([{ status: 'open' }, { tags: 'x' }])]))
  todos.where(_.nor({ done: true }, { priority: 1 }))
  // @ts-expect-error: unknown field inside `_.or`
  todos.where(_.or([{ done: true }, { prio: 1 }]))
  // @ts-expect-error: wrong value type inside `_.and`
  todos.where(_.and([{ priority: 'high' }]))
  // @ts-expect-error: a query command needs a field
  todos.where(_.gt(1))
  // @ts-expect-error: a field-level logic command needs a field
  todos.where(_.gt(1).and(_.lt(5)))
})

test('raw operators and _.expr() pass through', () => {
  const $ = _.aggregate
  todos.where({ priority: { $gt: 1 }, $or: [{ done: true }] })
  todos.where(_.expr($.gt(['$priority', 1])))
})

test('Filter<T> can be built apart and passed in', () => {
  const filter: Filter<Todo> = { done: false }
  if (Math.random() > 0.5) filter.priority = _.gt(1)
  todos.where(filter)
  const loose = { done: false, priority: 3 }
  todos.where(loose)
  const wrong = { done: 'no' }
  // @ts-expect-error: a variable of the wrong shape
  todos.where(wrong)
})

test('FieldPath and PathValue', () => {
  expectTypeOf<'author.address.city'>().toMatchTypeOf<FieldPath<Todo>>()
  expectTypeOf<'items.price'>().toMatchTypeOf<FieldPath<Todo>>()
  expectTypeOf<'items.0.price'>().not.toMatchTypeOf<FieldPath<Todo>>()
  expectTypeOf<PathValue<Todo, 'author.address.city'>>().toEqualTypeOf<string>()
  expectTypeOf<PathValue<Todo, 'items.price'>>().toEqualTypeOf<number>()
  expectTypeOf<PathValue<Todo, 'tags'>>().toEqualTypeOf<string[]>()
  expectTypeOf<PathValue<Todo, 'due'>>().toEqualTypeOf<Date | undefined>()
})

test('paths stop at depth 6 (recursive and very deep types stay cheap)', () => {
  interface Tree {
    name: string
    child?: Tree
  }
  const trees = db.collection<Tree>('trees')
  trees.where({ 'child.child.child.child.child.name': 'leaf' })
  // @ts-expect-error: deeper than the cap
  trees.where({ 'child.child.child.child.child.child.name': 'leaf' })
  expectTypeOf<FieldPath<Tree>>().toEqualTypeOf<
    | 'name'
    | 'child'
    | 'child.name'
    | 'child.child'
    | 'child.child.name'
    | 'child.child.child'
    | 'child.child.child.name'
    | 'child.child.child.child'
    | 'child.child.child.child.name'
    | 'child.child.child.child.child'
    | 'child.child.child.child.child.name'
    | 'child.child.child.child.child.child'
  >()
})

test('undefined values are left out of the query', () => {
  const status: 'open' | undefined = Math.random() > 0.5 ? 'open' : undefined
  todos.where({ status, done: undefined, author: { name: undefined } })
})
