/**
 * What MongoDB refuses in an update and mingo's updater silently skips, checked before it runs, so an
 * update that MongoDB would fail fails here too and writes nothing:
 * - `$inc` / `$mul` with an operand that is not a number, or on a field holding something else;
 * - the array operators (`$push`, `$addToSet`, `$pop`, `$pull`, `$pullAll`) on a field that holds
 *   something other than an array; `$pullAll` with an operand that is not an array, `$pop` with one that
 *   is neither 1 nor -1.
 * Paths through positional operators (`$`, `$[]`) are left to mingo.
 */
import { EmulatorError } from '../errors'

type AnyObject = Record<string, unknown>

const ARRAY_OPERATORS = ['$push', '$addToSet', '$pop', '$pull', '$pullAll']

/** The kind of a value as MongoDB's messages name it. */
function kind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double'
  if (typeof value === 'boolean') return 'bool'
  return typeof value === 'object' ? 'object' : typeof value
}

/** The value at a plain dot path, or undefined (where the path is missing or ends in a non-document). */
function valueAt(doc: AnyObject, path: string): unknown {
  let value: unknown = doc
  for (const key of path.split('.')) {
    if (!value || typeof value !== 'object' || value instanceof Date) return undefined
    value = Array.isArray(value) ? (/^\d+$/.test(key) ? value[Number(key)] : undefined) : (value as AnyObject)[key]
  }
  return value
}

const refuse = (message: string) => new EmulatorError('DATABASE_INVALID_OPERRATOR', message)

/** Refuses an update of `doc` that MongoDB would refuse (see the file's comment). */
export function checkUpdateTypes(doc: AnyObject, update: AnyObject): void {
  for (const [operator, fields] of Object.entries(update)) {
    if (!fields || typeof fields !== 'object') continue
    for (const [path, operand] of Object.entries(fields as AnyObject)) {
      if (path.split('.').some((key) => key[0] === '$')) continue
      const current = valueAt(doc, path)
      if (operator === '$inc' || operator === '$mul') {
        if (typeof operand !== 'number') throw refuse(`Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: { ${path}: ${JSON.stringify(operand)} }`)
        if (current !== undefined && typeof current !== 'number') throw refuse(`Cannot apply ${operator} to a value of non-numeric type: the field '${path}' is of type ${kind(current)}`)
      }
      if (ARRAY_OPERATORS.indexOf(operator) >= 0 && current !== undefined && !Array.isArray(current)) {
        throw refuse(`${operator}: the field '${path}' must be an array but is of type ${kind(current)}`)
      }
      if (operator === '$pullAll' && !Array.isArray(operand)) throw refuse(`$pullAll requires an array argument: { ${path}: ... }`)
      if (operator === '$pop' && operand !== 1 && operand !== -1) throw refuse(`$pop expects 1 or -1: { ${path}: ${JSON.stringify(operand)} }`)
    }
  }
}
