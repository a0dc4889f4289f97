/**
 * The configuration of database triggers (reference cloudbase-backend.md §3c, docs/triggers.md): which
 * collection, which of insert / update / delete, an optional condition (all of / any of, with CloudBase's
 * operators for its types), and the function to run. Checked in full before anything runs; every mistake is
 * one line naming the trigger and the field.
 */

/** The kinds of change a database trigger listens to (CloudBase's event type `write` is all three). */
export type DatabaseEventType = 'insert' | 'update' | 'delete'

/** CloudBase's condition operators. */
export type ConditionOperator = '=' | '!=' | '>' | '>=' | '<' | '<='

/** One test of a condition: the document's `field` (a dot path) against `value`. */
export interface ConditionItem {
  field: string
  op: ConditionOperator
  /** `=` and `!=` take a string, number, boolean or null; the orderings a string or number (CloudBase's types). */
  value: string | number | boolean | null
}

/** Every item must hold (`all`), or one at least (`any`). */
export type TriggerCondition = { all: ConditionItem[] } | { any: ConditionItem[] }

/** One database trigger, as `startEmulator({ databaseTriggers })` and mpcloud.json's `"databaseTriggers"` take it. */
export interface DatabaseTriggerConfig {
  /** The trigger's name: the envelope's `subject` starts with it. Unique. */
  name: string
  collection: string
  /** Which changes fire it (default all three: CloudBase's `write`). */
  events?: DatabaseEventType[]
  /** Without one, every change of those kinds fires it (CloudBase's "unconditional"). */
  condition?: TriggerCondition
  /** The function it runs. */
  function: string
}

/** A checked trigger, its defaults filled. */
export interface DatabaseTrigger {
  name: string
  collection: string
  events: DatabaseEventType[]
  condition?: TriggerCondition
  function: string
}

export const EVENT_TYPES: readonly DatabaseEventType[] = ['insert', 'update', 'delete']
const EQUALITY = ['=', '!=']
const ORDERING = ['>', '>=', '<', '<=']
/** Letters, digits, `_` and `-`, a letter first, at most 60 (as CloudBase names its triggers). */
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,59}$/
/** As the functions service takes a function's name. */
const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/
const KEYS = ['name', 'collection', 'events', 'condition', 'function']

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)
const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value))

/**
 * `given` checked as a list of database triggers; throws an Error whose message is one line, starting with
 * `where` and naming the trigger and the field that is wrong.
 */
export function checkDatabaseTriggers(given: unknown, where = 'databaseTriggers'): DatabaseTrigger[] {
  if (!Array.isArray(given)) throw new Error(`${where} must be an array of triggers ({ name, collection, events?, condition?, function }), not ${show(given)}`)
  const names = new Set<string>()
  return given.map((item: unknown, index) => {
    if (!isObject(item)) throw new Error(`${where}[${index}] must be a trigger object ({ name, collection, events?, condition?, function }), not ${show(item)}`)
    const label = typeof item.name === 'string' && item.name ? `${where}: trigger "${item.name}"` : `${where}[${index}]`
    const fail = (field: string, must: string, value: unknown) => new Error(`${label}: "${field}" must be ${must}, not ${show(value)}`)
    for (const key of Object.keys(item)) if (KEYS.indexOf(key) < 0) throw new Error(`${label}: unknown field "${key}"; the fields are ${KEYS.join(', ')}`)
    const { name, collection, events, condition } = item
    if (typeof name !== 'string' || !TRIGGER_NAME.test(name)) throw fail('name', 'a name of letters, digits, _ and - starting with a letter, at most 60', name)
    if (names.has(name)) throw new Error(`${label}: the name is used by another trigger; names must be unique`)
    names.add(name)
    if (typeof collection !== 'string' || !collection) throw fail('collection', "a collection's name", collection)
    if (typeof item.function !== 'string' || !FUNCTION_NAME.test(item.function)) throw fail('function', "a function's name (letters, digits, _ and -, at most 60)", item.function)
    let kinds = EVENT_TYPES.slice()
    if (events !== undefined) {
      if (!Array.isArray(events) || !events.length || !events.every((kind) => EVENT_TYPES.indexOf(kind as DatabaseEventType) >= 0) || new Set(events).size !== events.length) {
        throw fail('events', 'a non-empty list of distinct "insert", "update", "delete"', events)
      }
      kinds = events as DatabaseEventType[]
    }
    return { name, collection, events: kinds, ...(condition === undefined ? {} : { condition: checkCondition(condition, label) }), function: item.function }
  })
}

function checkCondition(condition: unknown, label: string): TriggerCondition {
  const keys = isObject(condition) ? Object.keys(condition) : []
  const mode = keys.length === 1 && (keys[0] === 'all' || keys[0] === 'any') ? keys[0] : undefined
  if (!mode) throw new Error(`${label}: "condition" must be { "all": [...] } or { "any": [...] }, not ${show(condition)}`)
  const items = (condition as Record<string, unknown>)[mode]
  if (!Array.isArray(items) || !items.length) throw new Error(`${label}: "condition.${mode}" must be a non-empty list of { field, op, value }, not ${show(items)}`)
  const checked = items.map((item: unknown, index) => {
    const at = `condition.${mode}[${index}]`
    if (!isObject(item) || Object.keys(item).some((key) => key !== 'field' && key !== 'op' && key !== 'value')) {
      throw new Error(`${label}: "${at}" must be { field, op, value }, not ${show(item)}`)
    }
    const { field, op, value } = item
    if (typeof field !== 'string' || !field || field.split('.').some((part) => !part)) throw new Error(`${label}: "${at}.field" must be a field's dot path ("a.b"), not ${show(field)}`)
    if (typeof op !== 'string' || (EQUALITY.indexOf(op) < 0 && ORDERING.indexOf(op) < 0)) throw new Error(`${label}: "${at}.op" must be one of = != > >= < <=, not ${show(op)}`)
    const equality = EQUALITY.indexOf(op) >= 0
    const typed = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || (equality && (value === null || typeof value === 'boolean'))
    if (!typed) {
      const takes = equality ? 'a string, number, boolean or null' : 'a string or number'
      throw new Error(`${label}: "${at}.value" must be ${takes} for "${op}" (CloudBase's types for it), not ${show(value)}`)
    }
    return { field, op: op as ConditionOperator, value: value as ConditionItem['value'] }
  })
  return (mode === 'all' ? { all: checked } : { any: checked }) as TriggerCondition
}

const OPERATORS: Record<ConditionOperator, string> = { '=': '$eq', '!=': '$ne', '>': '$gt', '>=': '$gte', '<': '$lt', '<=': '$lte' }

/**
 * The condition as a MongoDB filter, which the query engine evaluates on the document: the semantics of a
 * query (`= null` also matches a missing field, `!=` matches one, orderings compare only values of the same
 * type), as CloudBase matches a change against its trigger's condition in its MongoDB-based database.
 */
export function conditionFilter(condition: TriggerCondition): Record<string, unknown> {
  const items = 'all' in condition ? condition.all : condition.any
  const tests = items.map(({ field, op, value }) => ({ [field]: { [OPERATORS[op]]: value } }))
  return 'all' in condition ? { $and: tests } : { $or: tests }
}
