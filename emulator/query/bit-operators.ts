/**
 * The bitwise query operators (`$bitsAllSet`, `$bitsAnySet`, `$bitsAllClear`, `$bitsAnyClear`), in place of
 * mingo's, whose `...Clear` operators match documents without the field, or with a string in it: MongoDB
 * matches only numbers that are integers (as 64-bit two's complement; BinData the emulator does not
 * hold). The operand is a bitmask (a non-negative integer) or an array of bit positions.
 */
import type { AnyObject } from 'mingo/types'
import { resolve } from 'mingo/util'

type QueryOperator = (selector: string, operand: unknown, options: unknown) => (doc: AnyObject) => boolean

/** The bit positions an operand names. */
function positionsOf(name: string, operand: unknown): bigint[] {
  if (Array.isArray(operand)) {
    if (!operand.every((p) => Number.isInteger(p) && p >= 0)) throw new Error(`${name} takes an array of non-negative bit positions`)
    return operand.map((p) => BigInt(p as number))
  }
  if (!Number.isInteger(operand) || (operand as number) < 0) throw new Error(`${name} takes a non-negative integer bitmask or an array of bit positions`)
  const positions: bigint[] = []
  let mask = BigInt(operand as number)
  for (let p = 0n; mask; p++, mask >>= 1n) if (mask & 1n) positions.push(p)
  return positions
}

function bitTest(name: string, set: boolean, all: boolean): QueryOperator {
  return (selector, operand) => {
    const positions = positionsOf(name, operand)
    const test = (value: unknown) => {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return false
      const bits = BigInt.asUintN(64, BigInt(value))
      const hit = (p: bigint) => (((bits >> p) & 1n) === 1n) === set
      return all ? positions.every(hit) : positions.some(hit)
    }
    return (doc) => {
      const found = resolve(doc, selector, { unwrapArray: true })
      return Array.isArray(found) ? found.some(test) : test(found)
    }
  }
}

/** The bitwise query operators above, by name. */
export const bitQueryOperators: Record<string, QueryOperator> = {
  $bitsAllSet: bitTest('$bitsAllSet', true, true),
  $bitsAnySet: bitTest('$bitsAnySet', true, false),
  $bitsAllClear: bitTest('$bitsAllClear', false, true),
  $bitsAnyClear: bitTest('$bitsAnyClear', false, false),
}
