/**
 * Update operators, each with a document before, the update, and the document MongoDB's manual says it
 * becomes (or that the update is refused). `where` narrows the query beside `_id` (the positional `$`
 * names the array element that query matched).
 */
export interface UpdateCase {
  op: string
  doc: Record<string, unknown>
  update: Record<string, unknown>
  /** The document after, without `_id`; or the update is refused and the document stays as it was. */
  want: Record<string, unknown> | 'refused'
  where?: Record<string, unknown>
}

const u = (op: string, doc: Record<string, unknown>, update: Record<string, unknown>, want: UpdateCase['want'], where?: Record<string, unknown>): UpdateCase =>
  where ? { op, doc, update, want, where } : { op, doc, update, want }

export const updateCases: UpdateCase[] = [
  u('$ (positional)', { grades: [80, 85, 90] }, { $set: { 'grades.$': 82 } }, { grades: [80, 82, 90] }, { grades: 85 }),
  u('$ (positional)', { items: [{ k: 'a', n: 1 }, { k: 'b', n: 2 }] }, { $inc: { 'items.$.n': 10 } }, { items: [{ k: 'a', n: 1 }, { k: 'b', n: 12 }] }, { 'items.k': 'b' }),
  u('$ (positional)', { a: [1, 2] }, { $set: { 'a.$': 9 } }, 'refused'), // the query names no element of a
  u('$set', { a: 1 }, { $set: { 'b.c': 2 } }, { a: 1, b: { c: 2 } }),
  u('$set', { arr: [1, 2, 3] }, { $set: { 'arr.1': 'x' } }, { arr: [1, 'x', 3] }),
  u('$set', { a: { b: 1, c: 2 } }, { $set: { a: { d: 3 } } }, { a: { d: 3 } }), // a whole value replaces
  u('$set', { a: 1 }, { $set: { _id: 'other' } }, 'refused'),
  u('$unset', { a: 1, b: 2 }, { $unset: { a: '' } }, { b: 2 }),
  u('$unset', { a: { x: 1, y: 2 } }, { $unset: { 'a.x': '', missing: '' } }, { a: { y: 2 } }),
  u('$inc', { n: 1 }, { $inc: { n: 2, m: 5 } }, { n: 3, m: 5 }),
  u('$inc', { n: 1 }, { $inc: { n: -1.5 } }, { n: -0.5 }),
  u('$inc', { s: 'x' }, { $inc: { s: 1 } }, 'refused'),
  u('$inc', { n: 1 }, { $inc: { n: 'a' } }, 'refused'),
  u('$mul', { n: 2 }, { $mul: { n: 3, z: 2 } }, { n: 6, z: 0 }), // a missing field becomes 0
  u('$min', { n: 5 }, { $min: { n: 3 } }, { n: 3 }),
  u('$min', { n: 5 }, { $min: { n: 9 } }, { n: 5 }),
  u('$min', { n: 5 }, { $min: { n: null } }, { n: null }), // null is less than numbers
  u('$max', { n: 5 }, { $max: { n: 9, k: 1 } }, { n: 9, k: 1 }),
  u('$max', { n: 5 }, { $max: { n: 'a' } }, { n: 'a' }), // strings are greater than numbers
  u('$rename', { a: 1, b: { c: 2 } }, { $rename: { a: 'x', 'b.c': 'y' } }, { x: 1, b: {}, y: 2 }),
  u('$rename', { a: 1 }, { $rename: { missing: 'x' } }, { a: 1 }),
  u('$bit', { n: 13 }, { $bit: { n: { and: 10 } } }, { n: 8 }),
  u('$bit', { n: 13 }, { $bit: { n: { or: 2 } } }, { n: 15 }),
  u('$bit', { n: 13 }, { $bit: { n: { xor: 5 } } }, { n: 8 }),
  u('$push', { a: [1] }, { $push: { a: 2 } }, { a: [1, 2] }),
  u('$push', {}, { $push: { a: 1 } }, { a: [1] }),
  u('$push', { a: [1] }, { $push: { a: [2, 3] } }, { a: [1, [2, 3]] }), // one element, the array
  u('$push', { a: [5] }, { $push: { a: { $each: [3, 1, 2], $sort: 1, $slice: 3 } } }, { a: [1, 2, 3] }),
  u('$push', { a: [1, 2] }, { $push: { a: { $each: [0], $position: 0 } } }, { a: [0, 1, 2] }),
  u('$push', { a: [{ s: 2 }, { s: 1 }] }, { $push: { a: { $each: [{ s: 3 }], $sort: { s: -1 } } } }, { a: [{ s: 3 }, { s: 2 }, { s: 1 }] }),
  u('$push', { a: 1 }, { $push: { a: 2 } }, 'refused'), // not an array
  u('$pop', { a: [1, 2, 3] }, { $pop: { a: 1 } }, { a: [1, 2] }),
  u('$pop', { a: [1, 2, 3] }, { $pop: { a: -1 } }, { a: [2, 3] }),
  u('$pop', { a: [] }, { $pop: { a: 1 } }, { a: [] }),
  u('$pop', { a: 'x' }, { $pop: { a: 1 } }, 'refused'),
  u('$pull', { a: [1, 2, 3, 2] }, { $pull: { a: 2 } }, { a: [1, 3] }),
  u('$pull', { a: [1, 2, 3] }, { $pull: { a: { $gte: 2 } } }, { a: [1] }),
  u('$pull', { a: [{ k: 1, v: 'x' }, { k: 2 }] }, { $pull: { a: { k: 1 } } }, { a: [{ k: 2 }] }),
  u('$pullAll', { a: [1, 2, 3, 1] }, { $pullAll: { a: [1, 3] } }, { a: [2] }),
  u('$addToSet', { a: [1] }, { $addToSet: { a: 1 } }, { a: [1] }),
  u('$addToSet', { a: [1] }, { $addToSet: { a: { $each: [1, 2, 2] } } }, { a: [1, 2] }),
  u('$addToSet', { a: [[1]] }, { $addToSet: { a: [1] } }, { a: [[1]] }),
  u('$currentDate', { a: 1 }, { $currentDate: { d: true, t: { $type: 'date' } } }, { a: 1, d: 'a date', t: 'a date' }),
  u('$setOnInsert', { a: 1 }, { $set: { b: 1 }, $setOnInsert: { c: 1 } }, { a: 1, b: 1 }), // no insert: not applied
  u('$[]', { a: [{ v: 0 }, { v: 1 }] }, { $inc: { 'a.$[].v': 10 } }, { a: [{ v: 10 }, { v: 11 }] }),
  u('$unknown', { a: 1 }, { $frobnicate: { a: 1 } }, 'refused'),
]
