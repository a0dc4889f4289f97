/**
 * Query operators (and projection operators), each with the documents MongoDB's manual says match: a
 * condition holds for an array when one element satisfies it, comparisons match only the operand's type
 * (`$gt: 1` never matches a string), null matches null and missing, `$ne` / `$nin` / `$not` match missing.
 */
export const queryDocs = [
  { _id: 'n1', n: 1, tags: ['a', 'b'], s: 'apple', o: { x: 1 }, bits: 5, arr: [1, 5, 9], items: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }], loc: { type: 'Point', coordinates: [121.47, 31.23] } },
  { _id: 'n2', n: 2, tags: ['b'], s: 'Banana', o: { x: 2 }, bits: 2, arr: [3], items: [{ k: 'a', v: 3 }], loc: { type: 'Point', coordinates: [116.4, 39.9] } },
  { _id: 'n3', n: 3.5, tags: [], s: 'cherry', nul: null, arr: [] },
  { _id: 'str', n: '3', s: 'date' },
  { _id: 'none' },
]

export interface QueryCase {
  op: string
  filter: Record<string, unknown>
  /** The matching documents' ids, in _id order; or the filter is refused. */
  ids: string[] | 'refused'
}

const q = (op: string, filter: Record<string, unknown>, ids: string[] | 'refused'): QueryCase => ({ op, filter, ids })
const ALL = ['n1', 'n2', 'n3', 'none', 'str']
const shanghai = { $geometry: { type: 'Polygon', coordinates: [[[121, 31], [122, 31], [122, 32], [121, 32], [121, 31]]] } }
const peoplesSquare = { $geometry: { type: 'Point', coordinates: [121.47, 31.23] }, $maxDistance: 1000 }

export const queryCases: QueryCase[] = [
  q('$eq', { n: { $eq: 2 } }, ['n2']),
  q('$eq', { tags: 'b' }, ['n1', 'n2']), // an element
  q('$eq', { tags: { $eq: ['b'] } }, ['n2']), // the whole array
  q('$eq', { 'o.x': 2 }, ['n2']),
  q('$eq', { 'items.k': 'b' }, ['n1']),
  q('$eq', { 'arr.0': 3 }, ['n2']),
  q('$eq', { nul: null }, ALL), // null and missing
  q('$eq', { n: null }, ['none']),
  q('$ne', { n: { $ne: 2 } }, ['n1', 'n3', 'none', 'str']),
  q('$ne', { tags: { $ne: 'b' } }, ['n3', 'none', 'str']),
  q('$gt', { n: { $gt: 1 } }, ['n2', 'n3']),
  q('$gt', { s: { $gt: 'b' } }, ['n3', 'str']),
  q('$gt', { arr: { $gt: 8 } }, ['n1']),
  q('$gte', { n: { $gte: 2 } }, ['n2', 'n3']),
  q('$lt', { n: { $lt: 2 } }, ['n1']),
  q('$lt', { nul: { $lt: 1 } }, []),
  q('$lte', { n: { $lte: 2 } }, ['n1', 'n2']),
  q('$lte', { s: { $lte: 'B' } }, []),
  q('$in', { n: { $in: [1, '3'] } }, ['n1', 'str']),
  q('$in', { tags: { $in: ['a'] } }, ['n1']),
  q('$in', { nul: { $in: [null] } }, ALL),
  q('$in', { n: { $in: [] } }, []),
  q('$nin', { n: { $nin: [1, 2] } }, ['n3', 'none', 'str']),
  q('$nin', { tags: { $nin: ['b'] } }, ['n3', 'none', 'str']),
  q('$exists', { nul: { $exists: true } }, ['n3']), // null exists
  q('$exists', { n: { $exists: false } }, ['none']),
  q('$type', { n: { $type: 'string' } }, ['str']),
  q('$type', { n: { $type: 'number' } }, ['n1', 'n2', 'n3']),
  q('$type', { nul: { $type: 'null' } }, ['n3']),
  q('$type', { tags: { $type: 'array' } }, ['n1', 'n2', 'n3']),
  q('$type', { n: { $type: ['string', 'null'] } }, ['str']),
  q('$all', { tags: { $all: ['a', 'b'] } }, ['n1']),
  q('$all', { tags: { $all: ['b'] } }, ['n1', 'n2']),
  q('$all', { tags: { $all: [] } }, []),
  q('$elemMatch', { items: { $elemMatch: { k: 'a', v: { $gt: 1 } } } }, ['n2']),
  q('$elemMatch', { arr: { $elemMatch: { $gt: 4, $lt: 6 } } }, ['n1']),
  q('$elemMatch', { tags: { $elemMatch: { $eq: 'z' } } }, []),
  q('$size', { tags: { $size: 0 } }, ['n3']),
  q('$size', { tags: { $size: 1 } }, ['n2']),
  q('$mod', { arr: { $mod: [3, 0] } }, ['n1', 'n2']),
  q('$mod', { n: { $mod: [2, 0] } }, ['n2']),
  q('$regex', { s: { $regex: '^b', $options: 'i' } }, ['n2']),
  q('$regex', { s: { $regex: 'an' } }, ['n2']),
  q('$regex', { tags: { $regex: '^a' } }, ['n1']),
  q('$not', { n: { $not: { $gt: 1 } } }, ['n1', 'none', 'str']),
  q('$not', { s: { $not: { $regex: '^[a-c]' } } }, ['n2', 'none', 'str']),
  q('$and', { $and: [{ n: { $gt: 1 } }, { n: { $lt: 3 } }] }, ['n2']),
  q('$or', { $or: [{ n: 1 }, { s: 'date' }] }, ['n1', 'str']),
  q('$nor', { $nor: [{ n: 1 }, { n: { $exists: false } }] }, ['n2', 'n3', 'str']),
  q('$expr', { $expr: { $gt: ['$n', 2] } }, ['n3', 'str']), // BSON order: a string is greater than any number
  q('$expr', { $expr: { $eq: [{ $size: { $ifNull: ['$tags', []] } }, 1] } }, ['n2']),
  q('$bitsAllSet', { bits: { $bitsAllSet: [0, 2] } }, ['n1']),
  q('$bitsAllSet', { bits: { $bitsAllSet: 5 } }, ['n1']),
  q('$bitsAnySet', { bits: { $bitsAnySet: [1] } }, ['n2']),
  q('$bitsAllClear', { bits: { $bitsAllClear: [1] } }, ['n1']),
  q('$bitsAnyClear', { bits: { $bitsAnyClear: [0, 1] } }, ['n1', 'n2']),
  q('$jsonSchema', { $jsonSchema: { required: ['s'], properties: { n: { bsonType: 'string' } } } }, ['str']),
  q('$jsonSchema', { $jsonSchema: { properties: { tags: { bsonType: 'array', minItems: 1 } } } }, ['n1', 'n2', 'none', 'str']),
  q('$jsonSchema', { $jsonSchema: { properties: { s: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 } }, required: ['s'] } }, ['n1', 'str']),
  q('$jsonSchema', { $jsonSchema: { properties: { n: { enum: [1, '3'] } }, additionalProperties: true } }, ['n1', 'none', 'str']),
  q('$jsonSchema', { $jsonSchema: { anyOf: [{ required: ['nul'] }, { properties: { n: { minimum: 2, exclusiveMinimum: true } }, required: ['n'] }] } }, ['n3', 'str']), // minimum says nothing about a string
  q('$jsonSchema', { $jsonSchema: { properties: { o: { bsonType: 'object', additionalProperties: false, properties: { x: { bsonType: 'int' } } } }, required: ['o'] } }, ['n1', 'n2']),
  q('$jsonSchema', { $jsonSchema: { not: { required: ['n'] } } }, ['none']),
  q('$jsonSchema', { $jsonSchema: { properties: { n: { format: 'email' } } } }, 'refused'), // MongoDB has no format
  q('$geoWithin', { loc: { $geoWithin: shanghai } }, ['n1']),
  q('$geoWithin', { loc: { $geoWithin: { $centerSphere: [[116.4, 39.9], 0.001] } } }, ['n2']),
  q('$geoIntersects', { loc: { $geoIntersects: shanghai } }, ['n1']),
  q('$nearSphere', { loc: { $nearSphere: peoplesSquare } }, ['n1']),
  q('$near', { loc: { $near: peoplesSquare } }, ['n1']),
  q('$near', { $or: [{ loc: { $near: peoplesSquare } }, { n: 2 }] }, ['n1', 'n2']),
  q('$where', { $where: 'this.n > 1' }, 'refused'),
]

/** Projection operators: the one document's projected fields. */
export interface ProjectionCase {
  op: string
  id: string
  projection: Record<string, unknown>
  want: Record<string, unknown>
}

export const projectionCases: ProjectionCase[] = [
  { op: '$slice', id: 'n1', projection: { arr: { $slice: 2 } }, want: { _id: 'n1', arr: [1, 5] } },
  { op: '$slice', id: 'n1', projection: { arr: { $slice: -1 } }, want: { _id: 'n1', arr: [9] } },
  { op: '$slice', id: 'n1', projection: { arr: { $slice: [1, 1] } }, want: { _id: 'n1', arr: [5] } },
  { op: '$elemMatch', id: 'n1', projection: { items: { $elemMatch: { k: 'b' } } }, want: { _id: 'n1', items: [{ k: 'b', v: 2 }] } },
  { op: '$elemMatch', id: 'n1', projection: { items: { $elemMatch: { k: 'z' } } }, want: { _id: 'n1' } },
]
