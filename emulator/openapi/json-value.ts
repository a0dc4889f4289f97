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
      out += c
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const literal = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i))![0]
      out += unsafe(literal) ? JSON.stringify(mark + literal) : literal
      i += literal.length - 1
    } else out += c
  }
  return JSON.parse(out, (_key, v: unknown) => (typeof v === 'string' && v.startsWith(mark) ? v.slice(mark.length) : v))
}
