/** `update()`, `set()` and `add()` data: paths, values and update commands that fit the field. */
import { expectTypeOf, test } from 'vitest'
import type { UpdateCommand } from '../../src/index'
import type { NewDocument, SetData } from '../../src/database/types'
import { db, type Note, type Todo } from './schema'

const _ = db.command
const todos = db.collection<Todo>('todos')
const doc = todos.doc('a')

test('paths and values', () => {
  doc.update({ data: { title: 'b', done: true, 'author.name': 'Ann', 'author.address.city': 'Rome' } })
  doc.update({ data: { author: { email: 'a@b.c' } } })
  doc.update({ data: { 'tags.0': 'first', 'items.1.qty': 2, 'items.$.price': 3, 'items.$[].qty': 0 } })
  doc.update({ data: { 'meta.visits': 1 } })
  // @ts-expect-error: unknown field
  doc.update({ data: { titel: 'b' } })
  // @ts-expect-error: wrong value type
  doc.update({ data: { priority: 'high' } })
  // @ts-expect-error: wrong value in a nested object
  doc.update({ data: { author: { name: 1 } } })
  // @ts-expect-error: array elements are written through an index, `$` or `$[]`
  doc.update({ data: { 'items.qty': 1 } })
  // @ts-expect-error: `_id` cannot be updated
  doc.update({ data: { _id: 'b' } })
})

test('_.inc, _.mul, _.min, _.max and _.bit fit number fields', () => {
  expectTypeOf(_.inc(1)).toEqualTypeOf<UpdateCommand<number>>()
  doc.update({ data: { priority: _.inc(1), 'items.0.qty': _.mul(2), 'meta.n': _.max(3) } })
  doc.update({ data: { priority: _.min(0), 'items.$.price': _.bit({ and: 1 }) } })
  doc.update({ data: { estimate: _.inc(1) } })
  // @ts-expect-error: inc on a string field
  doc.update({ data: { title: _.inc(1) } })
  // @ts-expect-error: mul on a boolean field
  doc.update({ data: { done: _.mul(2) } })
  // @ts-expect-error: bit on an array field
  doc.update({ data: { tags: _.bit({ or: 1 }) } })
})

test('_.min and _.max fit Date fields with Dates', () => {
  doc.update({ data: { due: _.max(new Date()) } })
  // @ts-expect-error: a Date on a number field
  doc.update({ data: { priority: _.max(new Date()) } })
})

test('array commands fit array fields of their elements', () => {
  expectTypeOf(_.push('a')).toEqualTypeOf<UpdateCommand<'a'[]>>()
  doc.update({ data: { tags: _.push('a'), scores: _.push([1, 2]) } })
  doc.update({ data: { tags: _.push({ each: ['a'], position: 0, slice: 10 }) } })
  doc.update({ data: { items: _.push({ sku: 's', price: 1, qty: 1, tags: [] }) } })
  doc.update({ data: { tags: _.unshift('z'), scores: _.pop(), 'items.0.tags': _.shift() } })
  doc.update({ data: { tags: _.addToSet('a'), scores: _.addToSet({ each: [1, 2] }) } })
  doc.update({ data: { tags: _.pullAll(['a', 'b']), scores: _.pull(_.gt(5)) } })
  doc.update({ data: { items: _.pull({ qty: 0 }) } })
  // @ts-expect-error: push on a non-array field
  doc.update({ data: { title: _.push('a') } })
  // @ts-expect-error: push of numbers on an array of strings
  doc.update({ data: { tags: _.push(1) } })
  // @ts-expect-error: pop on a non-array field
  doc.update({ data: { priority: _.pop() } })
  // @ts-expect-error: shift on a non-array field
  doc.update({ data: { title: _.shift() } })
  // @ts-expect-error: unshift of numbers on an array of strings
  doc.update({ data: { tags: _.unshift(1) } })
  // @ts-expect-error: pullAll of strings on an array of numbers
  doc.update({ data: { scores: _.pullAll(['1']) } })
  // @ts-expect-error: addToSet of a string on an array of numbers
  doc.update({ data: { scores: _.addToSet('1') } })
  // @ts-expect-error: Item has no `cost`
  doc.update({ data: { items: _.pull({ cost: 0 }) } })
  // @ts-expect-error: elements are numbers
  doc.update({ data: { scores: _.pull(_.gt('5')) } })
  // @ts-expect-error: an incomplete Item
  doc.update({ data: { items: _.push({ sku: 's' }) } })
})

test('_.set fits fields of its value type; _.remove fits optional fields', () => {
  doc.update({ data: { status: _.set('closed'), author: _.set({ name: 'B' }), due: _.remove(), note: _.remove() } })
  doc.update({ data: { 'author.email': _.remove(), 'meta.x': _.remove(), tags: _.set([]) } })
  doc.update({ data: { priority: _.rename('level') } })
  // @ts-expect-error: not a status
  doc.update({ data: { status: _.set('pending') } })
  // @ts-expect-error: `_.set` replaces the whole object: `name` is required
  doc.update({ data: { author: _.set({ email: 'a@b.c' }) } })
  // @ts-expect-error: removing a required field
  doc.update({ data: { title: _.remove() } })
})

test('db.serverDate() fits Date fields', () => {
  doc.update({ data: { due: db.serverDate(), 'author.address.zip': '1' } })
  doc.update({ data: { due: _.set(db.serverDate({ offset: 1000 })) } })
  db.collection('notes').add({ data: { text: 'a', createdAt: db.serverDate() } })
  // @ts-expect-error: not a Date field
  doc.update({ data: { title: db.serverDate() } })
})

test('query commands are not update commands, and the other way round', () => {
  // @ts-expect-error: a query command in an update
  doc.update({ data: { priority: _.gt(1) } })
  // @ts-expect-error: an update command in a query
  todos.where({ priority: _.inc(1) })
})

test('batch update() on a query takes the same data', () => {
  todos.where({ done: false }).update({ data: { done: true, priority: _.inc(-1) } })
  // @ts-expect-error: wrong value type
  todos.where({ done: false }).update({ data: { done: 'yes' } })
})

test('raw operators pass through', () => {
  doc.update({ data: { $set: { anything: 1 } } })
})

test('add(): the whole document, _id and _openid optional', () => {
  const notes = db.collection('notes')
  notes.add({ data: { text: 'a', createdAt: new Date() } })
  notes.add({ data: { _id: 'mine', text: 'a', createdAt: new Date(), pinned: true } })
  notes.add({ data: [{ text: 'a', createdAt: new Date() }, { text: 'b', createdAt: db.serverDate() }] })
  // @ts-expect-error: `createdAt` is required
  notes.add({ data: { text: 'a' } })
  // @ts-expect-error: unknown field
  notes.add({ data: { text: 'a', createdAt: new Date(), color: 'red' } })
  // @ts-expect-error: commands are not values
  notes.add({ data: { text: _.set('a'), createdAt: new Date() } })
  expectTypeOf<NewDocument<Note>>().toMatchTypeOf<{ text: string; _id?: string | number }>()
})

test('set(): the whole document without _id', () => {
  const notes = db.collection('notes')
  notes.doc('a').set({ data: { text: 'a', createdAt: new Date() } })
  // @ts-expect-error: set() keeps the _id of doc(id)
  notes.doc('a').set({ data: { _id: 'b', text: 'a', createdAt: new Date() } })
  // @ts-expect-error: `text` is required
  notes.doc('a').set({ data: { createdAt: new Date() } })
  expectTypeOf<SetData<Note>>().not.toHaveProperty('_id')
})
