/**
 * The rule run against what a query knows instead of a document: the same operators (values.ts) applied
 * to every combination of the values a query allows, and interval reasoning where a query allows
 * infinitely many (a range, or anything but a few). `doc.<path>` reads the query's knowledge of that path;
 * everything else (`auth`, `now`, `request`, `get()` of a pinned path) is concrete.
 */
import type { RuleNode } from './ast'
import { ANY, compareConstant, compareOpen, constrain, flipped, fromTri, known, negate, truth, type Abstract, type Tri } from './domain'
import type { Knowledge } from './query-knowledge'
import type { Doc } from './reads'
import type { RequestScope } from './scope'
import { MISSING, ruleConcat, ruleEquals, ruleIn, ruleMember, ruleOrder, ruleTemplate, sameValue } from './values'

/** Past this many combinations of finite values an expression is "anything" (sound, and bounded). */
const MAX_COMBINATIONS = 256

type Open = Exclude<Abstract, { kind: 'values' }>

/** One run of a rule over one branch of a query; what it found is kept for the explanation. */
export interface AbstractRun {
  readonly knowledge: Knowledge
  readonly scope: RequestScope
  readonly get: (path: unknown) => Doc | null
  /** Each evaluated node's value (each node is evaluated once: `get()` is counted once). */
  readonly results: Map<RuleNode, Abstract>
  /** `doc.<path>` nodes and their paths. */
  readonly docPaths: Map<RuleNode, string>
  /** `get()` nodes whose path the query does not pin to one value. */
  readonly unpinned: Set<RuleNode>
}

/** `f` over every combination of the finite sets, or undefined past MAX_COMBINATIONS. */
function combine(sets: readonly (readonly unknown[])[], f: (values: unknown[]) => unknown): Abstract | undefined {
  if (sets.reduce((size, set) => size * set.length, 1) > MAX_COMBINATIONS) return undefined
  const results: unknown[] = []
  const visit = (chosen: unknown[]): void => {
    if (chosen.length === sets.length) {
      const result = f(chosen)
      if (!results.some((other) => sameValue(other, result))) results.push(result)
      return
    }
    for (const value of sets[chosen.length]!) visit([...chosen, value])
  }
  visit([])
  return { kind: 'values', values: results }
}

/** The finite sets of `values`, or undefined when one is not finite. */
function finite(values: readonly Abstract[]): (readonly unknown[])[] | undefined {
  return values.every((value) => value.kind === 'values') ? values.map((value) => (value as { values: readonly unknown[] }).values) : undefined
}

/** Combines the decisions for each value of a finite set: decided only when they all agree. */
function agree(decisions: readonly Tri[]): Tri {
  const first = decisions[0]
  return decisions.every((decision) => decision === first) ? first : undefined
}

/** The value at `segments` of every document the branch allows. */
function lookup(knowledge: Knowledge, segments: readonly string[]): Abstract {
  let result: Abstract = knowledge.get(segments.join('.')) ?? ANY
  // A condition on a prefix (`address: {...}` for `doc.address.city`) tells about the rest of the path too.
  for (let length = 1; length < segments.length; length++) {
    const prefix = knowledge.get(segments.slice(0, length).join('.'))
    if (!prefix || prefix.kind === 'any') continue
    const rest = segments.slice(length)
    const values = prefix.kind === 'range' ? [MISSING] : prefix.values.map((value) => rest.reduce<unknown>(ruleMember, value))
    result = constrain(result, { kind: 'one-of', values })
  }
  return result
}

/** The path segments of `doc.a.b` / `doc['a'][0]`, when every key is one known name a query can address. */
function docPath(node: RuleNode, run: AbstractRun): string[] | undefined {
  if (node.type !== 'member') return undefined
  const base = node.object.type === 'global' && node.object.name === 'doc' ? [] : docPath(node.object, run)
  if (!base) return undefined
  const key = evaluate(node.property, run)
  if (key.kind !== 'values' || key.values.length !== 1) return undefined
  const name = key.values[0]
  const segment = typeof name === 'number' && Number.isInteger(name) && name >= 0 ? String(name) : name
  // A query path cannot name a field with a dot in it, or one that looks like an operator.
  if (typeof segment !== 'string' || segment === '' || segment.includes('.') || segment.startsWith('$')) return undefined
  return [...base, segment]
}

function compare(node: Extract<RuleNode, { type: 'compare' }>, run: AbstractRun): Abstract {
  const left = evaluate(node.left, run)
  const right = evaluate(node.right, run)
  const op = node.operator
  const sets = finite([left, right])
  if (sets) {
    return combine(sets, ([a, b]) => (op === '==' ? ruleEquals(a, b) : op === '!=' ? !ruleEquals(a, b) : ruleOrder(a, op, b))) ?? fromTri(undefined)
  }
  if (left.kind === 'values') return fromTri(agree(left.values.map((value) => compareConstant(right as Open, flipped(op), value))))
  if (right.kind === 'values') return fromTri(agree(right.values.map((value) => compareConstant(left, op, value))))
  return fromTri(compareOpen(left, op, right))
}

function membership(node: Extract<RuleNode, { type: 'in' }>, run: AbstractRun): Abstract {
  const left = evaluate(node.left, run)
  const right = evaluate(node.right, run)
  const sets = finite([left, right])
  if (sets) return combine(sets, ([value, list]) => ruleIn(value, list)) ?? fromTri(undefined)
  if (right.kind === 'range') return fromTri(false) // numbers, strings, dates: never an array
  if (right.kind === 'any') return fromTri(undefined)
  // An open value is in a list only if it can equal one of its items.
  const open = left as Open
  return fromTri(agree(right.values.map((list) => (Array.isArray(list) && list.some((item) => compareConstant(open, '==', item) !== false) ? undefined : false))))
}

function compute(node: RuleNode, run: AbstractRun): Abstract {
  switch (node.type) {
    case 'literal':
      return known(node.value)
    case 'array': {
      const sets = finite(node.elements.map((element) => evaluate(element, run)))
      return (sets && combine(sets, (values) => values)) ?? ANY
    }
    case 'global':
      if (node.name === 'doc') return ANY
      return known(node.name === 'auth' ? run.scope.auth : node.name === 'now' ? run.scope.now : ((node.name === 'request' ? run.scope.request : run.scope.resource) ?? MISSING))
    case 'member': {
      const path = docPath(node, run)
      if (path) {
        run.docPaths.set(node, path.join('.'))
        return lookup(run.knowledge, path)
      }
      const object = evaluate(node.object, run)
      const property = evaluate(node.property, run)
      const sets = finite([object, property])
      if (sets) return combine(sets, ([value, key]) => ruleMember(value, key)) ?? ANY
      return object.kind === 'range' ? known(MISSING) : ANY
    }
    case 'not':
      return fromTri(negate(truth(evaluate(node.argument, run))))
    case 'logical': {
      // Short-circuits as the concrete evaluator does, so a decided left side costs no get() on the right.
      const left = truth(evaluate(node.left, run))
      if (node.operator === '&&') {
        if (left === false) return fromTri(false)
        const right = truth(evaluate(node.right, run))
        return fromTri(right === false ? false : left && right ? true : undefined)
      }
      if (left === true) return fromTri(true)
      const right = truth(evaluate(node.right, run))
      return fromTri(right === true ? true : left === false && right === false ? false : undefined)
    }
    case 'compare':
      return compare(node, run)
    case 'in':
      return membership(node, run)
    case 'concat': {
      const sets = finite([evaluate(node.left, run), evaluate(node.right, run)])
      return (sets && combine(sets, ([a, b]) => ruleConcat(a, b))) ?? ANY
    }
    case 'template': {
      const sets = finite(node.expressions.map((expression) => evaluate(expression, run)))
      return (sets && combine(sets, (values) => ruleTemplate(node.quasis, values))) ?? ANY
    }
    case 'get': {
      // CloudBase: a path built from `doc` needs that field pinned by the query (`==`, or `$in` of one).
      const path = evaluate(node.path, run)
      if (path.kind === 'values' && path.values.length === 1) return known(run.get(path.values[0]))
      if (path.kind === 'values' && path.values.length === 0) return path
      run.unpinned.add(node)
      return ANY
    }
  }
}

/** The value of `node` in this run (computed once per node). */
export function evaluate(node: RuleNode, run: AbstractRun): Abstract {
  const done = run.results.get(node)
  if (done) return done
  const result = compute(node, run)
  run.results.set(node, result)
  return result
}
