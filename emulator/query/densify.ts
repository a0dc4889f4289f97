/**
 * `$densify` (MongoDB 5.1), in place of mingo's, which fills the gaps between documents but never reaches
 * the bounds: `{ field, partitionByFields?, range: { step, unit?, bounds: 'full' | 'partition' | [lower, upper] } }`.
 * New documents (the field, and the partition's fields) are made on the grid `lower + k * step` wherever no
 * document has that value: up to the largest value for `full` (all documents) and `partition` (each
 * partition's own range), below `upper` for explicit bounds. Numbers, or dates with a `unit`. Documents
 * without the field pass through. Made lazily, so the budget of bounded-operators.ts stops a huge range.
 */
import { Lazy, type Iterator } from 'mingo/lazy'
import type { AnyObject, Options } from 'mingo/types'
import { addUnits } from './date-units'
import { partitions, withField } from './window-fields'

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
const fail = (message: string): never => {
  throw new Error(`$densify: ${message}`)
}

function valueAt(doc: AnyObject, path: string[]): unknown {
  let value: unknown = doc
  for (const key of path) value = isObject(value) ? value[key] : undefined
  return value
}

interface Spec {
  field: string
  path: string[]
  byFields: string[]
  step: number
  unit?: string
  bounds: 'full' | 'partition' | [number | Date, number | Date]
}

function specOf(expr: unknown): Spec {
  if (!isObject(expr) || typeof expr.field !== 'string' || !expr.field || !isObject(expr.range)) fail('takes { field, partitionByFields?, range: { step, unit?, bounds } }')
  const { field, range, partitionByFields } = expr as { field: string; range: AnyObject; partitionByFields?: unknown }
  if (!(typeof range.step === 'number' && range.step > 0)) fail('range.step must be a positive number')
  if (range.unit !== undefined && (typeof range.unit !== 'string' || !Number.isInteger(range.step))) fail('range.unit is a time unit, with an integer step')
  const bounds = range.bounds
  const explicit = Array.isArray(bounds) && bounds.length === 2 && (bounds.every((b) => typeof b === 'number') || bounds.every((b) => b instanceof Date))
  if (bounds !== 'full' && bounds !== 'partition' && !explicit) fail('range.bounds is "full", "partition" or [lower, upper]')
  if (explicit && (bounds as number[])[0]! > (bounds as number[])[1]!) fail('range.bounds: lower must not be greater than upper')
  if (partitionByFields !== undefined && !(Array.isArray(partitionByFields) && partitionByFields.every((f) => typeof f === 'string'))) fail('partitionByFields is an array of field names')
  return {
    field,
    path: field.split('.'),
    byFields: (partitionByFields as string[]) || [],
    step: range.step as number,
    ...(range.unit !== undefined ? { unit: range.unit as string } : {}),
    bounds: bounds as Spec['bounds'],
  }
}

/** The documents of `docs`, densified (see the file's comment). */
function* densified(docs: AnyObject[], spec: Spec, options: Options): Generator<AnyObject> {
  const dated = (v: unknown) => v instanceof Date
  const numberOf = (v: unknown) => (v instanceof Date ? v.getTime() : (v as number))
  const valued = docs.filter((doc) => {
    const v = valueAt(doc, spec.path)
    if (v === null || v === undefined) return false
    if (spec.unit ? !dated(v) : typeof v !== 'number') fail(spec.unit ? `"${spec.field}" must hold dates when a unit is given` : `"${spec.field}" must hold numbers (or dates, with a unit)`)
    return true
  })
  const values = valued.map((doc) => numberOf(valueAt(doc, spec.path)))
  const all: [number, number] = [Math.min(...values), Math.max(...values)]
  const grid = (from: number, k: number) => (spec.unit ? addUnits(new Date(from), k * spec.step, spec.unit) : from + k * spec.step)
  const make = (value: number, like: AnyObject) => {
    let doc: AnyObject = {}
    for (const f of spec.byFields) doc = withField(doc, f, valueAt(like, f.split('.')))
    return withField(doc, spec.field, spec.unit ? new Date(value) : value)
  }
  const byExpr = spec.byFields.length ? Object.fromEntries(spec.byFields.map((f) => [f, `$${f}`])) : undefined
  for (const part of partitions(valued, byExpr, options)) {
    const sorted = part.map((doc) => ({ doc, v: numberOf(valueAt(doc, spec.path)) })).sort((a, b) => a.v - b.v)
    const own: [number, number] = [sorted[0]!.v, sorted[sorted.length - 1]!.v]
    const explicit = Array.isArray(spec.bounds)
    const [lower, upper] = explicit ? (spec.bounds as (number | Date)[]).map(numberOf) : spec.bounds === 'full' ? all : own
    const inside = (x: number) => (explicit ? x < upper! : x <= upper!)
    let k = 0
    let next = lower!
    for (const { doc, v } of sorted) {
      for (; next < v && inside(next); next = grid(lower!, ++k)) yield make(next, doc)
      yield doc
      while (next <= v) next = grid(lower!, ++k)
    }
    for (; inside(next); next = grid(lower!, ++k)) yield make(next, sorted[0]!.doc)
  }
  for (const doc of docs) {
    const v = valueAt(doc, spec.path)
    if (v === null || v === undefined) yield doc
  }
}

/** The `$densify` stage. */
export function densify(collection: Iterator, expr: unknown, options: Options): Iterator {
  const spec = specOf(expr)
  return collection.transform((docs: AnyObject[]) => Lazy(docs.length ? densified(docs, spec, options) : []))
}
