/**
 * The placeholders of a client's query (docs/security-rules.md): a plain equality value `'{openid}'` or
 * `'{uid}'` at a field of the filter (or of an `$and` / `$or` / `$nor` branch) is the caller's own id,
 * put in by the server. Values inside an operator (`_.eq('{openid}')`) stay as they are, as on CloudBase.
 */
type AnyObject = Record<string, unknown>

/** Whose ids the placeholders stand for. */
export interface PlaceholderIds {
  openid: string
  uid: string
}

const LOGICAL = new Set(['$and', '$or', '$nor'])

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)

/** `filter` with each placeholder at a field replaced by the caller's id. */
export function withPlaceholders(filter: AnyObject, ids: PlaceholderIds): AnyObject {
  const entries = Object.entries(filter).map(([key, value]): [string, unknown] => {
    if (key[0] !== '$') return [key, value === '{openid}' ? ids.openid : value === '{uid}' ? ids.uid : value]
    if (!LOGICAL.has(key) || !Array.isArray(value)) return [key, value]
    return [key, value.map((branch: unknown) => (isObject(branch) ? withPlaceholders(branch, ids) : branch))]
  })
  return Object.fromEntries(entries)
}
