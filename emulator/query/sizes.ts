/**
 * The size of an engine value as encoding it would make it (close to BSON's), for the limits of
 * `limits.ts`. Measured, never assumed: mingo shares values (`$map` with `in: '$big'` builds an array of
 * references to one string), which cost little in memory but their full size each time the value is
 * serialised, hashed or compared, so every reference counts.
 */

/** What `measure` found: an encoded size and the deepest nesting (the document itself is depth 0). */
export interface Measure {
  bytes: number
  depth: number
}

/** BSON's cost of a value of each kind, and what every element or member adds (type byte, name, NUL). */
const SCALAR_BYTES = 8
const CONTAINER_BYTES = 5
const MEMBER_BYTES = 4

/**
 * Measures `value`, visiting each reference as encoding would, and stops once past `limit` bytes (the
 * answer is then some number above `limit`): measuring costs at most about `limit` steps whatever the
 * value, even one that references itself 2^60 times. Iterative, so nesting depth cannot overflow the stack.
 */
export function measure(value: unknown, limit: number): Measure {
  let bytes = 0
  let depth = 0
  const stack: unknown[] = [value]
  const depths: number[] = [0]
  while (stack.length && bytes <= limit) {
    const item = stack.pop()
    const at = depths.pop()!
    if (at > depth) depth = at
    if (typeof item === 'string') bytes += item.length + CONTAINER_BYTES
    else if (item === null || typeof item !== 'object') bytes += typeof item === 'boolean' || item === undefined ? 1 : SCALAR_BYTES
    else if (item instanceof Date) bytes += SCALAR_BYTES
    else if (item instanceof RegExp) bytes += item.source.length + item.flags.length + 2
    else if (Array.isArray(item)) {
      bytes += CONTAINER_BYTES + item.length * MEMBER_BYTES
      // A long array of references is refused before its elements are visited one by one.
      for (let i = item.length - 1; i >= 0 && bytes <= limit; i--) {
        stack.push(item[i])
        depths.push(at + 1)
      }
    } else {
      bytes += CONTAINER_BYTES
      for (const key of Object.keys(item)) {
        bytes += key.length + MEMBER_BYTES
        stack.push((item as Record<string, unknown>)[key])
        depths.push(at + 1)
        if (bytes > limit) break
      }
    }
  }
  return { bytes, depth }
}

/** The encoded size of a string of `length` UTF-16 units. */
export function stringBytes(length: number): number {
  return length + CONTAINER_BYTES
}

/** The encoded size of an array of `count` numbers, or of `count` members of `each` bytes. */
export function arrayBytes(count: number, each = SCALAR_BYTES): number {
  return CONTAINER_BYTES + count * (MEMBER_BYTES + each)
}

/** The encoded size of `value`, or some number above `limit` once it is known to be larger. */
export function sizeOf(value: unknown, limit: number): number {
  return measure(value, limit).bytes
}
