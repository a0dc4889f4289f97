/**
 * The pieces of the open API wire the emulator reads (docs/openapi.md): a pair's JSON with big integers kept
 * exact (json-bigint writes a BigInt as its digits), and multipart file parts bounded as JSON bodies are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { MAX_BODY_BYTES } from '../../emulator/http/server'
import { parseJsonExact } from '../../emulator/openapi/json-value'

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 as their digits, outside strings only, and parses the rest as JSON.parse', () => {
    expect(parseJsonExact('{"a":12345678901234567890,"b":[-98765432109876543210,1.5e300,42],"c":"12345678901234567890"}')).toEqual({
      a: '12345678901234567890',
      b: ['-98765432109876543210', 1.5e300, 42],
      c: '12345678901234567890',
    })
    expect(parseJsonExact('9007199254740991')).toBe(9007199254740991)
    expect(parseJsonExact('"say \\"9999999999999999999\\" twice"')).toBe('say "9999999999999999999" twice')
    // A sent string (or key) that looks like the parser's own mark comes back as sent.
    expect(parseJsonExact('{"x":"\\u0000int:1","\\u0000int:k":[12345678901234567890]}')).toEqual({ x: '\u0000int:1', '\u0000int:k': ['12345678901234567890'] })
    expect(() => parseJsonExact('o1 not json')).toThrow(SyntaxError)
  })
})

describe('multipart file parts', () => {
  let emulator: RunningEmulator
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
  })
  afterAll(() => emulator.stop())

  it('larger than the body limit together are refused with 413, and the emulator serves on', async () => {
    const form = new FormData()
    form.append('action', 'wx.openApi')
    form.append('requestData', new Blob([new Uint8Array(MAX_BODY_BYTES / 2 + 1)]), 'a')
    form.append('more', new Blob([new Uint8Array(MAX_BODY_BYTES / 2 + 1)]), 'b')
    const response = await fetch(`${emulator.url}/admin`, { method: 'POST', body: form })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/larger than/) })
    const after = await fetch(`${emulator.url}/admin`, { method: 'POST', body: JSON.stringify({ action: 'x' }) })
    expect(after.status).toBeLessThan(500)
  })
})
