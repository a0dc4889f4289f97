/**
 * How deep an update would nest a document, counted before it runs. A dotted path is as many levels as it
 * has segments (`'a.b.c'` stores its value three levels down), which decoding's depth check (values.ts)
 * cannot see: the path is one key of the update. The store checks every document it commits too
 * (storable.ts); this makes the refusal early, and names the path that does it.
 */
import { invalidParam } from '../errors'
import { MAX_DEPTH, wireDepth } from './values'

/** Operators that store their value at the path, and those that store a number or Date there whatever the value. */
const VALUE_AT_PATH = ['$set', '$setOnInsert', '$min', '$max']
const LEAF_AT_PATH = ['$inc', '$mul', '$bit', '$currentDate']
/** Operators that store their value (or each of `$each`) as an element of the array at the path. */
const IN_ARRAY = ['$push', '$addToSet']
/** The operators that can make a document deeper (`$rename` moves a value: the store's own check covers it). */
const DEEPENING = [...VALUE_AT_PATH, ...LEAF_AT_PATH, ...IN_ARRAY]

/** The levels a value stored by `operator` at `path` reaches, the document being level 0. */
function depthOf(operator: string, path: string, value: unknown): number {
  const segments = path.split('.').length
  if (LEAF_AT_PATH.indexOf(operator) >= 0) return segments
  if (IN_ARRAY.indexOf(operator) < 0) return segments + wireDepth(value)
  const each = value && typeof value === 'object' && Array.isArray((value as { $each?: unknown }).$each) ? (value as { $each: unknown[] }).$each : [value]
  return segments + wireDepth(each)
}

/** Refuses an update (operators to `{ path: value }`) that would nest a document more than `MAX_DEPTH` levels deep. */
export function checkUpdateDepth(data: Record<string, unknown>): void {
  for (const operator of Object.keys(data)) {
    const fields = data[operator]
    if (!fields || typeof fields !== 'object' || DEEPENING.indexOf(operator) < 0) continue
    for (const path of Object.keys(fields)) {
      const depth = depthOf(operator, path, (fields as Record<string, unknown>)[path])
      if (depth > MAX_DEPTH) {
        const shown = path.length > 60 ? `${path.slice(0, 60)}…` : path
        throw invalidParam(`${operator} of "${shown}" would nest the document ${depth} levels deep; at most ${MAX_DEPTH} (a dotted path counts one level per segment)`)
      }
    }
  }
}
