/**
 * Differential test against the official serializer.
 *
 * The oracle is the official @cloudbase/database 0.12.1 package itself (what js-sdk sends in the classic
 * `/web` dialect), run with a recording request class (test/helpers/official.ts). fast-check generates a
 * random call (a where() query, orderBy/skip/limit/field, an update, documents to add) as plain data;
 * the data is built into real arguments separately for each SDK (the official one mutates and shares what
 * it is given), both SDKs send, and the two requests must be deep-equal.
 *
 * Kept OUT of the generators, with the reason (each is a known difference, documented or reported):
 * - Dates, RegExps and serverDate() as operands of _.set/_.inc/_.min/_.max, and inside _.push({ each }):
 *   the official serializer does not type-encode them (docs/protocol.md §14 item 2, j-cases J18b);
 * - _.addToSet({ each }): sent verbatim as { each } by the official one (§14 item 4, J19);
 * - _.mod(a, b), the two-argument form: the official one drops b (§14 item 3); only _.mod([a, b]) here;
 * - _.geoWithin({ centerSphere }): throws in the official one (§14 item 3, J10a);
 * - Dates/RegExps inside array VALUES of a query ({ d: [date] }): the official one leaves arrays
 *   un-encoded, so they reach the wire as ISO strings / {} (src/database/encode.ts header);
 * - empty objects {} as where()/update() values: the official one drops them (src/database/encode.ts);
 * - two field-level .or() in one query object: the official one merges them into one $or (encode.ts);
 * - found by this test, fixed on our side (each has a test at the end of this file asserting both sides):
 *   (D1) _.neq inside _.elemMatch / _.pull / _.project.elemMatch: the official one sends `$neq`;
 *   (D2) _.all inside _.elemMatch / _.pull: the official one sends only the first element;
 *   (D3) Dates/RegExps as operands of commands nested in _.elemMatch / _.pull / _.project.elemMatch:
 *        not encoded by the official one (ISO string / {});
 *   (D4) chained commands (_.gt(1).and(...)) nested in _.elemMatch / _.pull: the official one sends the
 *        command object's internals ({operator, operands, fieldName});
 *   (D5) _.not() of a chained command: the official one sends { f: {} } (the condition is lost);
 *   (D6) where(...).remove() with a Geo value in the query: the official one encodes the query twice and
 *        the second pass flattens the GeoJSON to { 'loc.type', 'loc.coordinates' };
 *   (D8) undefined values in update(): the official one sends an empty `$set: {}` beside the other operators;
 *   (D9) _.push([a], b) / _.unshift([a], b) (an array first, then more values): the official one keeps
 *        only the first array; hence push/unshift values here are never arrays;
 *   raw `$`-keyed operators are not generated (the official one leaves their values un-encoded);
 * - invalid inputs (our SDK validates: limit/skip integers, non-empty updates, no _id in updates).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { officialDb } from '../helpers/official'
import { ourDb } from './ours'

// ---------------------------------------------------------------------------------------------------
// Specs: printable descriptions of arguments, built into real values once per SDK.
// A spec is a scalar (string, number, boolean, null) or a tagged array:
//   ['date', ms] ['re', source, flags] ['geo', 'Point', [argSpec...]] (new db.Geo.Point(...args))
//   ['serverDate', offset] ['undef']
//   ['arr', [spec...]] ['obj', { key: spec }] ['cmd', 'gt', [argSpec...]]  (db.command.gt(...args))
//   ['method', targetSpec, 'and', [argSpec...]]                             (target.and(...args))
// ---------------------------------------------------------------------------------------------------
type Scalar = string | number | boolean | null
type Spec =
  | Scalar
  | ['date', number]
  | ['re', string, string]
  | ['geo', string, Spec[]]
  | ['serverDate', number]
  | ['undef']
  | ['arr', Spec[]]
  | ['obj', { [key: string]: Spec }]
  | ['cmd', string, Spec[]]
  | ['method', Spec, string, Spec[]]

interface Sdk {
  db: any
  _: any
}

function build(spec: Spec, sdk: Sdk): any {
  if (!Array.isArray(spec)) return spec
  switch (spec[0]) {
    case 'date':
      return new Date(spec[1])
    case 're':
      return new RegExp(spec[1], spec[2])
    case 'geo':
      return new sdk.db.Geo[spec[1]](...spec[2].map((arg) => build(arg, sdk)))
    case 'serverDate':
      return sdk.db.serverDate({ offset: spec[1] })
    case 'undef':
      return undefined
    case 'arr':
      return spec[1].map((item) => build(item, sdk))
    case 'obj': {
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(spec[1])) out[key] = build(value, sdk)
      return out
    }
    case 'cmd': {
      const path = spec[1].split('.')
      const name = path.pop()!
      const owner = path.reduce((o, key) => o[key], sdk._)
      return owner[name](...spec[2].map((arg) => build(arg, sdk)))
    }
    case 'method':
      return build(spec[1], sdk)[spec[2]](...spec[3].map((arg) => build(arg, sdk)))
  }
}

const cmd = (name: string, ...args: Spec[]): Spec => ['cmd', name, args]
const obj = (entries: { [key: string]: Spec }): Spec => ['obj', entries]
const arr = (items: Spec[]): Spec => ['arr', items]

// ---------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------
const FIELDS = ['a', 'b', 'c', 'n', 'tag', '_id']
const field = fc.constantFrom(...FIELDS)
const updateField = fc.constantFrom(...FIELDS.filter((f) => f !== '_id'))

/** Finite numbers; -0 is sent as 0 by JSON, so it is not generated (our requests are compared unserialised). */
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (d === 0 ? 0 : d)),
)
const scalar: fc.Arbitrary<Spec> = fc.oneof(fc.string({ maxLength: 5 }), number, fc.boolean(), fc.constant(null))
const date: fc.Arbitrary<Spec> = fc.integer({ min: -2208988800000, max: 4102444800000 }).map((ms): Spec => ['date', ms])
const regex: fc.Arbitrary<Spec> = fc
  .tuple(fc.constantFrom('^a', 'b+c', 'x.*y', '[0-9]+', '\\d'), fc.constantFrom('', 'i', 'm', 'im', 's'))
  .map(([source, flags]): Spec => ['re', source, flags])
const coordinate = (limit: number) => fc.double({ min: -limit, max: limit, noNaN: true }).map((d) => (d === 0 ? 0 : d))
const point: fc.Arbitrary<Spec> = fc.tuple(coordinate(180), coordinate(90)).map(([lng, lat]): Spec => ['geo', 'Point', [lng, lat]])
const lineString: fc.Arbitrary<Spec> = fc.array(point, { minLength: 2, maxLength: 3 }).map((points): Spec => ['geo', 'LineString', [arr(points)]])
/** A triangle: a closed ring of four points. */
const polygon: fc.Arbitrary<Spec> = fc
  .tuple(point, point, point)
  .map(([p, q, r]): Spec => ['geo', 'Polygon', [arr([['geo', 'LineString', [arr([p, q, r, p])]]])]])
const multiPolygon: fc.Arbitrary<Spec> = fc.array(polygon, { minLength: 1, maxLength: 2 }).map((ps): Spec => ['geo', 'MultiPolygon', [arr(ps)]])
const geometry = fc.oneof(point, lineString, polygon, multiPolygon)
const serverDate: fc.Arbitrary<Spec> = fc.integer({ min: -1e6, max: 1e6 }).map((offset): Spec => ['serverDate', offset])

const arrayOf = (item: fc.Arbitrary<Spec>, minLength = 0) => fc.array(item, { minLength, maxLength: 3 }).map(arr)
const objectOf = (value: fc.Arbitrary<Spec>, minKeys = 1, keys = field) =>
  fc.dictionary(keys, value, { minKeys, maxKeys: 3 }).map(obj)

// ---------------------------------------------------------------------------------------------------
// Query commands
// ---------------------------------------------------------------------------------------------------
const COMPARE = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte']
const LIST = ['in', 'nin', 'all']

const operand: fc.Arbitrary<Spec> = fc.oneof(
  scalar,
  date,
  regex,
  point,
  arrayOf(fc.oneof(scalar, date)),
  objectOf(fc.oneof(scalar, date), 0),
)
const listOperand = arrayOf(fc.oneof(scalar, date, regex))

/**
 * Commands as the official serializer encodes them when nested in _.elemMatch / _.pull /
 * _.project.elemMatch (through QueryCommand.toJSON): no _.neq (D1), no _.all (D2), scalar operands only
 * (D3), no chains (D4).
 */
function nestedCommand(depth: number): fc.Arbitrary<Spec> {
  const leaves: fc.Arbitrary<Spec>[] = [
    fc.tuple(fc.constantFrom('eq', 'gt', 'gte', 'lt', 'lte'), scalar).map(([op, v]) => cmd(op, v)),
    fc.tuple(fc.constantFrom('in', 'nin'), arrayOf(scalar)).map(([op, v]) => cmd(op, v)),
    fc.boolean().map((v) => cmd('exists', v)),
    fc.nat(10).map((v) => cmd('size', v)),
    modulo,
  ]
  if (depth > 0) leaves.push(elemMatchCondition(depth - 1).map((v) => cmd('elemMatch', v)))
  return fc.oneof(...leaves)
}

/** The argument of _.elemMatch(): a query on the elements, or one command. */
function elemMatchCondition(depth: number): fc.Arbitrary<Spec> {
  const value = fc.oneof(scalar, objectOf(scalar), nestedCommand(depth))
  return fc.oneof({ weight: 3, arbitrary: objectOf(value) }, { weight: 1, arbitrary: nestedCommand(depth) })
}

const modulo: fc.Arbitrary<Spec> = fc
  .tuple(fc.integer({ min: -10, max: 10 }).filter((d) => d !== 0), fc.integer({ min: -10, max: 10 }))
  .map(([divisor, remainder]) => cmd('mod', arr([divisor, remainder])))

const distances = fc.record({ maxDistance: fc.nat(10000), minDistance: fc.nat(10000) }, { requiredKeys: [] })
const geoCommand: fc.Arbitrary<Spec> = fc.oneof(
  fc.tuple(point, distances).map(([geometry, d]) => cmd('geoNear', obj({ geometry, ...d }))),
  fc.oneof(polygon, multiPolygon).map((geometry) => cmd('geoWithin', obj({ geometry }))),
  geometry.map((geometry) => cmd('geoIntersects', obj({ geometry }))),
)

/** One query command on a field. */
const leafCommand: fc.Arbitrary<Spec> = fc.oneof(
  fc.tuple(fc.constantFrom(...COMPARE), operand).map(([op, v]) => cmd(op, v)),
  fc.tuple(fc.constantFrom(...LIST), listOperand).map(([op, v]) => cmd(op, v)),
  fc.boolean().map((v) => cmd('exists', v)),
  fc.nat(10).map((v) => cmd('size', v)),
  modulo,
  elemMatchCondition(1).map((v) => cmd('elemMatch', v)),
  geoCommand,
)

/** `.and(a, b)` or `.and([a, b])` (likewise `.or`) on `target`. */
const logicMethod = (target: fc.Arbitrary<Spec>) =>
  fc
    .tuple(target, fc.constantFrom('and', 'or'), fc.array(leafCommand, { minLength: 1, maxLength: 2 }), fc.boolean())
    .map(([t, method, args, asArray]): Spec => ['method', t, method, asArray ? [arr(args)] : args])

/** `_.gt(1).lt(5)`: a query command's shortcut methods (only query commands have them). */
const shortcut = fc.oneof(
  fc.tuple(leafCommand, fc.constantFrom(...COMPARE), operand).map(([t, m, v]): Spec => ['method', t, m, [v]]),
  fc.tuple(leafCommand, fc.constantFrom('in', 'nin'), listOperand).map(([t, m, v]): Spec => ['method', t, m, [v]]),
)
const chain = fc.oneof(logicMethod(fc.oneof(leafCommand, shortcut)), logicMethod(logicMethod(leafCommand)), shortcut)

/** `{ f: _.or([_.gt(1), _.lt(0)]) }` and friends. */
const fieldLogic = fc
  .tuple(fc.constantFrom('and', 'or', 'nor'), fc.array(leafCommand, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([op, args, asArray]) => (asArray ? cmd(op, arr(args)) : cmd(op, ...args)))

/** _.not() of one command or a RegExp (not of a chain: D5). */
const not = fc.oneof(leafCommand, regex).map((v) => cmd('not', v))

const fieldCommand = fc.oneof(
  { weight: 4, arbitrary: leafCommand },
  { weight: 2, arbitrary: chain },
  { weight: 1, arbitrary: fieldLogic },
  { weight: 1, arbitrary: not },
)

// ---------------------------------------------------------------------------------------------------
// where() arguments
// ---------------------------------------------------------------------------------------------------
/** A literal value in a query: no Dates/RegExps inside arrays, no {} (see the header). */
const queryValue = fc.oneof(
  { weight: 5, arbitrary: fc.oneof(scalar, date, regex, geometry, arrayOf(fc.oneof(scalar, point, objectOf(scalar)))) },
  { weight: 1, arbitrary: fc.constant<Spec>(['undef']) },
)

/** Whether a field's command puts an `$or` at the top of the query object. */
function isFieldOr(spec: Spec): boolean {
  return Array.isArray(spec) && ((spec[0] === 'cmd' && spec[1] === 'or') || (spec[0] === 'method' && spec[2] === 'or'))
}
/** The number of field-level `$or` a query object produces, nested objects (flattened) included. */
function fieldOrs(spec: Spec): number {
  if (!Array.isArray(spec) || spec[0] !== 'obj') return 0
  return Object.values(spec[1]).reduce<number>((n, v) => n + (isFieldOr(v) ? 1 : fieldOrs(v)), 0)
}

/**
 * Commands in a NESTED query object ({ a: { b: command } }), including chains that merge into a
 * top-level $and beside a sibling's (D7: both serializers now list the conjuncts in the same order).
 */
const nestedFieldCommand = fc.oneof(
  { weight: 4, arbitrary: leafCommand },
  { weight: 1, arbitrary: not },
  { weight: 1, arbitrary: fc.tuple(leafCommand, leafCommand).map(([t, a]): Spec => ['method', t, 'and', [a]]) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.array(leafCommand, { minLength: 1, maxLength: 2 }).map((args) => cmd('or', arr(args))),
      fc.tuple(leafCommand, leafCommand).map(([t, a]): Spec => ['method', t, 'or', [a]]),
    ),
  },
)

function queryObject(depth: number, minKeys: number, command: fc.Arbitrary<Spec>): fc.Arbitrary<Spec> {
  const value: fc.Arbitrary<Spec> =
    depth > 0
      ? fc.oneof(
          { weight: 3, arbitrary: queryValue },
          { weight: 3, arbitrary: command },
          { weight: 1, arbitrary: queryObject(depth - 1, 1, nestedFieldCommand) },
        )
      : fc.oneof(queryValue, command)
  return objectOf(value, minKeys)
}
/** Whether `where(q)` is refused by both SDKs: every value undefined. */
function allUndefined(spec: Spec): boolean {
  const values = Array.isArray(spec) && spec[0] === 'obj' ? Object.values(spec[1]) : []
  return values.length > 0 && values.every((v) => Array.isArray(v) && v[0] === 'undef')
}

/** At most one field-level .or() per query object (see the header). */
const query = (minKeys: number) => queryObject(2, minKeys, fieldCommand).filter((q) => fieldOrs(q) <= 1 && !allUndefined(q))

/** A where() argument: a query object, or _.and/_.or/_.nor of query objects (nested once). */
const whereArgument: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 3, arbitrary: query(0) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('and', 'or', 'nor'),
        fc.array(
          fc.oneof(
            { weight: 3, arbitrary: query(1) },
            {
              weight: 1,
              arbitrary: fc
                .tuple(fc.constantFrom('and', 'or', 'nor'), fc.array(query(1), { minLength: 1, maxLength: 2 }))
                .map(([op, parts]) => cmd(op, arr(parts))),
            },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
      )
      .map(([op, parts, asArray]) => (asArray ? cmd(op, arr(parts)) : cmd(op, ...parts))),
  },
)

/** A field() argument: booleans, 0/1 and projection operators. */
const projection = fc
  .dictionary(
    fc.constantFrom('a', 'b', 'c', 'tag', 'title'),
    fc.oneof(
      fc.boolean(),
      fc.constantFrom(0, 1),
      fc.oneof(fc.integer({ min: -5, max: 5 }), fc.tuple(fc.nat(5), fc.integer({ min: 1, max: 5 })).map(([s, n]) => arr([s, n]))).map((v) =>
        cmd('project.slice', v),
      ),
      elemMatchCondition(0).map((v) => cmd('project.elemMatch', v)),
    ),
    { maxKeys: 3 },
  )
  .map(obj)

/** Whether a where() argument has a Geo value as a field (directly, in a nested object or a sub-query). */
function hasGeoField(spec: Spec): boolean {
  if (!Array.isArray(spec)) return false
  if (spec[0] === 'geo') return true
  if (spec[0] === 'obj') return Object.values(spec[1]).some(hasGeoField)
  // Sub-queries of _.and/_.or/_.nor; commands on a field keep their Geo operands under a `$` key.
  if (spec[0] === 'cmd' && ['and', 'or', 'nor'].indexOf(spec[1]) >= 0) {
    return spec[2].some((arg) => (Array.isArray(arg) && arg[0] === 'arr' ? arg[1].some(hasGeoField) : hasGeoField(arg)))
  }
  return false
}

/** Everything a query can be given before get()/count(). */
const readQuery = fc.record(
  {
    where: whereArgument,
    orderBy: fc.array(fc.tuple(fc.constantFrom('a', 'b.c', 'createdAt', '_id'), fc.constantFrom('asc', 'desc')), { maxLength: 3 }),
    skip: fc.nat(5000),
    limit: fc.integer({ min: 1, max: 2000 }),
    field: projection,
  },
  { requiredKeys: ['orderBy'] },
)
type ReadQuery = { where?: Spec; orderBy: [string, string][]; skip?: number; limit?: number; field?: Spec }

// ---------------------------------------------------------------------------------------------------
// update() arguments
// ---------------------------------------------------------------------------------------------------
/** Plain values, sent as $set: Dates, RegExps, Geo and serverDate are fine here. */
const plainUpdateValue = fc.oneof(
  scalar,
  date,
  regex,
  geometry,
  serverDate,
  arrayOf(fc.oneof(scalar, date, regex, serverDate, point, objectOf(fc.oneof(scalar, date)))),
)
/** Values for push/unshift/addToSet: never an array (the spread forms differ) nor an object with `each`. */
const element = fc.oneof(scalar, date, regex, serverDate, point, objectOf(fc.oneof(scalar, date, regex)))

const updateCommand: fc.Arbitrary<Spec> = fc.oneof(
  // _.set: scalars and plain objects/arrays only (no Date/RegExp/serverDate, §14 item 2).
  fc.oneof(scalar, arrayOf(scalar), objectOf(fc.oneof(scalar, objectOf(scalar)), 0)).map((v) => cmd('set', v)),
  fc.tuple(fc.constantFrom('inc', 'mul', 'min', 'max'), number).map(([op, n]) => cmd(op, n)),
  fc.constantFrom('renamed', 'x.y', 'z').map((to) => cmd('rename', to)),
  fc.constant(cmd('remove')),
  fc.array(element, { minLength: 1, maxLength: 3 }).map((values) => cmd('push', ...values)),
  fc.array(element, { maxLength: 3 }).map((values) => cmd('push', arr(values))),
  // _.push({ each, ... }): no Dates/RegExps in `each` (not encoded by the official serializer).
  fc
    .record(
      {
        each: arrayOf(fc.oneof(scalar, objectOf(scalar))),
        position: fc.integer({ min: -5, max: 5 }),
        sort: fc.oneof(fc.constantFrom(1, -1), objectOf(fc.constantFrom(1, -1))),
        slice: fc.integer({ min: -5, max: 5 }),
      },
      { requiredKeys: ['each'] },
    )
    .map((options) => cmd('push', obj(options as { [key: string]: Spec }))),
  fc.constantFrom(cmd('pop'), cmd('shift')),
  fc.array(element, { minLength: 1, maxLength: 3 }).map((values) => cmd('unshift', ...values)),
  fc.array(element, { maxLength: 3 }).map((values) => cmd('unshift', arr(values))),
  fc.oneof(scalar, objectOf(scalar), nestedCommand(1)).map((v) => cmd('pull', v)),
  arrayOf(fc.oneof(scalar, date, regex)).map((v) => cmd('pullAll', v)),
  element.map((v) => cmd('addToSet', v)),
  fc.tuple(fc.constantFrom('and', 'or', 'xor'), fc.integer({ min: 0, max: 255 })).map(([op, n]) => cmd('bit', obj({ [op]: n }))),
)

function updateObject(depth: number): fc.Arbitrary<Spec> {
  const value: fc.Arbitrary<Spec> =
    depth > 0
      ? fc.oneof({ weight: 3, arbitrary: plainUpdateValue }, { weight: 3, arbitrary: updateCommand }, { weight: 1, arbitrary: updateObject(depth - 1) })
      : fc.oneof(plainUpdateValue, updateCommand)
  return fc.dictionary(depth === 2 ? updateField : field, value, { minKeys: 1, maxKeys: 4 }).map(obj)
}
const update = updateObject(2)

// ---------------------------------------------------------------------------------------------------
// add() / set() documents: every value type, {} and undefined included (serialize keeps them).
// ---------------------------------------------------------------------------------------------------
function documentValue(depth: number): fc.Arbitrary<Spec> {
  const leaves = [scalar, date, regex, geometry, serverDate, fc.constant<Spec>(['undef'])]
  if (depth === 0) return fc.oneof(...leaves)
  return fc.oneof(...leaves, arrayOf(documentValue(depth - 1)), objectOf(documentValue(depth - 1), 0))
}
const document = fc.dictionary(updateField, documentValue(2), { maxKeys: 4 }).map(obj)
const docId = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 1e6 }))

// ---------------------------------------------------------------------------------------------------
// Driving both SDKs
// ---------------------------------------------------------------------------------------------------
/** Our request and the official one for the same call; `call` gets a fresh SDK and the wx/official flavour. */
async function requests(call: (sdk: Sdk, wx: boolean) => Promise<unknown>) {
  const ours = ourDb()
  await call(ours, true)
  const theirs = officialDb()
  await call(theirs, false)
  return { ours: ours.transport.last(), official: theirs.last() }
}

/** `{ data }` for our wx-style API, the data itself for the official one. */
const payload = (data: unknown, wx: boolean) => (wx ? { data } : data)

function applyRead(q: ReadQuery, sdk: Sdk): any {
  let query = sdk.db.collection('todos')
  if (q.where !== undefined) query = query.where(build(q.where, sdk))
  for (const [name, direction] of q.orderBy) query = query.orderBy(name, direction)
  if (q.skip !== undefined) query = query.skip(q.skip)
  if (q.limit !== undefined) query = query.limit(q.limit)
  if (q.field !== undefined) query = query.field(build(q.field, sdk))
  return query
}

/** The batch-write target: where() or the whole collection. */
function target(where: Spec | undefined, sdk: Sdk): any {
  const collection = sdk.db.collection('todos')
  return where === undefined ? collection : collection.where(build(where, sdk))
}

/** 300 runs each by default (a few seconds); CONFORMANCE_RUNS=20000 for a deeper search. */
const RUNS = { numRuns: Number(process.env.CONFORMANCE_RUNS) || 300 }

async function expectSame(call: (sdk: Sdk, wx: boolean) => Promise<unknown>) {
  const { ours, official } = await requests(call)
  expect(ours).toEqual(official)
}

describe('differential: our requests equal the official 0.12.1 serializer\'s', () => {
  it('where().orderBy().skip().limit().field().get()', async () => {
    await fc.assert(fc.asyncProperty(readQuery, (q) => expectSame((sdk) => applyRead(q as ReadQuery, sdk).get())), RUNS)
  })

  it('count()', async () => {
    await fc.assert(fc.asyncProperty(readQuery, (q) => expectSame((sdk) => applyRead(q as ReadQuery, sdk).count())), RUNS)
  })

  it('where().update()', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(whereArgument, { nil: undefined }), update, (where, data) =>
        expectSame((sdk, wx) => target(where, sdk).update(payload(build(data, sdk), wx))),
      ),
      RUNS,
    )
  })

  it('doc().update()', async () => {
    await fc.assert(
      fc.asyncProperty(docId, update, (id, data) =>
        expectSame((sdk, wx) => sdk.db.collection('todos').doc(id).update(payload(build(data, sdk), wx))),
      ),
      RUNS,
    )
  })

  it('doc().set()', async () => {
    await fc.assert(
      fc.asyncProperty(docId, document, (id, data) =>
        expectSame((sdk, wx) => sdk.db.collection('todos').doc(id).set(payload(build(data, sdk), wx))),
      ),
      RUNS,
    )
  })

  it('where().remove()', async () => {
    // No Geo values as fields of the query: the official remove() re-encodes the query and breaks them (D6).
    const where = fc.option(whereArgument, { nil: undefined }).filter((w) => w === undefined || !hasGeoField(w))
    await fc.assert(fc.asyncProperty(where, (w) => expectSame((sdk) => target(w, sdk).remove())), RUNS)
  })

  it('doc().field().get()', async () => {
    // Booleans and 0/1 only: the official doc().field() turns projection operators into 1 (§14 item 12).
    const projection = fc.dictionary(field, fc.oneof(fc.boolean(), fc.constantFrom(0, 1)), { maxKeys: 3 }).map(obj)
    await fc.assert(
      fc.asyncProperty(docId, fc.option(projection, { nil: undefined }), (id, p) =>
        expectSame((sdk) => {
          const doc = sdk.db.collection('todos').doc(id)
          return (p === undefined ? doc : doc.field(build(p, sdk))).get()
        }),
      ),
      RUNS,
    )
  })

  it('add() of one document and of several', async () => {
    const data = fc.oneof(document, fc.array(document, { minLength: 1, maxLength: 3 }).map(arr))
    await fc.assert(
      fc.asyncProperty(data, (d) => expectSame((sdk, wx) => sdk.db.collection('todos').add(payload(build(d, sdk), wx)))),
      RUNS,
    )
  })
})

/**
 * Divergences the differential test found beyond docs/protocol.md §14: in each, the official serializer sends
 * a request that means something other than what was written (or fails to encode a value). We send the
 * correct request; each test asserts both sides, so a change on either side shows.
 * (D7, nested paths ordered after their siblings, and D10, raw `$or` holding commands, were ours to fix:
 * the property test above now covers them.)
 */
describe('fixes beyond docs/protocol.md §14, found by the differential test', () => {
  /** What our SDK and the official serializer send for the same call (query or update part). */
  async function both(call: (sdk: Sdk, wx: boolean) => Promise<unknown>, part: 'query' | 'data' | 'projection') {
    const ours = ourDb()
    await call(ours, true)
    const theirs = officialDb()
    await call(theirs, false)
    return { ours: ours.transport.last()[part], official: (theirs.last() as Record<string, unknown>)[part] }
  }
  const where = (query: (sdk: Sdk) => unknown) => (sdk: Sdk) => sdk.db.collection('todos').where(query(sdk)).get()
  const update = (data: (sdk: Sdk) => unknown) => (sdk: Sdk, wx: boolean) =>
    sdk.db.collection('todos').doc('doc-1').update(payload(data(sdk), wx))
  const iso = new Date(1700000000000).toISOString()

  it('D1: _.neq inside elemMatch / pull / project.elemMatch is $ne (official sends $neq, an unknown operator)', async () => {
    expect(await both(where(({ _ }) => ({ f: _.elemMatch({ a: _.neq(1) }) })), 'query')).toEqual({
      ours: { f: { $elemMatch: { a: { $ne: 1 } } } },
      official: { f: { $elemMatch: { a: { $neq: 1 } } } },
    })
    expect(await both(update(({ _ }) => ({ f: _.pull(_.neq(3)) })), 'data')).toEqual({
      ours: { $pull: { f: { $ne: 3 } } },
      official: { $pull: { f: { $neq: 3 } } },
    })
    expect(await both(({ db, _ }) => db.collection('todos').field({ a: _.project.elemMatch({ s: _.neq(1) }) }).get(), 'projection')).toEqual({
      ours: { a: { $elemMatch: { s: { $ne: 1 } } } },
      official: { a: { $elemMatch: { s: { $neq: 1 } } } },
    })
  })

  it('D2: _.all([1, 2]) inside elemMatch keeps every value (official sends only the first)', async () => {
    expect(await both(where(({ _ }) => ({ f: _.elemMatch({ a: _.all([1, 2]) }) })), 'query')).toEqual({
      ours: { f: { $elemMatch: { a: { $all: [1, 2] } } } },
      official: { f: { $elemMatch: { a: { $all: 1 } } } },
    })
  })

  it('D3: Dates and RegExps inside elemMatch / pull stay typed (official sends an ISO string and {})', async () => {
    expect(await both(where(({ _ }) => ({ f: _.elemMatch({ a: _.gt(new Date(1700000000000)) }) })), 'query')).toEqual({
      ours: { f: { $elemMatch: { a: { $gt: { $date: 1700000000000 } } } } },
      official: { f: { $elemMatch: { a: { $gt: iso } } } },
    })
    expect(await both(update(({ _ }) => ({ f: _.pull(_.gt(new Date(1700000000000))), g: _.pull(_.eq(/x/)) })), 'data')).toEqual({
      ours: { $pull: { f: { $gt: { $date: 1700000000000 } }, g: { $eq: { $regex: 'x', $options: '' } } } },
      official: { $pull: { f: { $gt: iso }, g: { $eq: {} } } },
    })
  })

  it('D4: a chained command inside elemMatch is an operator object (official sends its internals)', async () => {
    const { ours, official } = await both(where(({ _ }) => ({ f: _.elemMatch({ a: _.gt(1).and(_.lt(5)) }) })), 'query')
    expect(ours).toEqual({ f: { $elemMatch: { a: { $gt: 1, $lt: 5 } } } })
    expect(official).toMatchObject({ f: { $elemMatch: { a: { operator: 'and' } } } })
  })

  it('D5: _.not() of a chained command keeps the condition (official sends { f: {} })', async () => {
    expect(await both(where(({ _ }) => ({ f: _.not(_.gt(1).and(_.lt(5))) })), 'query')).toEqual({
      ours: { f: { $not: { $gt: 1, $lt: 5 } } },
      official: { f: {} },
    })
  })

  it('D6: where({ loc: Point }).remove() keeps the GeoJSON (official re-encodes it into "loc.type" / "loc.coordinates")', async () => {
    expect(await both(({ db }) => db.collection('todos').where({ loc: new db.Geo.Point(113.3, 23.1) }).remove(), 'query')).toEqual({
      ours: { loc: { type: 'Point', coordinates: [113.3, 23.1] } },
      official: { 'loc.type': 'Point', 'loc.coordinates': [113.3, 23.1] },
    })
  })

  it('D8: an undefined value is dropped from update() (official adds an empty $set, which MongoDB < 5 rejects)', async () => {
    expect(await both(update(({ _ }) => ({ a: undefined, b: _.inc(1) })), 'data')).toEqual({
      ours: { $inc: { b: 1 } },
      official: { $set: {}, $inc: { b: 1 } },
    })
  })

  it('D9: _.push([1], 2) pushes both arguments (official silently drops 2)', async () => {
    expect(await both(update(({ _ }) => ({ f: _.push([1], 2) })), 'data')).toEqual({
      ours: { $push: { f: { $each: [[1], 2] } } },
      official: { $push: { f: { $each: [1] } } },
    })
  })
})
