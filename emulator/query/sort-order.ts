/**
 * MongoDB's order of values, and sorting by it: the one comparator behind `orderBy` (when the scalar fast
 * path of sort.ts does not apply), the `$sort` stage and `$setWindowFields`' `sortBy`. mingo's sort puts an
 * array where its whole value would go, so a descending sort over a field holding arrays ends wrong;
 * MongoDB sorts an array by its smallest element ascending and by its largest descending, and an empty
 * array before null and missing (docs/mingo-deviations.md).
 */
type AnyObject = Record<string, unknown>

/**
 * BSON's order of types (MongoDB "Comparison/Sort Order"): null and missing, numbers, strings, objects,
 * arrays, booleans, dates, regular expressions. ObjectIds are held as strings by the emulator.
 */
function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 1
  if (typeof value === 'number') return 2
  if (typeof value === 'string') return 3
  if (Array.isArray(value)) return 5
  if (typeof value === 'boolean') return 7
  if (value instanceof Date) return 8
  if (value instanceof RegExp) return 10
  return 4
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)

function compareNumbers(a: number, b: number): number {
  // NaN sorts before every other number in MongoDB.
  if (a !== a) return b !== b ? 0 : -1
  if (b !== b) return 1
  return sign(a - b)
}

/** Objects compare pair by pair in stored order: first the value's type, then the key, then the value. */
function compareObjects(a: AnyObject, b: AnyObject): number {
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  for (let i = 0; i < Math.min(keysA.length, keysB.length); i++) {
    const ka = keysA[i]!
    const kb = keysB[i]!
    const byType = typeRank(a[ka]) - typeRank(b[kb])
    if (byType) return sign(byType)
    if (ka !== kb) return ka < kb ? -1 : 1
    const byValue = compareValues(a[ka], b[kb])
    if (byValue) return byValue
  }
  return sign(keysA.length - keysB.length)
}

/** The order of two values as MongoDB compares them (-1, 0, 1); arrays compare element by element. */
export function compareValues(a: unknown, b: unknown): number {
  const byType = typeRank(a) - typeRank(b)
  if (byType) return sign(byType)
  switch (typeRank(a)) {
    case 1:
      return 0
    case 2:
      return compareNumbers(a as number, b as number)
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1
    case 5: {
      const x = a as unknown[]
      const y = b as unknown[]
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i])
        if (c) return c
      }
      return sign(x.length - y.length)
    }
    case 7:
      return a === b ? 0 : a ? 1 : -1
    case 8:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime())
    case 10: {
      const x = a as RegExp
      const y = b as RegExp
      return x.source !== y.source ? (x.source < y.source ? -1 : 1) : x.flags === y.flags ? 0 : x.flags < y.flags ? -1 : 1
    }
  }
  return compareObjects(a as AnyObject, b as AnyObject)
}

/** The sort key of a field that holds an empty array: before null and missing. */
const EMPTY_ARRAY = Symbol('empty array')

interface Seen {
  /** An array was met on the way. */
  expanded: boolean
  /** The path ended on an empty array. */
  empty: boolean
}

/**
 * The values a sort on `path` sees in `value`: the value at the path, where arrays on the way are
 * traversed (each element's field, `a.b` over `a: [{ b: 1 }, { b: 2 }]`) and an array at the end gives its
 * elements (not flattened further). `expanded` tells whether an array was met.
 */
function collect(value: unknown, path: string[], at: number, out: unknown[], seen: Seen): void {
  if (at === path.length) {
    if (Array.isArray(value)) {
      seen.expanded = true
      if (!value.length) seen.empty = true
      for (const item of value) out.push(item)
    } else out.push(value)
    return
  }
  if (Array.isArray(value)) {
    seen.expanded = true
    const key = path[at]!
    // A numeric segment names an element as well as the elements' fields.
    if (/^\d+$/.test(key) && Number(key) < value.length) collect(value[Number(key)], path, at + 1, out, seen)
    for (const item of value) if (item && typeof item === 'object' && !Array.isArray(item)) collect(item, path, at, out, seen)
    return
  }
  if (!value || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) {
    out.push(undefined)
    return
  }
  collect((value as AnyObject)[path[at]!], path, at + 1, out, seen)
}

/** The key `doc` sorts by on `path`: over arrays, the smallest value ascending and the largest descending. */
export function sortKey(doc: unknown, path: string[], descending: boolean): unknown {
  const values: unknown[] = []
  const seen: Seen = { expanded: false, empty: false }
  collect(doc, path, 0, values, seen)
  if (!seen.expanded) return values[0]
  // Array elements without the field give nothing: the document sorts as missing, unless an empty array ended the path.
  if (!values.length) return seen.empty ? EMPTY_ARRAY : undefined
  let best = values[0]
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best)
    if (descending ? c > 0 : c < 0) best = values[i]
  }
  return best
}

/** Compares two sort keys; the empty-array key comes before every other. */
export function compareKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1
  return compareValues(a, b)
}

/** A checked sort specification: each field with its direction. */
export type SortSpec = { path: string[]; descending: boolean }[]

/** Checks `{ field: 1 | -1, ... }` as MongoDB does; `what` names the caller in the error. */
export function parseSortSpec(spec: unknown, what: string): SortSpec {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec) || !Object.keys(spec).length) {
    throw new Error(`${what} must be a non-empty object of { field: 1 | -1 }`)
  }
  return Object.entries(spec as AnyObject).map(([field, direction]) => {
    if (direction !== 1 && direction !== -1) throw new Error(`${what}: the order of "${field}" must be 1 (ascending) or -1 (descending)`)
    return { path: field.split('.'), descending: direction === -1 }
  })
}

/** `docs` in the order of `spec`, stable (equal documents keep their order). */
export function sortDocs<D>(docs: D[], spec: SortSpec): D[] {
  const rows = docs.map((doc, index) => ({ doc, index, keys: spec.map(({ path, descending }) => sortKey(doc, path, descending)) }))
  rows.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareKeys(a.keys[i], b.keys[i])
      if (c) return spec[i]!.descending ? -c : c
    }
    return a.index - b.index
  })
  return rows.map((row) => row.doc)
}
