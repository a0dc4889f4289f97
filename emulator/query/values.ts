/**
 * Values between the wire (client dialect A: plain JSON with `$date` and `$regex` markers), the engine
 * (JavaScript values: Date, RegExp) and storage (the wire form, as JSON text).
 */
import { encodeValue, type WireValue } from '../../src/protocol/codec'
import { invalidParam } from '../errors'
import { LinearRegExp } from './regex'

/** Keys that would reach an object's prototype: never accepted in documents or queries. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype']

/** Deepest nesting accepted: deeper values are refused before any evaluation (MongoDB allows 100). */
export const MAX_DEPTH = 100

/** `{$date}` and `{$regex, $options}`: objects that decode to one value, not to an object of members. */
function isMarker(object: Record<string, unknown>, keys: string[]): boolean {
  return (keys.length === 1 && keys[0] === '$date') || (typeof object.$regex === 'string' && keys.every((k) => k === '$regex' || k === '$options'))
}

/** A value whose members decoding visits one level deeper: an array, or an object that is not a marker. */
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return false
  return !isMarker(value as Record<string, unknown>, Object.keys(value))
}

/**
 * Decodes a request value for the engine: `{$date: ms}` → Date, `{$date: {offset}}` → the server's clock
 * plus offset (at `now`), `{$regex, $options}` → a RegExp matched in linear time (regex.ts). Refuses
 * prototype keys and excessive depth.
 */
export function decodeWire(value: unknown, now: number, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw invalidParam(`value nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(value)) return value.map((item) => decodeWire(item, now, depth + 1))
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value
  const object = value as Record<string, unknown>
  const keys = Object.keys(object)
  if (keys.length === 1 && keys[0] === '$date') {
    const date = object.$date
    if (typeof date === 'number') return new Date(date)
    if (date && typeof date === 'object' && typeof (date as { offset?: unknown }).offset === 'number') {
      return new Date(now + (date as { offset: number }).offset)
    }
    throw invalidParam('$date must be epoch milliseconds or { offset }')
  }
  if (isMarker(object, keys)) {
    const flags = typeof object.$options === 'string' ? object.$options : ''
    try {
      return new LinearRegExp(object.$regex as string, flags.replace(/[^gimsuy]/g, ''))
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

/**
 * The depth `decodeWire` meets in `value`: the deepest level of any value in it (`value` itself is level
 * 0, its members level 1), where `decodeWire` refuses more than `MAX_DEPTH`. Engine values measure the same
 * as their wire form (a Date or RegExp is one value, as its marker is). Iterative: any depth is measured.
 */
export function wireDepth(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 0]]
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [item, depth] = next
    if (depth > deepest) deepest = depth
    if (!isContainer(item)) continue
    const members = Array.isArray(item) ? item : Object.keys(item).map((key) => item[key])
    for (const member of members) stack.push([member, depth + 1])
  }
  return deepest
}

/** Encodes an engine value for the wire (and for storage). */
export function encodeWire(value: unknown): WireValue {
  return encodeValue(value, 'emulator')
}
