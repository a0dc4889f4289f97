/** Which filters name one document by its id: answered by one lookup, and checked by rules against that document. */

/**
 * The id `filter` selects a single document by, if it does only that: `{ _id: id }`, or
 * `{ _id: { $eq: id } }` (what the official SDKs send for `doc(id)` in a transaction and for
 * `where({ _id: _.eq(id) })`).
 */
export function idOf(filter: Record<string, unknown>): string | undefined {
  const keys = Object.keys(filter)
  if (keys.length !== 1 || keys[0] !== '_id') return undefined
  const id = filter._id
  if (typeof id === 'string') return id
  const eq = id && typeof id === 'object' && Object.keys(id).length === 1 ? (id as { $eq?: unknown }).$eq : undefined
  return typeof eq === 'string' ? eq : undefined
}
