/**
 * Extended JSON (canonical or relaxed) read back into JavaScript values: aggregation results and
 * transaction reads arrive as EJSON strings (docs/protocol.md §2.1, §5). The SDK only ever reads the types a
 * CloudBase document can hold, so this small reader replaces the 54–70 KB `bson` package.
 */
import { isArray, isObjectLike, keysOf } from '../internal/is'
import { setKey } from './codec'

type Reader = (wrapped: unknown) => unknown

const number: Reader = (s) => Number(s)

const READERS: Record<string, Reader> = {
  $numberInt: number,
  $numberLong: number,
  $numberDouble: number,
  $numberDecimal: number,
  $oid: (s) => s,
  $symbol: (s) => s,
  $date: (d) => new Date(isObjectLike(d) ? Number(d.$numberLong) : (d as string | number)),
  $regularExpression: (r) => {
    const { pattern, options } = r as { pattern: string; options: string }
    return new RegExp(pattern, options.replace(/[^gimsuy]/g, ''))
  },
  $timestamp: (t) => new Date((t as { t: number }).t * 1000),
  $undefined: () => undefined,
}

/** Decodes a parsed EJSON value: wrapper objects (`{ $numberInt: "1" }`, `{ $date: ... }`) become values. */
export function decodeEJSON(value: unknown): unknown {
  if (isArray(value)) return value.map(decodeEJSON)
  if (!isObjectLike(value)) return value
  const keys = keysOf(value)
  const reader = keys.length === 1 ? READERS[keys[0]!] : undefined
  if (reader) return reader(value[keys[0]!])
  const out: Record<string, unknown> = {}
  for (const key of keys) setKey(out, key, decodeEJSON(value[key]))
  return out
}
