/**
 * A fast path for `orderBy`: when every sort field holds a scalar (number, string, boolean, Date) or
 * nothing, documents sort with a plain comparator in MongoDB's type order instead of through mingo
 * (about 4x faster on a few thousand matches). Anything else returns undefined and sort-order.ts sorts.
 */
type AnyObject = Record<string, unknown>

/** A path that crosses an array: sorted by rules of its own, mingo's job. */
const OUTSIDE = {}

/** MongoDB's order of types: missing/null, numbers, strings, booleans, dates; -1 outside the fast path. */
function rank(value: unknown): number {
  if (value === undefined || value === null) return 0
  switch (typeof value) {
    case 'number':
      return value === value ? 1 : -1
    case 'string':
      return 2
    case 'boolean':
      return 3
  }
  return value instanceof Date ? 4 : -1
}

function read(doc: AnyObject, path: string[]): unknown {
  let value: unknown = doc
  for (const key of path) {
    if (Array.isArray(value)) return OUTSIDE
    if (typeof value !== 'object' || value === null || value instanceof Date) return undefined
    value = (value as AnyObject)[key]
  }
  return Array.isArray(value) ? OUTSIDE : value
}

interface Row {
  index: number
  ranks: number[]
  values: (number | string | boolean | undefined)[]
}

/** `docs` sorted by `order` (stable), or undefined when a value is outside the fast path. */
export function sortScalars<D extends AnyObject>(docs: D[], order: { field: string; direction: 'asc' | 'desc' }[]): D[] | undefined {
  const fields = order.map(({ field, direction }) => ({ path: field.split('.'), sign: direction === 'desc' ? -1 : 1 }))
  const rows: Row[] = []
  for (let index = 0; index < docs.length; index++) {
    const row: Row = { index, ranks: [], values: [] }
    for (const { path } of fields) {
      const value = read(docs[index]!, path)
      const r = value === OUTSIDE ? -1 : rank(value)
      if (r < 0) return undefined
      row.ranks.push(r)
      row.values.push(value instanceof Date ? value.getTime() : (value as number | string | boolean | undefined))
    }
    rows.push(row)
  }
  rows.sort((a, b) => {
    for (let j = 0; j < fields.length; j++) {
      let c = a.ranks[j]! - b.ranks[j]!
      if (!c && a.ranks[j]! > 0) {
        const x = a.values[j]!
        const y = b.values[j]!
        c = x < y ? -1 : x > y ? 1 : 0
      }
      if (c) return c * fields[j]!.sign
    }
    return a.index - b.index
  })
  return rows.map((row) => docs[row.index]!)
}
