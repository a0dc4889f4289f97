/**
 * `$jsonSchema` in a query (the official SDKs send it as `_.jsonSchema(schema)`): a document matches when it
 * satisfies the schema. mingo has no validator of its own (it asks for one as an option), so the emulator
 * brings this one: the keywords MongoDB's `$jsonSchema` documents (JSON Schema draft 4 plus `bsonType`,
 * without `$ref`, `$schema`, `default`, `definitions`, `format` and `id`, which MongoDB refuses too). Each
 * keyword constrains only values of its own kind (`minimum` says nothing about a string), as in JSON
 * Schema. Patterns run on RE2 like every user pattern (regex.ts).
 */
import { LinearRegExp } from './regex'
import { compareValues } from './sort-order'

type AnyObject = Record<string, unknown>
type Check = (value: unknown) => boolean

const isDocument = (value: unknown): value is AnyObject =>
  !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)

/** What a `type` / `bsonType` name accepts, for values as the engine holds them (numbers as one kind, as mingo's `$type`). */
const KINDS: Record<string, Check> = {
  object: isDocument,
  array: Array.isArray,
  number: (v) => typeof v === 'number',
  double: (v) => typeof v === 'number',
  decimal: (v) => typeof v === 'number',
  int: (v) => Number.isInteger(v),
  long: (v) => Number.isInteger(v),
  string: (v) => typeof v === 'string',
  bool: (v) => typeof v === 'boolean',
  date: (v) => v instanceof Date,
  null: (v) => v === null,
  regex: (v) => v instanceof RegExp,
  // The emulator keeps ids as strings and has no binary, timestamp or code values: nothing is of these kinds.
  objectId: () => false,
  binData: () => false,
  timestamp: () => false,
  javascript: () => false,
  minKey: () => false,
  maxKey: () => false,
}
/** `type` takes JSON Schema's names (and, like MongoDB, not `integer`). */
const JSON_TYPES = ['object', 'array', 'number', 'boolean', 'string', 'null']

const KEYWORDS = [
  'additionalItems', 'additionalProperties', 'allOf', 'anyOf', 'bsonType', 'dependencies', 'description', 'enum',
  'exclusiveMaximum', 'exclusiveMinimum', 'items', 'maximum', 'maxItems', 'maxLength', 'maxProperties', 'minimum',
  'minItems', 'minLength', 'minProperties', 'multipleOf', 'not', 'oneOf', 'pattern', 'patternProperties', 'properties',
  'required', 'title', 'type', 'uniqueItems',
]

const fail = (message: string): never => {
  throw new Error(`$jsonSchema: ${message}`)
}

function count(schema: AnyObject, key: string): number {
  const value = schema[key]
  if (typeof value !== 'number' || !(value >= 0) || !Number.isInteger(value)) fail(`${key} must be a non-negative integer`)
  return value as number
}

function typeCheck(names: unknown, keyword: 'type' | 'bsonType'): Check {
  const list = Array.isArray(names) ? names : [names]
  const checks = list.map((name) => {
    if (keyword === 'type') {
      if (JSON_TYPES.indexOf(name as string) < 0) fail(`type "${String(name)}" is not one of ${JSON_TYPES.join(', ')} (use bsonType for others)`)
      return name === 'boolean' ? KINDS.bool! : KINDS[name as string]!
    }
    const check = typeof name === 'string' && Object.prototype.hasOwnProperty.call(KINDS, name) ? KINDS[name] : undefined
    return check || fail(`unknown bsonType "${String(name)}"`)
  })
  return (value) => checks.some((check) => check(value))
}

/** The checks of a document-valued schema's object keywords. */
function objectChecks(schema: AnyObject, checks: Check[]): void {
  const properties = schema.properties === undefined ? {} : schema.properties
  if (!isDocument(properties)) fail('properties must be an object')
  const propertyChecks = Object.entries(properties as AnyObject).map(([key, sub]): [string, Check] => [key, compile(sub)])
  const patterns = schema.patternProperties === undefined ? [] : Object.entries(isDocument(schema.patternProperties) ? schema.patternProperties : fail('patternProperties must be an object'))
  const patternChecks = patterns.map(([source, sub]): [LinearRegExp, Check] => [new LinearRegExp(source, '').check(), compile(sub)])
  const additional = schema.additionalProperties
  const extra: Check | undefined = additional === undefined || additional === true ? undefined : additional === false ? () => false : compile(additional)
  const required = schema.required
  if (required !== undefined && (!Array.isArray(required) || !required.length || !required.every((k) => typeof k === 'string'))) fail('required must be a non-empty array of field names')
  const dependencies = schema.dependencies === undefined ? [] : Object.entries(isDocument(schema.dependencies) ? schema.dependencies : fail('dependencies must be an object'))
  const dependencyChecks = dependencies.map(([key, dependency]): [string, Check] => {
    if (Array.isArray(dependency)) return [key, (doc) => dependency.every((name) => (doc as AnyObject)[name as string] !== undefined)]
    return [key, compile(dependency)]
  })
  const min = schema.minProperties === undefined ? 0 : count(schema, 'minProperties')
  const max = schema.maxProperties === undefined ? Infinity : count(schema, 'maxProperties')
  checks.push((value) => {
    if (!isDocument(value)) return true
    const keys = Object.keys(value).filter((key) => value[key] !== undefined)
    if (keys.length < min || keys.length > max) return false
    if (required && !(required as string[]).every((key) => value[key] !== undefined)) return false
    for (const [key, check] of propertyChecks) if (value[key] !== undefined && !check(value[key])) return false
    for (const key of keys) {
      const matching = patternChecks.filter(([re]) => re.test(key))
      if (!matching.every(([, check]) => check(value[key]))) return false
      if (extra && !(key in (properties as AnyObject)) && !matching.length && !extra(value[key])) return false
    }
    return dependencyChecks.every(([key, check]) => value[key] === undefined || check(value))
  })
}

/** The checks of an array-valued schema's array keywords. */
function arrayChecks(schema: AnyObject, checks: Check[]): void {
  const { items, additionalItems, uniqueItems } = schema
  const positional = Array.isArray(items) ? items.map(compile) : undefined
  const each = items !== undefined && !positional ? compile(items) : undefined
  const rest: Check | undefined = !positional || additionalItems === undefined || additionalItems === true ? undefined : additionalItems === false ? () => false : compile(additionalItems)
  const min = schema.minItems === undefined ? 0 : count(schema, 'minItems')
  const max = schema.maxItems === undefined ? Infinity : count(schema, 'maxItems')
  checks.push((value) => {
    if (!Array.isArray(value)) return true
    if (value.length < min || value.length > max) return false
    if (each && !value.every(each)) return false
    if (positional && !value.every((item, i) => (i < positional.length ? positional[i]!(item) : !rest || rest(item)))) return false
    if (uniqueItems === true) {
      for (let i = 0; i < value.length; i++) for (let j = i + 1; j < value.length; j++) if (compareValues(value[i], value[j]) === 0) return false
    }
    return true
  })
}

/** The checks of the number and string keywords. */
function scalarChecks(schema: AnyObject, checks: Check[]): void {
  const number = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : fail(`${key} must be a number`))
  if (schema.minimum !== undefined) {
    const min = number('minimum')
    const exclusive = schema.exclusiveMinimum === true
    checks.push((v) => typeof v !== 'number' || (exclusive ? v > min : v >= min))
  }
  if (schema.maximum !== undefined) {
    const max = number('maximum')
    const exclusive = schema.exclusiveMaximum === true
    checks.push((v) => typeof v !== 'number' || (exclusive ? v < max : v <= max))
  }
  if (schema.multipleOf !== undefined) {
    const step = number('multipleOf')
    if (!(step > 0)) fail('multipleOf must be greater than 0')
    checks.push((v) => typeof v !== 'number' || Number.isInteger(v / step))
  }
  // Lengths count code points, as MongoDB counts characters.
  const length = (v: string) => Array.from(v).length
  if (schema.minLength !== undefined) {
    const min = count(schema, 'minLength')
    checks.push((v) => typeof v !== 'string' || length(v) >= min)
  }
  if (schema.maxLength !== undefined) {
    const max = count(schema, 'maxLength')
    checks.push((v) => typeof v !== 'string' || length(v) <= max)
  }
  if (schema.pattern !== undefined) {
    if (typeof schema.pattern !== 'string') fail('pattern must be a string')
    const re = new LinearRegExp(schema.pattern as string, '').check()
    checks.push((v) => typeof v !== 'string' || re.test(v))
  }
}

/** The checks of the combining keywords. */
function logicChecks(schema: AnyObject, checks: Check[]): void {
  const list = (key: string) => (Array.isArray(schema[key]) && (schema[key] as unknown[]).length ? (schema[key] as unknown[]).map(compile) : fail(`${key} must be a non-empty array of schemas`))
  if (schema.allOf !== undefined) {
    const all = list('allOf')
    checks.push((v) => all.every((check) => check(v)))
  }
  if (schema.anyOf !== undefined) {
    const any = list('anyOf')
    checks.push((v) => any.some((check) => check(v)))
  }
  if (schema.oneOf !== undefined) {
    const one = list('oneOf')
    checks.push((v) => one.filter((check) => check(v)).length === 1)
  }
  if (schema.not !== undefined) {
    const not = compile(schema.not)
    checks.push((v) => !not(v))
  }
  if (schema.enum !== undefined) {
    const values = Array.isArray(schema.enum) && schema.enum.length ? schema.enum : fail('enum must be a non-empty array')
    checks.push((v) => values.some((allowed) => compareValues(v, allowed) === 0 && typeof v === typeof allowed))
  }
}

/** A schema compiled to one check; refuses what MongoDB refuses (unknown keywords, both type and bsonType). */
function compile(schema: unknown): Check {
  if (!isDocument(schema)) return fail('a schema must be an object')
  for (const key of Object.keys(schema)) if (KEYWORDS.indexOf(key) < 0) fail(`unknown keyword "${key}"`)
  if (schema.type !== undefined && schema.bsonType !== undefined) fail('specify either type or bsonType, not both')
  const checks: Check[] = []
  if (schema.type !== undefined) checks.push(typeCheck(schema.type, 'type'))
  if (schema.bsonType !== undefined) checks.push(typeCheck(schema.bsonType, 'bsonType'))
  objectChecks(schema, checks)
  arrayChecks(schema, checks)
  scalarChecks(schema, checks)
  logicChecks(schema, checks)
  return (value) => checks.every((check) => check(value))
}

/** `$jsonSchema` as a query operator of the engine's context: the schema checked once, then each document. */
export const jsonSchemaQueryOperators: Record<string, (selector: string, schema: unknown, options: unknown) => Check> = {
  $jsonSchema: (_selector, schema) => compile(schema),
}
