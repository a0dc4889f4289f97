/**
 * Aggregation stages, accumulators and window operators, each with a pipeline over the documents below
 * and the answer MongoDB's manual documents. Where MongoDB leaves an order open (groups, facets), the
 * pipeline sorts. `want: 'refused'` means the pipeline fails.
 */
export const sales = [
  { _id: 's1', item: 'a', qty: 2, price: 10, tags: ['x', 'y'], day: 1 },
  { _id: 's2', item: 'b', qty: 1, price: 20, tags: ['y'], day: 2 },
  { _id: 's3', item: 'a', qty: 5, price: 10, tags: [], day: 3 },
  { _id: 's4', item: 'c', qty: 3, price: 5, day: 4 },
]
export const items = [
  { _id: 'a', name: 'Apple' },
  { _id: 'b', name: 'Bean' },
]
export const staff = [
  { _id: 'ann', boss: null },
  { _id: 'bob', boss: 'ann' },
  { _id: 'cy', boss: 'bob' },
]

export interface StageCase {
  op: string
  pipeline: Record<string, unknown>[]
  want: Record<string, unknown>[] | 'refused' | { count: number }
}

type Doc = Record<string, unknown>
const s = (op: string, pipeline: Doc[], want: StageCase['want']): StageCase => ({ op, pipeline, want })
const ids = (...list: string[]) => list.map((_id) => ({ _id }))
const byId = { $sort: { _id: 1 } }
const only = (...fields: string[]) => ({ $project: Object.fromEntries([['_id', 0], ...fields.map((f) => [f, 1])]) })

export const stageCases: StageCase[] = [
  s('$match', [{ $match: { item: 'a' } }, byId, { $project: { _id: 1 } }], ids('s1', 's3')),
  s('$match', [{ $match: { $expr: { $gt: [{ $multiply: ['$qty', '$price'] }, 15] } } }, byId, { $project: { _id: 1 } }], ids('s1', 's2', 's3')),
  s('$project', [{ $match: { _id: 's1' } }, { $project: { _id: 0, item: 1, total: { $multiply: ['$qty', '$price'] } } }], [{ item: 'a', total: 20 }]),
  s('$project', [{ $match: { _id: 's1' } }, { $project: { tags: 0, day: 0 } }], [{ _id: 's1', item: 'a', qty: 2, price: 10 }]),
  s('$project', [{ $match: { _id: 's1' } }, { $project: { item: 1, tags: 0 } }], 'refused'), // inclusion and exclusion mixed
  s('$addFields', [{ $match: { _id: 's1' } }, { $addFields: { total: { $multiply: ['$qty', '$price'] } } }, only('total')], [{ total: 20 }]),
  s('$set', [{ $match: { _id: 's2' } }, { $set: { 'meta.seen': true } }, only('meta')], [{ meta: { seen: true } }]),
  s('$unset', [{ $match: { _id: 's1' } }, { $unset: ['tags', 'day', 'price'] }], [{ _id: 's1', item: 'a', qty: 2 }]),
  s('$unset', [{ $match: { _id: 's1' } }, { $unset: 'tags' }, { $project: { tags: 1 } }], [{ _id: 's1' }]),
  s('$replaceRoot', [{ $match: { _id: 's1' } }, { $replaceRoot: { newRoot: { item: '$item', n: '$qty' } } }], [{ item: 'a', n: 2 }]),
  s('$replaceRoot', [{ $match: { _id: 's1' } }, { $replaceRoot: { newRoot: '$item' } }], 'refused'), // not a document
  s('$replaceWith', [{ $match: { _id: 's2' } }, { $replaceWith: { $mergeObjects: [{ qty: 0, extra: 1 }, { qty: '$qty' }] } }], [{ qty: 1, extra: 1 }]),
  s('$group', [{ $group: { _id: '$item', qty: { $sum: '$qty' } } }, byId], [{ _id: 'a', qty: 7 }, { _id: 'b', qty: 1 }, { _id: 'c', qty: 3 }]),
  s('$group', [{ $group: { _id: null, n: { $sum: 1 }, revenue: { $sum: { $multiply: ['$qty', '$price'] } } } }], [{ _id: null, n: 4, revenue: 105 }]),
  s('$group', [{ $group: { _id: { $gt: ['$qty', 2] }, n: { $sum: 1 } } }, byId], [{ _id: false, n: 2 }, { _id: true, n: 2 }]),
  s('$sort', [{ $sort: { price: -1, qty: 1 } }, { $project: { _id: 1 } }], ids('s2', 's1', 's3', 's4')),
  s('$sort', [{ $sort: { tags: 1 } }, { $project: { _id: 1 } }], ids('s3', 's4', 's1', 's2')), // [] before missing; ['x','y'] as 'x' before ['y']
  s('$sort', [{ $sort: { tags: -1, _id: 1 } }, { $project: { _id: 1 } }], ids('s1', 's2', 's4', 's3')), // by the largest element: 'y' and 'y' tie
  s('$sort', [{ $sort: { qty: 2 } }], 'refused'),
  s('$skip', [byId, { $skip: 3 }, { $project: { _id: 1 } }], ids('s4')),
  s('$limit', [byId, { $limit: 2 }, { $project: { _id: 1 } }], ids('s1', 's2')),
  s('$limit', [{ $limit: 0 }], 'refused'),
  s('$count', [{ $count: 'n' }], [{ n: 4 }]),
  s('$count', [{ $match: { item: 'z' } }, { $count: 'n' }], []),
  s('$sortByCount', [{ $sortByCount: '$item' }, { $sort: { count: -1, _id: 1 } }], [{ _id: 'a', count: 2 }, { _id: 'b', count: 1 }, { _id: 'c', count: 1 }]),
  s('$bucket', [{ $bucket: { groupBy: '$qty', boundaries: [0, 3, 10] } }], [{ _id: 0, count: 2 }, { _id: 3, count: 2 }]),
  s('$bucket', [{ $bucket: { groupBy: '$qty', boundaries: [0, 1, 2, 3, 100] } }], [{ _id: 1, count: 1 }, { _id: 2, count: 1 }, { _id: 3, count: 2 }]), // no empty bucket
  s('$bucket', [{ $bucket: { groupBy: '$qty', boundaries: [0, 2, 3], default: 'other', output: { ids: { $push: '$_id' } } } }], [{ _id: 0, ids: ['s2'] }, { _id: 2, ids: ['s1'] }, { _id: 'other', ids: ['s3', 's4'] }]),
  s('$bucket', [{ $bucket: { groupBy: '$qty', boundaries: [0, 2] } }], 'refused'), // out of range, no default
  s('$bucketAuto', [{ $bucketAuto: { groupBy: '$qty', buckets: 2 } }], [{ _id: { min: 1, max: 3 }, count: 2 }, { _id: { min: 3, max: 5 }, count: 2 }]),
  s('$unwind', [{ $unwind: '$tags' }, { $project: { tags: 1 } }], [{ _id: 's1', tags: 'x' }, { _id: 's1', tags: 'y' }, { _id: 's2', tags: 'y' }]),
  s('$unwind', [{ $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } }, { $project: { tags: 1, i: 1 } }], [
    { _id: 's1', tags: 'x', i: 0 },
    { _id: 's1', tags: 'y', i: 1 },
    { _id: 's2', tags: 'y', i: 0 },
    { _id: 's3', i: null },
    { _id: 's4', i: null },
  ]),
  s('$lookup', [{ $match: { _id: { $in: ['s1', 's4'] } } }, byId, { $lookup: { from: 'items', localField: 'item', foreignField: '_id', as: 'info' } }, only('info')], [{ info: [{ _id: 'a', name: 'Apple' }] }, { info: [] }]),
  s('$lookup', [{ $match: { _id: 's2' } }, { $lookup: { from: 'items', let: { wanted: '$item' }, pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$wanted'] } } }, { $project: { _id: 0, name: 1 } }], as: 'info' } }, only('info')], [{ info: [{ name: 'Bean' }] }]),
  s('$lookup', [{ $match: { _id: 's1' } }, { $lookup: { from: 'items', localField: 'item', foreignField: '_id', pipeline: [{ $project: { _id: 0, name: 1 } }], as: 'info' } }, only('info')], [{ info: [{ name: 'Apple' }] }]),
  s('$facet', [{ $facet: { all: [{ $count: 'n' }], b: [{ $match: { item: 'b' } }, { $project: { _id: 1 } }] } }], [{ all: [{ n: 4 }], b: [{ _id: 's2' }] }]),
  s('$sample', [{ $sample: { size: 2 } }], { count: 2 }),
  s('$redact', [{ $redact: { $cond: { if: { $eq: ['$item', 'a'] }, then: '$$KEEP', else: '$$PRUNE' } } }, byId, { $project: { _id: 1 } }], ids('s1', 's3')),
  s('$graphLookup', [{ $match: { _id: 's1' } }, { $graphLookup: { from: 'staff', startWith: 'cy', connectFromField: 'boss', connectToField: '_id', as: 'chain' } }, { $project: { _id: 0, names: { $sortArray: { input: '$chain._id', sortBy: 1 } } } }], [{ names: ['ann', 'bob', 'cy'] }]),
  s('$unionWith', [{ $match: { _id: 's1' } }, { $project: { _id: 1 } }, { $unionWith: { coll: 'items', pipeline: [{ $project: { _id: 1 } }] } }], ids('s1', 'a', 'b')),
  s('$documents', [{ $match: { _id: 's1' } }, { $project: { _id: 1 } }, { $unionWith: { pipeline: [{ $documents: [{ _id: 'd1' }, { _id: 'd2' }] }] } }], ids('s1', 'd1', 'd2')),
  s('$densify', [only('day'), { $densify: { field: 'day', range: { step: 1, bounds: [1, 7] } } }, { $sort: { day: 1 } }], [1, 2, 3, 4, 5, 6].map((day) => ({ day }))),
  s('$geoNear', [{ $geoNear: { near: { type: 'Point', coordinates: [0, 0] }, distanceField: 'd', spherical: true } }], []), // no geo field in sales
  s('$fill', [only('day', 'qty'), { $set: { qty: { $cond: [{ $eq: ['$day', 2] }, null, '$qty'] } } }, { $fill: { sortBy: { day: 1 }, output: { qty: { method: 'linear' } } } }, { $sort: { day: 1 } }], [
    { day: 1, qty: 2 },
    { day: 2, qty: 3.5 },
    { day: 3, qty: 5 },
    { day: 4, qty: 3 },
  ]),
  s('$fill', [only('day'), { $fill: { output: { qty: { value: 0 } } } }, { $sort: { day: 1 } }, { $limit: 1 }], [{ day: 1, qty: 0 }]),
  s('$fill', [{ $fill: { output: { qty: { method: 'locf' } } } }], 'refused'), // a method needs sortBy
  s('$out', [{ $out: 'copy' }], 'refused'),
  s('$merge', [{ $merge: { into: 'copy' } }], 'refused'),
  s('$collStats', [{ $collStats: {} }], 'refused'),
]

/** Accumulators in `$group` over all sales (one group). */
export const accumulatorCases: StageCase[] = (
  [
    ['$sum', { $sum: '$qty' }, 11],
    ['$sum', { $sum: '$tags' }, 0], // arrays and non-numbers are ignored
    ['$avg', { $avg: '$qty' }, 2.75],
    ['$avg', { $avg: '$missing' }, null],
    ['$min', { $min: '$qty' }, 1],
    ['$max', { $max: '$item' }, 'c'],
    ['$max', { $max: '$missing' }, null],
    ['$first', { $first: '$_id' }, 's1'],
    ['$last', { $last: '$_id' }, 's4'],
    ['$push', { $push: '$qty' }, [2, 1, 5, 3]],
    ['$addToSet', { $addToSet: '$item' }, ['a', 'b', 'c']], // order unspecified: sorted below
    ['$count', { $count: {} }, 4],
    ['$stdDevPop', { $stdDevPop: '$price' }, 5.448624], // sqrt(118.75 / 4), rounded below
    ['$stdDevSamp', { $stdDevSamp: '$price' }, 6.291529], // sqrt(118.75 / 3)
    ['$mergeObjects', { $mergeObjects: { $cond: [{ $eq: ['$item', 'a'] }, { a: '$qty' }, { other: '$qty' }] } }, { a: 5, other: 3 }],
    ['$top', { $top: { sortBy: { qty: -1 }, output: '$_id' } }, 's3'],
    ['$topN', { $topN: { n: 2, sortBy: { qty: -1 }, output: '$_id' } }, ['s3', 's4']],
    ['$bottom', { $bottom: { sortBy: { qty: -1 }, output: '$_id' } }, 's2'],
    ['$bottomN', { $bottomN: { n: 2, sortBy: { qty: -1 }, output: '$_id' } }, ['s1', 's2']],
    ['$firstN', { $firstN: { n: 2, input: '$_id' } }, ['s1', 's2']],
    ['$lastN', { $lastN: { n: 2, input: '$_id' } }, ['s3', 's4']],
    ['$maxN', { $maxN: { n: 2, input: '$qty' } }, [5, 3]],
    ['$minN', { $minN: { n: 2, input: '$qty' } }, [1, 2]],
    ['$median', { $median: { input: { $cond: [{ $eq: ['$_id', 's4'] }, null, '$qty'] }, method: 'approximate' } }, 2], // of 2, 1, 5 (null is ignored)
    ['$percentile', { $percentile: { input: '$qty', p: [0, 1], method: 'approximate' } }, [1, 5]],
    ['$covariancePop', { $covariancePop: ['$day', '$qty'] }, 0.875],
    ['$covarianceSamp', { $covarianceSamp: ['$day', '$qty'] }, 1.166667], // 3.5 / 3, rounded below
  ] as [string, unknown, unknown][]
).map(([op, accumulator, value]) => {
  // A set has no order: sorted; a floating-point answer: rounded to 6 places.
  const r = op === '$addToSet' ? { $sortArray: { input: '$r', sortBy: 1 } } : ['$stdDevPop', '$stdDevSamp', '$covarianceSamp'].indexOf(op) >= 0 ? { $round: ['$r', 6] } : '$r'
  return s(op, [byId, { $group: { _id: null, r: accumulator } }, { $project: { _id: 0, r } }], [{ r: value }])
})

/** Window operators and accumulators over windows in `$setWindowFields`, sorted by day; answers per day. */
export const windowCases: StageCase[] = (
  [
    ['$documentNumber', { $documentNumber: {} }, undefined, [1, 2, 3, 4]],
    ['$rank', { $rank: {} }, undefined, [1, 2, 3, 4]],
    ['$denseRank', { $denseRank: {} }, undefined, [1, 2, 3, 4]],
    ['$shift', { $shift: { output: '$qty', by: 1, default: 'none' } }, undefined, [1, 5, 3, 'none']],
    ['$shift', { $shift: { output: '$qty', by: -1 } }, undefined, [null, 2, 1, 5]],
    ['$locf', { $locf: '$tags' }, undefined, [['x', 'y'], ['y'], [], []]],
    ['$linearFill', { $linearFill: '$qty' }, undefined, [2, 1, 5, 3]],
    ['$expMovingAvg', { $expMovingAvg: { input: '$qty', alpha: 0.5 } }, undefined, [2, 1.5, 3.25, 3.125]],
    ['$derivative', { $derivative: { input: '$qty' } }, { documents: [-1, 1] }, [-1, 1.5, 1, -2]],
    ['$integral', { $integral: { input: '$qty' } }, { documents: [-1, 1] }, [1.5, 4.5, 7, 4]],
    ['$sum', { $sum: '$qty' }, { documents: ['unbounded', 'current'] }, [2, 3, 8, 11]],
    ['$sum', { $sum: '$qty' }, { documents: [-1, 1] }, [3, 8, 9, 8]],
    ['$avg', { $avg: '$qty' }, { range: [-1, 0] }, [2, 1.5, 3, 4]],
    ['$max', { $max: '$qty' }, undefined, [5, 5, 5, 5]],
    ['$min', { $min: '$qty' }, { documents: ['current', 'unbounded'] }, [1, 1, 3, 3]],
    ['$count', { $count: {} }, { range: ['unbounded', 'current'] }, [1, 2, 3, 4]],
    ['$push', { $push: '$_id' }, { documents: [0, 1] }, [['s1', 's2'], ['s2', 's3'], ['s3', 's4'], ['s4']]],
    ['$first', { $first: '$_id' }, { documents: [-1, 0] }, ['s1', 's1', 's2', 's3']],
    ['$last', { $last: '$_id' }, { documents: [0, 1] }, ['s2', 's3', 's4', 's4']],
    ['$addToSet', { $addToSet: '$item' }, { documents: [0, 0] }, [['a'], ['b'], ['a'], ['c']]],
  ] as [string, unknown, unknown, unknown[]][]
).map(([op, operator, window, values]) =>
  s(op, [{ $setWindowFields: { sortBy: { day: 1 }, output: { r: window ? { ...(operator as Doc), window } : operator } } }, { $project: { _id: 0, day: 1, r: 1 } }], values.map((r, i) => ({ day: i + 1, r }))),
)

/** `$setWindowFields` as a whole: partitions, ties, and what it refuses. */
export const windowStageCases: StageCase[] = [
  s('$setWindowFields', [{ $setWindowFields: { partitionBy: '$item', sortBy: { day: 1 }, output: { n: { $documentNumber: {} }, total: { $sum: '$qty' } } } }, { $project: { n: 1, total: 1 } }, byId], [
    { _id: 's1', n: 1, total: 7 },
    { _id: 's2', n: 1, total: 1 },
    { _id: 's3', n: 2, total: 7 },
    { _id: 's4', n: 1, total: 3 },
  ]),
  s('$setWindowFields', [{ $setWindowFields: { sortBy: { price: -1 }, output: { rank: { $rank: {} }, dense: { $denseRank: {} } } } }, { $project: { rank: 1, dense: 1 } }, byId], [
    { _id: 's1', rank: 2, dense: 2 },
    { _id: 's2', rank: 1, dense: 1 },
    { _id: 's3', rank: 2, dense: 2 },
    { _id: 's4', rank: 4, dense: 3 },
  ]),
  s('$setWindowFields', [{ $setWindowFields: { output: { r: { $rank: {} } } } }], 'refused'), // $rank needs sortBy
  s('$setWindowFields', [{ $setWindowFields: { sortBy: { day: 1 }, output: { r: { $rank: {}, window: { documents: [-1, 0] } } } } }], 'refused'),
  s('$setWindowFields', [{ $setWindowFields: { sortBy: { day: 1 }, output: { r: { $minMaxScaler: { input: '$qty' } } } } }], 'refused'),
]
