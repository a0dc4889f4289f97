/**
 * What the store may commit: every document it accepts it must be able to load again. The store's loader
 * decodes each row with `decodeWire`, which refuses values nested more than `MAX_DEPTH` levels; a
 * document is measured the same way (`wireDepth`, on the very wire form that becomes its row) before it
 * is committed, and one over 16 MB (CloudBase's and MongoDB's document limit) is refused too.
 */
import type { Doc } from '../store/doc'
import { formatBytes, limitExceeded } from './limits'
import { encodeWire, MAX_DEPTH, wireDepth } from './values'

/** The largest document the store keeps: 16 MB of its stored form (JSON text, UTF-8). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

const LIMIT = `at most ${MAX_DOCUMENT_BYTES} bytes (${formatBytes(MAX_DOCUMENT_BYTES)})`

/**
 * A lower bound of the length of `value`'s JSON text, or some number above `limit` once it is known to be
 * longer. The work is bounded by `limit`, even for a sparse array of a billion slots (which
 * `$set: { 'a.999999999': 1 }` makes from a short request): it is refused before it is encoded.
 */
function jsonBytesAtLeast(value: unknown, limit: number): number {
  let bytes = 0
  const stack: unknown[] = [value]
  while (stack.length && bytes <= limit) {
    const item = stack.pop()
    if (typeof item === 'string') bytes += item.length + 2
    else if (typeof item === 'number') bytes += 1
    else if (item === null || typeof item !== 'object') bytes += 4 // true, false, null (and an array's holes)
    else if (item instanceof Date) bytes += '{"$date":0}'.length
    else if (item instanceof RegExp) bytes += '{"$regex":"","$options":""}'.length + item.source.length
    else if (Array.isArray(item)) {
      // Brackets and commas, then each element (at least one character) when it is taken from the stack.
      bytes += 2 + Math.max(0, item.length - 1)
      if (bytes + item.length > limit) return bytes + item.length
      for (let i = 0; i < item.length; i++) stack.push(item[i])
    } else {
      // The opening brace, then each member with what follows it (a comma, or the closing brace).
      let members = 0
      bytes += 1
      for (const key of Object.keys(item)) {
        const member = (item as Record<string, unknown>)[key]
        if (member === undefined) continue // encoding drops it
        bytes += key.length + 4 // quotes, colon, and what follows
        members++
        stack.push(member)
        if (bytes > limit) break
      }
      if (!members) bytes += 1
    }
  }
  return bytes
}

/** Refuses, before encoding it, a document whose stored form is known to be larger than 16 MB. */
export function refuseOversized(id: string, doc: unknown): void {
  const bytes = jsonBytesAtLeast(doc, MAX_DOCUMENT_BYTES)
  if (bytes > MAX_DOCUMENT_BYTES) throw limitExceeded(`document ${id} would be at least ${bytes} bytes (${formatBytes(bytes)}) stored; a document is ${LIMIT}`)
}

/**
 * The row the store writes for `doc`: its wire form as JSON text. Refuses (DATABASE_REQUEST_FAILED) a
 * document the loader would refuse, one over 16 MB, and one with a value that has no stored form.
 */
export function storedRow(id: string, doc: Doc): string {
  refuseOversized(id, doc)
  let wire
  try {
    wire = encodeWire(doc)
  } catch (error) {
    throw limitExceeded(`document ${id} cannot be stored: ${error instanceof Error ? error.message : String(error)}`)
  }
  const depth = wireDepth(wire)
  if (depth > MAX_DEPTH) throw limitExceeded(`document ${id} is nested ${depth} levels deep; at most ${MAX_DEPTH}`)
  const row = JSON.stringify(wire)
  const bytes = Buffer.byteLength(row)
  if (bytes > MAX_DOCUMENT_BYTES) throw limitExceeded(`document ${id} is ${bytes} bytes (${formatBytes(bytes)}) stored; a document is ${LIMIT}`)
  return row
}
