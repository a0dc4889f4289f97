/**
 * A pair's value as wx-server-sdk wrote it: JSON from json-bigint, so an integer beyond 2^53 (an order id as
 * a BigInt) is written as its digits. JSON.parse would round it; here it is kept exact, as a string of its
 * digits, so the outbox shows what was sent (docs/openapi.md).
 */

/** Integer literals of JSON text that a double cannot hold exactly. */
const unsafe = (literal: string) => /^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))

/** Parses JSON text; integers beyond Number.MAX_SAFE_INTEGER come back as strings of their digits. Throws SyntaxError. */
export function parseJsonExact(text: string): unknown {
  const value = JSON.parse(text) as unknown
  if (!/\d{16}/.test(text)) return value
  // Quote each unsafe integer outside strings, marked so the reviver knows it from a string that was sent.
  const mark = '\u0000int:'
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') out += text[++i]
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      // A sent string that itself starts with the mark gets one more, so the reviver's one strip gives it back.
      out += /^"\\u0000int:/i.test(text.slice(i, i + 12)) ? '"\\u0000int:' : c
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const literal = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))![0]
      out += unsafe(literal) ? JSON.stringify(mark + literal) : literal
      i += literal.length - 1
    } else out += c
  }
  const strip = (v: string) => v.slice(mark.length)
  return JSON.parse(out, (_key, v: unknown) => {
    if (typeof v === 'string') return v.startsWith(mark) ? strip(v) : v
    // A key is a string too: one that started with the mark got one more above.
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.startsWith(mark))) {
      const renamed: Record<string, unknown> = {}
      for (const [k, value] of Object.entries(v)) Object.defineProperty(renamed, k.startsWith(mark) ? strip(k) : k, { value, enumerable: true, writable: true, configurable: true })
      return renamed
    }
    return v
  })
}
