/**
 * Values between the wire (client dialect A: plain JSON with `$date` and `$regex` markers), the engine
 * (JavaScript values: Date, RegExp) and storage (the wire form, as JSON text).
 */
import { encodeValue, type WireValue } from '../../src/protocol/codec'
import { invalidParam } from '../errors'

/** Keys that would reach an object's prototype: never accepted in documents or queries. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype']

/** Deepest nesting accepted: deeper values are refused before any evaluation (MongoDB allows 100). */
export const MAX_DEPTH = 100

/**
 * Decodes a request value for the engine: `{$date: ms}` → Date, `{$date: {offset}}` → the server's clock
 * plus offset (at `now`), `{$regex, $options}` → RegExp. Refuses prototype keys and excessive depth.
 */
export function decodeWire(value: unknown, now: number, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw invalidParam(`value nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) return value.map((item) => decodeWire(item, now, depth + 1))
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value
  const object = value as Record<string, unknown>
  const keys = Object.keys(object)
  if ('$date' in object && keys.length === 1) {
    const date = object.$date
    if (typeof date === 'number') return new Date(date)
    if (date && typeof date === 'object' && typeof (date as { offset?: unknown }).offset === 'number') {
      return new Date(now + (date as { offset: number }).offset)
    }
    throw invalidParam('$date must be epoch milliseconds or { offset }')
  }
  if (typeof object.$regex === 'string' && keys.every((k) => k === '$regex' || k === '$options')) {
    const flags = typeof object.$options === 'string' ? object.$options : ''
    try {
      return new RegExp(object.$regex, flags.replace(/[^gimsuy]/g, ''))
    } catch {
      throw invalidParam(`invalid regular expression /${object.$regex}/${flags}`)
    }
  }
  const out: Record<string, unknown> = {}
  for (const key of keys) {
    if (FORBIDDEN_KEYS.indexOf(key) >= 0) throw invalidParam(`the key "${key}" is not allowed`)
    out[key] = decodeWire(object[key], now, depth + 1)
  }
  return out
}

/** Encodes an engine value for the wire (and for storage). */
export function encodeWire(value: unknown): WireValue {
  return encodeValue(value, 'emulator')
}
