/**
 * `$fill` (MongoDB 5.3), in place of mingo's, which runs on its `$setWindowFields` and so on `$function`:
 * `{ partitionBy? | partitionByFields?, sortBy?, output: { field: { value } | { method: 'locf' | 'linear' } } }`.
 * A `method` fills null and missing values from the neighbours in sortBy order (`$locf`, `$linearFill` of
 * window-fields.ts); a `value` replaces them with the expression's value.
 */
import { OpType } from 'mingo/core'
import type { Iterator } from 'mingo/lazy'
import type { AnyObject, Options } from 'mingo/types'
import { setWindowFields } from './window-fields'

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)
const fail = (message: string): never => {
  throw new Error(`$fill: ${message}`)
}

const METHODS: Record<string, string> = { locf: '$locf', linear: '$linearFill' }

/** The `$fill` stage. */
export function fill(collection: Iterator, expr: unknown, options: Options): Iterator {
  if (!isObject(expr) || !isObject(expr.output) || !Object.keys(expr.output).length) return fail('takes { sortBy?, partitionBy?, partitionByFields?, output: { field: { value } | { method } } }')
  const { sortBy, partitionBy, partitionByFields, output } = expr as { sortBy?: unknown; partitionBy?: unknown; partitionByFields?: unknown; output: AnyObject }
  if (partitionBy !== undefined && partitionByFields !== undefined) fail('give partitionBy or partitionByFields, not both')
  if (partitionByFields !== undefined && !(Array.isArray(partitionByFields) && partitionByFields.every((f) => typeof f === 'string' && f[0] !== '$'))) {
    fail('partitionByFields is an array of field names (without "$")')
  }
  const windows: AnyObject = {}
  const values: [string, unknown][] = []
  for (const [field, spec] of Object.entries(output)) {
    if (!isObject(spec) || ('value' in spec) === ('method' in spec) || Object.keys(spec).length !== 1) return fail(`output.${field} takes one of { value } or { method }`)
    if ('value' in spec) values.push([field, spec.value])
    else {
      const method = METHODS[spec.method as string]
      if (!method) fail(`output.${field}: method must be "locf" or "linear"`)
      if (sortBy === undefined) fail(`output.${field}: a method needs sortBy`)
      windows[field] = { [method!]: `$${field}` }
    }
  }
  let filled = collection
  if (Object.keys(windows).length) {
    const byFields = Array.isArray(partitionByFields) ? Object.fromEntries(partitionByFields.map((f: string) => [f, `$${f}`])) : undefined
    const partition = partitionBy !== undefined ? { partitionBy } : byFields ? { partitionBy: byFields } : {}
    filled = setWindowFields(filled, { ...partition, sortBy, output: windows }, options)
  }
  if (values.length) {
    // `{ $ifNull: [field, value] }` per field, through the context's $addFields: only null and missing change.
    const addFields = options.context.getOperator(OpType.PIPELINE, '$addFields') as (c: Iterator, e: unknown, o: Options) => Iterator
    const fields = Object.fromEntries(values.map(([field, value]) => [field, { $ifNull: [`$${field}`, value] }]))
    filled = addFields(filled, fields, options)
  }
  return filled
}
