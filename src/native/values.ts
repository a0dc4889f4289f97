/**
 * Values between the wire and a host: wire values (`{ $date }`, `{ $regex }`, GeoJSON, the serverDate
 * marker) become the host's own values so that the host's serializer encodes them again, and what a
 * host resolves with (its Dates, its Geo objects, or raw `{ $date }` left by its realtime client) becomes
 * wire values again, which mpcloud's builders decode.
 */
import { decodeValue, encodeValue, setKey, type EncodeHook, type WireObject, type WireValue } from '../protocol/codec'
import { geometryFromJSON, type GeoLineString, type GeoPoint, type GeoPolygon, type Geometry } from '../protocol/geo'
import { isArray, isObjectLike, keysOf } from '../internal/is'
import { NativeFailure, textOf, unsupported } from './errors'
import type { HostConstructor, HostDatabase, HostDifferences } from './host'

/** What decoding needs: the host's database (its command, Geo, RegExp, serverDate) and its table. */
export interface HostContext {
  db: HostDatabase
  host: HostDifferences
}

/** Which wire value a marker object stands for. */
export type Marker = 'date' | 'serverDate' | 'regex' | 'geo'

/** The wire value `value` stands for, when it is one of the codec's markers. */
export function markerOf(value: WireObject): Marker | undefined {
  const keys = keysOf(value)
  if (keys.length === 1 && keys[0] === '$date') {
    const date = value.$date
    if (typeof date === 'number' || typeof date === 'string') return 'date'
    if (isObjectLike(date) && typeof date.offset === 'number') return 'serverDate'
    return undefined
  }
  if (typeof value.$regex === 'string' && keys.every((k) => k === '$regex' || k === '$options')) return 'regex'
  if (typeof value.type === 'string' && geometryFromJSON(value)) return 'geo'
  return undefined
}

/** A deep copy of plain wire data, so that nothing a host does to it reaches the request (which a retry sends again). */
export function copy<T extends WireValue | undefined>(value: T): T {
  if (isArray(value)) return value.map((item) => copy(item)) as T
  if (!isObjectLike(value)) return value
  const out: WireObject = {}
  for (const key of keysOf(value)) setKey(out, key, copy(value[key]!))
  return out as T
}

function construct(ctx: HostContext, what: string, Type: HostConstructor | undefined, args: unknown[]): unknown {
  if (typeof Type !== 'function') throw unsupported(`${ctx.host.name} has no db.${what}, so this value cannot be sent through it`)
  try {
    try {
      return new (Type as new (...a: unknown[]) => unknown)(...args)
    } catch (error) {
      // A factory written as an arrow function cannot be called with new.
      if (!(error instanceof TypeError) || !/not a constructor/.test(error.message)) throw error
      return (Type as (...a: unknown[]) => unknown)(...args)
    }
  } catch (error) {
    throw unsupported(`${ctx.host.name} refused db.${what}: ${textOf(error)}`)
  }
}

/** Our Geo value as the host's `db.Geo` value. */
function hostGeometry(geo: Geometry, ctx: HostContext): unknown {
  const Geo = ctx.db.Geo
  const make = (type: 'Point' | 'LineString' | 'Polygon' | 'MultiPoint' | 'MultiLineString' | 'MultiPolygon', args: unknown[]) =>
    construct(ctx, `Geo.${type}`, Geo && Geo[type], args)
  const point = (p: GeoPoint) => make('Point', [p.longitude, p.latitude])
  const line = (l: GeoLineString) => make('LineString', [l.points.map(point)])
  const polygon = (p: GeoPolygon) => make('Polygon', [p.lines.map(line)])
  const g = geo as GeoPoint & GeoLineString & GeoPolygon & { polygons: GeoPolygon[] }
  switch (geo._internalType) {
    case 'Point':
      return point(g)
    case 'LineString':
      return line(g)
    case 'Polygon':
      return polygon(g)
    case 'MultiPoint':
      return make('MultiPoint', [g.points.map(point)])
    case 'MultiLineString':
      return make('MultiLineString', [g.lines.map(line)])
    default:
      return make('MultiPolygon', [g.polygons.map(polygon)])
  }
}

/** A JavaScript RegExp for `{ $regex, $options }`, for hosts without `db.RegExp` and for `_.not()`. */
export function jsRegExp(value: WireObject, ctx: HostContext): RegExp {
  const options = typeof value.$options === 'string' ? value.$options : ''
  try {
    return new RegExp(value.$regex as string, options)
  } catch (error) {
    throw unsupported(`the pattern /${String(value.$regex)}/${options} has no JavaScript RegExp equivalent, which ${ctx.host.name} needs here: ${textOf(error)}`)
  }
}

/** One marker object as the host's value. */
function hostMarker(marker: Marker, value: WireObject, ctx: HostContext): unknown {
  switch (marker) {
    case 'date':
      return new Date(value.$date as number | string)
    case 'serverDate': {
      const { db, host } = ctx
      if (typeof db.serverDate !== 'function') throw unsupported(`${host.name} has no db.serverDate(), so a server date cannot be sent through it`)
      return db.serverDate({ offset: (value.$date as WireObject).offset })
    }
    case 'regex': {
      // db.RegExp keeps the pattern text as written (a JavaScript RegExp would re-escape it, e.g. "/").
      if (typeof ctx.db.RegExp !== 'function') return jsRegExp(value, ctx)
      const init: { regexp: unknown; options?: unknown } = { regexp: value.$regex }
      if (value.$options !== undefined) init.options = value.$options
      return construct(ctx, 'RegExp', ctx.db.RegExp, [init])
    }
    default:
      return hostGeometry(geometryFromJSON(value)!, ctx)
  }
}

/** A wire value as host values: what `add()`, `set()` and the operands of commands take. */
export function toHost(value: WireValue | undefined, ctx: HostContext): unknown {
  if (isArray(value)) return value.map((item) => toHost(item, ctx))
  if (!isObjectLike(value)) return value
  const marker = markerOf(value)
  if (marker) return hostMarker(marker, value, ctx)
  const out: Record<string, unknown> = {}
  // `__proto__` as data, not as a prototype change.
  for (const key of keysOf(value)) setKey(out, key, toHost(value[key], ctx))
  return out
}

/** The host's own values (Geo objects, its RegExp) have `toJSON()`: their GeoJSON or marker. */
const hostValues: EncodeHook = (value, api) => {
  const json = (value as { toJSON?: unknown }).toJSON
  return typeof json === 'function' ? toWire(json.call(value), api) : undefined
}

/** What a host resolved with, as wire values (Dates to `{ $date }`, host Geo values to GeoJSON). */
export function toWire(value: unknown, api = 'native'): WireValue {
  try {
    return encodeValue(value, api, hostValues)
  } catch (error) {
    if (error instanceof NativeFailure) throw error
    throw new NativeFailure('SDK_ERROR', `the host returned a value mpcloud cannot read: ${textOf(error)}`)
  }
}

/** What a host resolved with, as mpcloud values (Dates, mpcloud Geo values). */
export function revive(value: unknown): unknown {
  return decodeValue(toWire(value))
}
