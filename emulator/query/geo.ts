/**
 * Geo queries, which mingo does not have (peer-sdks.md §5.1), on @turf modules: `$nearSphere` (distance
 * bounds in metres, results nearest first), `$geoWithin` (`$geometry` polygon or multipolygon, or
 * `$centerSphere` `[[lng, lat], radians]`), `$geoIntersects`, and the `$geoNear` aggregation stage.
 * Top-level geo conditions are taken out of a filter and checked here (so `$nearSphere` can order); the
 * same tests are the emulator's geo query operators (`geoQueryOperators`), so a geo condition inside `$or`, `$and`
 * or `$nor` works too.
 */
import booleanIntersects from '@turf/boolean-intersects'
import booleanPointInPolygon from '@turf/boolean-point-in-polygon'
import booleanWithin from '@turf/boolean-within'
import distance from '@turf/distance'
import { invalidParam } from '../errors'

type AnyObject = Record<string, unknown>
type Geometry = { type: string; coordinates: unknown }
type Position = [number, number]

/** The geo query operators. */
export const GEO_OPERATORS = ['$nearSphere', '$near', '$geoWithin', '$geoIntersects']

function isGeometry(value: unknown): value is Geometry {
  return !!value && typeof value === 'object' && typeof (value as Geometry).type === 'string' && Array.isArray((value as Geometry).coordinates)
}

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && isFinite(n))
}

/** The GeoJSON value at a dot path (geo fields are not reached through arrays). */
function geometryAt(doc: AnyObject, path: string[]): Geometry | undefined {
  let value: unknown = doc
  for (const key of path) value = value && typeof value === 'object' && !Array.isArray(value) ? (value as AnyObject)[key] : undefined
  return isGeometry(value) ? value : undefined
}

/** The point of a `$geometry` (or legacy `[lng, lat]`) operand. */
function pointOf(operand: unknown, what: string): Position {
  const geometry = operand && typeof operand === 'object' && '$geometry' in operand ? (operand as { $geometry: unknown }).$geometry : operand
  if (isGeometry(geometry) && geometry.type === 'Point' && isPosition(geometry.coordinates)) return geometry.coordinates
  if (isPosition(geometry)) return geometry
  throw invalidParam(`${what} needs a GeoJSON Point`)
}

function metres(from: Position, to: Geometry): number {
  if (to.type === 'Point' && isPosition(to.coordinates)) return distance(from, to.coordinates, { units: 'meters' })
  return Infinity // distance to lines and areas: not measured, never "near"
}

/** A `$nearSphere` condition: the point, the bounds, and the field. */
export interface Near {
  path: string[]
  point: Position
  min: number
  max: number
}

function bound(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0)) throw invalidParam(`${name} must be a non-negative number of metres`)
  return value
}

/** A test for `$geoWithin` or `$geoIntersects`. */
function shapeTest(op: string, operand: unknown): (geometry: Geometry) => boolean {
  const spec = (operand || {}) as AnyObject
  if (op === '$geoWithin' && spec.$centerSphere !== undefined) {
    const [centre, radius] = Array.isArray(spec.$centerSphere) ? spec.$centerSphere : []
    if (!isPosition(centre) || typeof radius !== 'number' || !(radius >= 0)) {
      throw invalidParam('$centerSphere is [[longitude, latitude], radius in radians]')
    }
    return (geometry) => geometry.type === 'Point' && isPosition(geometry.coordinates) && distance(centre, geometry.coordinates, { units: 'radians' }) <= radius
  }
  const shape = spec.$geometry
  if (!isGeometry(shape)) throw invalidParam(`${op} needs { $geometry: <GeoJSON> }`)
  if (op === '$geoIntersects') return (geometry) => booleanIntersects(geometry as never, shape as never)
  if (shape.type !== 'Polygon' && shape.type !== 'MultiPolygon') throw invalidParam('$geoWithin takes a Polygon or MultiPolygon')
  return (geometry) =>
    geometry.type === 'Point' ? booleanPointInPolygon(geometry.coordinates as Position, shape as never) : booleanWithin(geometry as never, shape as never)
}

function nearOf(path: string[], op: string, operand: unknown): Near {
  const spec = (operand || {}) as AnyObject
  return { path, point: pointOf(operand, op), min: bound(spec.$minDistance, '$minDistance', 0), max: bound(spec.$maxDistance, '$maxDistance', Infinity) }
}

/**
 * The test of one geo condition `{ <path>: { <op>: operand } }` on a document: `$nearSphere` / `$near` as
 * a filter (within their distance bounds; ordering is the caller's), `$geoWithin`, `$geoIntersects`.
 * The operand is checked now, so a bad one is refused before any document.
 */
export function geoTest(op: string, operand: unknown, path: string[]): (doc: AnyObject) => boolean {
  if (op === '$nearSphere' || op === '$near') {
    const near = nearOf(path, op, operand)
    return (doc) => {
      const geometry = geometryAt(doc, path)
      const d = geometry ? metres(near.point, geometry) : Infinity
      return d >= near.min && d <= near.max
    }
  }
  const test = shapeTest(op, operand)
  return (doc) => {
    const geometry = geometryAt(doc, path)
    return !!geometry && test(geometry)
  }
}

/** A filter split in two: what the engine evaluates, and the geo part checked here. */
export interface GeoSplit {
  rest: AnyObject
  tests: ((doc: AnyObject) => boolean)[]
  near?: Near
}

/** Takes the top-level geo conditions out of `filter`; undefined when there are none. */
export function splitGeo(filter: AnyObject): GeoSplit | undefined {
  let split: GeoSplit | undefined
  for (const key of Object.keys(filter)) {
    const condition = filter[key]
    if (!condition || typeof condition !== 'object' || Array.isArray(condition) || condition instanceof Date || condition instanceof RegExp) continue
    const ops = Object.keys(condition)
    if (!ops.some((op) => GEO_OPERATORS.indexOf(op) >= 0)) continue
    if (ops.length !== 1) throw invalidParam(`a geo condition on "${key}" cannot be combined with other operators on the same field`)
    split = split || { rest: Object.assign({}, filter), tests: [] }
    delete split.rest[key]
    const op = ops[0]!
    const operand = (condition as AnyObject)[op]
    const path = key.split('.')
    if (op === '$nearSphere' || op === '$near') {
      if (split.near) throw invalidParam('only one $nearSphere per query')
      split.near = nearOf(path, op, operand)
    }
    split.tests.push(geoTest(op, operand, path))
  }
  return split
}

/** Documents nearest first (stable), as `$nearSphere` returns them. */
export function byDistance<D extends AnyObject>(docs: D[], near: Near): D[] {
  const measured = docs.map((doc, i) => ({ doc, i, d: metres(near.point, geometryAt(doc, near.path)!) }))
  measured.sort((a, b) => a.d - b.d || a.i - b.i)
  return measured.map((m) => m.doc)
}

/**
 * The `$geoNear` stage (it must come first): `{ near, distanceField, spherical, query?, minDistance?,
 * maxDistance?, key? }`. Returns the documents nearest first, each with its distance in metres.
 */
export function geoNearStage(docs: AnyObject[], spec: AnyObject, matcher: (filter: AnyObject) => (doc: AnyObject) => boolean): AnyObject[] {
  if (typeof spec.distanceField !== 'string' || !spec.distanceField) throw invalidParam('$geoNear needs distanceField')
  const point = pointOf(spec.near, '$geoNear near')
  const min = bound(spec.minDistance, 'minDistance', 0)
  const max = bound(spec.maxDistance, 'maxDistance', Infinity)
  const path = typeof spec.key === 'string' ? spec.key.split('.') : undefined
  const matches = matcher((spec.query || {}) as AnyObject)
  const out: { doc: AnyObject; d: number; i: number }[] = []
  docs.forEach((doc, i) => {
    const geometry = path ? geometryAt(doc, path) : firstGeometry(doc)
    if (!geometry) return
    const d = metres(point, geometry)
    if (d < min || d > max || !matches(doc)) return
    out.push({ doc: Object.assign({}, doc, { [spec.distanceField as string]: d }), d, i })
  })
  out.sort((a, b) => a.d - b.d || a.i - b.i)
  return out.map((entry) => entry.doc)
}

/** Without `key`, the first top-level GeoJSON Point of the document (CloudBase's one geo index). */
function firstGeometry(doc: AnyObject): Geometry | undefined {
  for (const key of Object.keys(doc)) {
    const value = doc[key]
    if (isGeometry(value) && value.type === 'Point') return value
  }
  return undefined
}

/** A query operator as mingo calls it: the field, the operand, and it answers a predicate. */
type QueryOperator = (selector: string, operand: unknown, options: unknown) => (doc: AnyObject) => boolean

/** The geo operators as query operators of the engine's context: geo conditions at any depth of a filter. */
export const geoQueryOperators: Record<string, QueryOperator> = Object.fromEntries(
  GEO_OPERATORS.map((op): [string, QueryOperator] => [op, (selector, operand) => geoTest(op, operand, selector.split('.'))]),
)
