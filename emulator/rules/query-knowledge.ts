/**
 * What a query says about the documents it can match, as the prover reads it: the query in disjunctive
 * form (each `$or` alternative a branch of its own) and, per branch, what is known of each field path.
 *
 * Understood: plain equality, `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin`, `$and`, `$or`,
 * dot paths. Anything else (regular expressions, `$elemMatch`, `$exists`, geo, `$nor`, `$expr`, ...) is
 * skipped: a skipped condition only leaves more documents possible, so it can never make a proof hold
 * that should not, nor break one that should.
 *
 * Like CloudBase, the prover reads a condition as a statement about the field's value. MongoDB also
 * matches an array field when one element satisfies the condition (`{ tags: 'a' }` matches
 * `tags: ['a', 'b']`); that is not modelled, so the proofs are about fields that hold single values.
 */
import { ANY, constrain, rangeTypeOf, type Abstract, type Bound, type Constraint } from './domain'
import { MISSING } from './values'

/** What one branch of a query knows: field path → its possible values. */
export type Knowledge = ReadonlyMap<string, Abstract>

/** Past this many `$or` branches the query is not checked (each branch is a proof of its own). */
export const MAX_BRANCHES = 64

/** Thrown by queryKnowledge for a query with more branches than MAX_BRANCHES. */
export class TooManyBranches extends Error {}

type Branch = readonly (readonly [string, Constraint])[]

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** A value a query can test equality with, as the rule's `==` means it (no regex, no operator inside). */
function isComparable(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true
  if (typeof value === 'number' || value instanceof Date) return rangeTypeOf(value) !== undefined
  if (Array.isArray(value)) return value.every(isComparable)
  return isPlainObject(value) && Object.keys(value).every((key) => !key.startsWith('$') && isComparable(value[key]))
}

/** `null` in a query matches a missing field too. */
function withMissing(values: readonly unknown[]): unknown[] {
  return values.includes(null) ? [...values, MISSING] : [...values]
}

const BOUNDS = new Map<string, { side: 'lower' | 'upper'; inclusive: boolean }>([
  ['$gt', { side: 'lower', inclusive: false }],
  ['$gte', { side: 'lower', inclusive: true }],
  ['$lt', { side: 'upper', inclusive: false }],
  ['$lte', { side: 'upper', inclusive: true }],
])

/** The facts one operator of a field condition states; none for what is not understood. */
function operatorConstraints(operator: string, operand: unknown): Constraint[] {
  const bound = BOUNDS.get(operator)
  if (bound) {
    // A comparison matches only its operand's type; booleans and null order too, but are not modelled.
    const type = rangeTypeOf(operand)
    if (!type) return []
    const key = operand instanceof Date ? operand.getTime() : (operand as number | string)
    const limit: Bound = { key, inclusive: bound.inclusive }
    return [{ kind: 'bound', type, side: bound.side, bound: limit }]
  }
  switch (operator) {
    case '$eq':
      return isComparable(operand) ? [{ kind: 'one-of', values: withMissing([operand]) }] : []
    case '$ne':
      return isComparable(operand) ? [{ kind: 'exclude', values: withMissing([operand]) }] : []
    case '$in':
      return Array.isArray(operand) && operand.every(isComparable) ? [{ kind: 'one-of', values: withMissing(operand) }] : []
    case '$nin':
      // A regex in `$nin` rules out what it matches; leaving it out only rules out less.
      return Array.isArray(operand) ? [{ kind: 'exclude', values: withMissing(operand.filter(isComparable)) }] : []
    default:
      return []
  }
}

/** The facts of `path: condition`. */
function fieldConstraints(condition: unknown): Constraint[] {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition)
    if (keys.length > 0 && keys.every((key) => key.startsWith('$'))) return keys.flatMap((key) => operatorConstraints(key, condition[key]))
  }
  return operatorConstraints('$eq', condition)
}

/** Every pair of a branch of `a` and a branch of `b`: the branches of `a AND b`. */
function product(a: readonly Branch[], b: readonly Branch[]): Branch[] {
  if (a.length * b.length > MAX_BRANCHES) throw new TooManyBranches()
  return a.flatMap((left) => b.map((right) => [...left, ...right]))
}

function branchesOf(query: Record<string, unknown>): Branch[] {
  let branches: Branch[] = [[]]
  for (const key of Object.keys(query)) {
    const value = query[key]
    if ((key === '$and' || key === '$or') && Array.isArray(value) && value.length > 0) {
      const parts = value.map((part) => (isPlainObject(part) ? branchesOf(part) : [[]]))
      branches = key === '$and' ? parts.reduce(product, branches) : product(branches, parts.flat())
    } else if (!key.startsWith('$')) {
      const facts = fieldConstraints(value).map((fact) => [key, fact] as const)
      branches = branches.map((branch) => [...branch, ...facts])
    }
  }
  return branches
}

/**
 * The query's branches, each with what it knows per field path.
 *
 * @throws TooManyBranches past MAX_BRANCHES.
 */
export function queryKnowledge(query: Record<string, unknown>): Knowledge[] {
  return branchesOf(query).map((branch) => {
    const knowledge = new Map<string, Abstract>()
    for (const [path, fact] of branch) knowledge.set(path, constrain(knowledge.get(path) ?? ANY, fact))
    return knowledge
  })
}

/** A branch no document can match (a field with no possible value): it needs no proof. */
export function isImpossible(knowledge: Knowledge): boolean {
  for (const value of knowledge.values()) if (value.kind === 'values' && value.values.length === 0) return true
  return false
}
