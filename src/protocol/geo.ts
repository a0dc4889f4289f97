/**
 * `db.Geo`: GeoJSON values (docs/protocol.md §3.2). Each class validates its input, serializes with `toJSON()`
 * to GeoJSON, and can be called with or without `new`, as on wx.
 */
import { invalidArgument } from './errors'
import { isArray, isObjectLike } from '../internal/is'

type Position = [number, number]

function fail(api: string, detail: string): never {
  throw invalidArgument(`Geo.${api}`, detail)
}

function checkDegree(api: string, axis: 'longitude' | 'latitude', value: unknown): number {
  const max = axis === 'longitude' ? 180 : 90
  if (typeof value !== 'number' || !(Math.abs(value) <= max)) {
    fail(api, `${axis} must be a number from -${max} to ${max}, got ${String(value)}`)
  }
  return value
}

function every<T>(api: string, what: string, items: unknown, Type: abstract new (...a: never[]) => T, min: number): T[] {
  if (!isArray(items) || items.length < min || !items.every((i) => i instanceof Type)) {
    fail(api, `takes an array of at least ${min} ${what}`)
  }
  return items as T[]
}

/** A point; coordinates are `[longitude, latitude]`. */
export class GeoPoint {
  readonly longitude: number
  readonly latitude: number
  constructor(longitude: number, latitude: number) {
    this.longitude = checkDegree('Point', 'longitude', longitude)
    this.latitude = checkDegree('Point', 'latitude', latitude)
  }
  get _internalType(): string {
    return 'Point'
  }
  toJSON(): { type: 'Point'; coordinates: Position } {
    return { type: 'Point', coordinates: [this.longitude, this.latitude] }
  }
}

const positions = (points: readonly GeoPoint[]): Position[] => points.map((p) => [p.longitude, p.latitude])

/** A line through at least two points. */
export class GeoLineString {
  readonly points: GeoPoint[]
  constructor(points: GeoPoint[]) {
    this.points = every('LineString', 'Points', points, GeoPoint, 2)
  }
  get _internalType(): string {
    return 'LineString'
  }
  toJSON(): { type: 'LineString'; coordinates: Position[] } {
    return { type: 'LineString', coordinates: positions(this.points) }
  }
}

/** A polygon: closed rings (first point equal to the last), the first one outside, the others holes. */
export class GeoPolygon {
  readonly lines: GeoLineString[]
  constructor(lines: GeoLineString[]) {
    this.lines = every('Polygon', 'LineStrings', lines, GeoLineString, 1)
    for (const { points } of this.lines) {
      const first = points[0]!
      const last = points[points.length - 1]!
      if (points.length < 4 || first.longitude !== last.longitude || first.latitude !== last.latitude) {
        fail('Polygon', 'each ring must be closed (its first point equal to its last) and have at least 4 points')
      }
    }
  }
  get _internalType(): string {
    return 'Polygon'
  }
  toJSON(): { type: 'Polygon'; coordinates: Position[][] } {
    return { type: 'Polygon', coordinates: this.lines.map((l) => positions(l.points)) }
  }
}

/** Several points. */
export class GeoMultiPoint {
  readonly points: GeoPoint[]
  constructor(points: GeoPoint[]) {
    this.points = every('MultiPoint', 'Points', points, GeoPoint, 1)
  }
  get _internalType(): string {
    return 'MultiPoint'
  }
  toJSON(): { type: 'MultiPoint'; coordinates: Position[] } {
    return { type: 'MultiPoint', coordinates: positions(this.points) }
  }
}

/** Several lines. */
export class GeoMultiLineString {
  readonly lines: GeoLineString[]
  constructor(lines: GeoLineString[]) {
    this.lines = every('MultiLineString', 'LineStrings', lines, GeoLineString, 1)
  }
  get _internalType(): string {
    return 'MultiLineString'
  }
  toJSON(): { type: 'MultiLineString'; coordinates: Position[][] } {
    return { type: 'MultiLineString', coordinates: this.lines.map((l) => positions(l.points)) }
  }
}

/** Several polygons. */
export class GeoMultiPolygon {
  readonly polygons: GeoPolygon[]
  constructor(polygons: GeoPolygon[]) {
    this.polygons = every('MultiPolygon', 'Polygons', polygons, GeoPolygon, 1)
  }
  get _internalType(): string {
    return 'MultiPolygon'
  }
  toJSON(): { type: 'MultiPolygon'; coordinates: Position[][][] } {
    return { type: 'MultiPolygon', coordinates: this.polygons.map((p) => p.toJSON().coordinates) }
  }
}

/** Any Geo value. */
export type Geometry = GeoPoint | GeoLineString | GeoPolygon | GeoMultiPoint | GeoMultiLineString | GeoMultiPolygon

const GEO_TYPES = ['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']

/** True for any Geo value of any copy of mpcloud. */
export function isGeometry(value: unknown): value is Geometry {
  return !!value && GEO_TYPES.indexOf((value as Geometry)._internalType) >= 0
}

const isPosition = (c: unknown): c is Position =>
  isArray(c) && c.length === 2 && typeof c[0] === 'number' && typeof c[1] === 'number'
const point = (c: Position) => new GeoPoint(c[0], c[1])
const line = (c: unknown) => new GeoLineString((c as Position[]).map(point))
const polygon = (c: unknown) => new GeoPolygon((c as unknown[]).map(line))

const FROM_JSON: Record<string, [depth: number, build: (c: never) => Geometry]> = {
  Point: [0, point],
  MultiPoint: [1, (c: Position[]) => new GeoMultiPoint(c.map(point))],
  LineString: [1, line],
  MultiLineString: [2, (c: unknown[]) => new GeoMultiLineString(c.map(line))],
  Polygon: [2, polygon],
  MultiPolygon: [3, (c: unknown[]) => new GeoMultiPolygon(c.map(polygon))],
}

function nestedPositions(c: unknown, depth: number): boolean {
  if (depth === 0) return isPosition(c)
  return isArray(c) && c.length > 0 && c.every((x) => nestedPositions(x, depth - 1))
}

/**
 * The Geo value for a GeoJSON object read from the wire, or `undefined` when `json` is not valid GeoJSON
 * (in which case it stays a plain object, as the official client does).
 */
export function geometryFromJSON(json: unknown): Geometry | undefined {
  if (!isObjectLike(json) || typeof json.type !== 'string') return undefined
  const entry = FROM_JSON[json.type]
  if (!entry || !nestedPositions(json.coordinates, entry[0])) return undefined
  try {
    return entry[1](json.coordinates as never)
  } catch {
    // Out-of-range degrees or an open ring: not a Geo value, keep the plain object.
    return undefined
  }
}
