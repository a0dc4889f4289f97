/**
 * jsep's tree → the rule tree (ast.ts), refusing every construct the rule language does not have, at its
 * place in the text. Subtrees are checked left to right, so the error reported is the leftmost one.
 */
import type jsep from 'jsep'
import { RULE_GLOBALS, type ComparisonOperator, type RuleGlobal, type RuleNode } from './ast'
import { RuleSyntaxError } from './errors'
import type { MarkedNode } from './jsep-syntax'
import { MAX_GET_DEPTH, parseGetPath } from './reads'

/** Names that lead to prototypes and constructors: refused as names and as properties. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype'])

/** JavaScript words jsep reads as names: each gets its own message rather than "unknown name". */
const KEYWORDS = new Set(['new', 'typeof', 'void', 'delete', 'instanceof', 'function', 'class', 'return', 'var', 'let', 'const', 'async', 'await', 'yield', 'import'])

const COMPARISONS = new Set<string>(['==', '!=', '<', '<=', '>', '>='])
const ARITHMETIC = new Set(['-', '*', '/', '%', '**'])
const BITWISE = new Set(['|', '&', '^', '<<', '>>', '>>>'])

const isGlobal = (name: string): name is RuleGlobal => (RULE_GLOBALS as readonly string[]).includes(name)

/** The index of the first character at or after `from` that is not whitespace (jsep's four). */
function nextNonSpace(source: string, from: number): number {
  let index = from
  while (index < source.length && ' \t\n\r'.includes(source.charAt(index))) index++
  return index
}

/** The word or character at `position`, for "unexpected ..." messages. */
function tokenAt(source: string, position: number): string {
  return /^[\w$]+/.exec(source.slice(position))?.[0] ?? source.charAt(position)
}

class Converter {
  constructor(private readonly source: string) {}

  fail(description: string, position: number): never {
    throw new RuleSyntaxError(description, this.source, position)
  }

  /** jsep marks tokens; what it builds around them (operators, ternaries) starts where its first part does. */
  startOf(node: MarkedNode): number {
    if (node.start !== undefined) return node.start
    switch (node.type) {
      case 'BinaryExpression':
        return this.startOf(node.left as MarkedNode)
      case 'ConditionalExpression':
        return this.startOf(node.test as MarkedNode)
      case 'UnaryExpression': {
        // Only whitespace stands between a unary operator and its operand.
        let index = this.startOf(node.argument as MarkedNode) - 1
        while (index > 0 && ' \t\n\r'.includes(this.source.charAt(index))) index--
        return index - (node.operator as string).length + 1
      }
      default:
        return 0
    }
  }

  /** Refuses a second expression after `first` (jsep reads `a b`, `a; b` and `(a, b)` as several). */
  oneExpression(first: MarkedNode, getDepth: number): never {
    const position = nextNonSpace(this.source, this.convert(first, getDepth).end)
    return this.fail(`unexpected \`${tokenAt(this.source, position)}\`: a rule is a single expression`, position)
  }

  /** The rule node of `node`, spanning its parentheses when it was a group (jsep marks the group's span). */
  convert(node: MarkedNode, getDepth: number): RuleNode {
    const result = this.build(node, getDepth)
    return node.start !== undefined && node.end !== undefined ? { ...result, start: node.start, end: node.end } : result
  }

  build(node: MarkedNode, getDepth: number): RuleNode {
    switch (node.type) {
      case 'Literal':
        return this.literal(node)
      case 'Identifier':
        return this.identifier(node)
      case 'ThisExpression':
        return this.fail('`this` is not allowed', this.startOf(node))
      case 'MemberExpression':
        return this.member(node, getDepth)
      case 'CallExpression':
        return this.call(node, getDepth)
      case 'UnaryExpression':
        return this.unary(node, getDepth)
      case 'BinaryExpression':
        return this.binary(node, getDepth)
      case 'ArrayExpression':
        return this.array(node, getDepth)
      case 'TemplateLiteral': {
        const quasis = (node.quasis as jsep.Expression[]).map((quasi) => (quasi.value as { cooked: string }).cooked)
        const expressions = (node.expressions as MarkedNode[]).map((expression) => this.convert(expression, getDepth))
        return { type: 'template', quasis, expressions, start: node.start!, end: node.end! }
      }
      case 'ConditionalExpression': {
        const test = this.convert(node.test as MarkedNode, getDepth)
        return this.fail('the conditional operator `?:` is not allowed (use `&&` and `||`)', this.source.indexOf('?', test.end))
      }
      case 'SequenceExpression':
        return this.oneExpression((node.expressions as MarkedNode[])[0]!, getDepth)
      default:
        return this.fail(`unsupported syntax (${node.type})`, this.startOf(node))
    }
  }

  literal(node: MarkedNode): RuleNode {
    const value = node.value
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return this.fail(`unsupported literal \`${node.raw as string}\``, node.start!)
    }
    return { type: 'literal', value, start: node.start!, end: node.end! }
  }

  identifier(node: MarkedNode): RuleNode {
    const name = node.name as string
    const start = node.start!
    if (isGlobal(name)) return { type: 'global', name, start, end: node.end! }
    if (name === 'undefined') return { type: 'literal', value: undefined, start, end: node.end! }
    if (name === 'get') return this.fail("`get` is a function: call it as get('database.<collection>.<id>')", start)
    if (FORBIDDEN_NAMES.has(name)) return this.fail(`\`${name}\` is not allowed`, start)
    if (KEYWORDS.has(name)) return this.fail(`\`${name}\` is not part of the rule language`, start)
    return this.fail(`unknown name \`${name}\`: a rule reads auth, doc, request, now and resource, and calls get()`, start)
  }

  member(node: MarkedNode, getDepth: number): RuleNode {
    const object = this.convert(node.object as MarkedNode, getDepth)
    if (node.optional) {
      return this.fail('optional chaining `?.` is not allowed (`a.b` is already undefined when `a` is null)', this.source.indexOf('?', object.end))
    }
    const raw = node.property as MarkedNode
    let property: RuleNode
    if (node.computed) {
      property = this.convert(raw, getDepth)
      if (property.type === 'literal' && typeof property.value === 'string' && FORBIDDEN_NAMES.has(property.value)) {
        return this.fail(`the property \`${property.value}\` is not allowed`, property.start)
      }
    } else {
      const name = raw.name as string
      if (FORBIDDEN_NAMES.has(name)) return this.fail(`the property \`${name}\` is not allowed`, raw.start!)
      property = { type: 'literal', value: name, start: raw.start!, end: raw.end! }
    }
    return { type: 'member', object, property, start: node.start!, end: node.end! }
  }

  call(node: MarkedNode, getDepth: number): RuleNode {
    const callee = node.callee as MarkedNode
    const args = node.arguments as MarkedNode[]
    if (callee.type === 'Identifier' && callee.name === 'get') return this.get(node, args, getDepth)
    if (callee.type === 'Identifier') {
      return this.fail(`\`${callee.name as string}()\`: the only function a rule can call is get()`, callee.start!)
    }
    if (callee.type === 'MemberExpression') {
      this.convert(callee.object as MarkedNode, getDepth)
      const property = callee.property as MarkedNode
      const name = callee.computed ? this.source.slice(property.start, property.end) : (property.name as string)
      return this.fail(`method calls are not allowed (\`${name}()\`): the only function a rule can call is get()`, property.start!)
    }
    const target = this.convert(callee, getDepth)
    return this.fail('only get() can be called, and its result is not a function', nextNonSpace(this.source, target.end))
  }

  get(node: MarkedNode, args: MarkedNode[], getDepth: number): RuleNode {
    const start = node.start!
    if (getDepth >= MAX_GET_DEPTH) return this.fail(`get() nests at most ${MAX_GET_DEPTH} deep (get(get(path)))`, start)
    if (args.length !== 1) return this.fail("get() takes one argument, a path 'database.<collection>.<id>'", start)
    const path = this.convert(args[0]!, getDepth + 1)
    if (path.type === 'literal' && !parseGetPath(path.value)) {
      return this.fail("a get() path has the form 'database.<collection>.<id>'", path.start)
    }
    return { type: 'get', path, start, end: node.end! }
  }

  unary(node: MarkedNode, getDepth: number): RuleNode {
    const operator = node.operator as string
    const start = this.startOf(node)
    const operand = node.argument as MarkedNode
    if (operator === '!') {
      const argument = this.convert(operand, getDepth)
      return { type: 'not', argument, start, end: argument.end }
    }
    // A negative number is a literal; any other minus is arithmetic.
    if (operator === '-' && operand.type === 'Literal' && typeof operand.value === 'number') {
      return { type: 'literal', value: -operand.value, start, end: operand.end! }
    }
    if (operator === '-') return this.fail('arithmetic is not allowed: `-` only makes a negative number literal', start)
    return this.fail(`the operator \`${operator}\` is not allowed`, start)
  }

  binary(node: MarkedNode, getDepth: number): RuleNode {
    const operator = node.operator as string
    const left = this.convert(node.left as MarkedNode, getDepth)
    // Only whitespace stands between the left operand (parentheses included) and the operator.
    const at = nextNonSpace(this.source, left.end)
    if (operator === '===' || operator === '!==') {
      return this.fail(`\`${operator}\` is not allowed: use \`${operator.slice(0, 2)}\` (rules compare strictly already)`, at)
    }
    if (ARITHMETIC.has(operator)) return this.fail(`arithmetic is not allowed (\`${operator}\`)`, at)
    if (BITWISE.has(operator)) return this.fail(`bitwise operators are not allowed (\`${operator}\`)`, at)
    if (!COMPARISONS.has(operator) && !['in', '+', '&&', '||'].includes(operator)) return this.fail(`the operator \`${operator}\` is not allowed`, at)
    const right = this.convert(node.right as MarkedNode, getDepth)
    const span = { start: left.start, end: right.end }
    if (operator === 'in') return { type: 'in', left, right, ...span }
    if (operator === '+') return { type: 'concat', left, right, ...span }
    if (operator === '&&' || operator === '||') return { type: 'logical', operator, left, right, ...span }
    if ((operator === '==' || operator === '!=') && (memberOfAuth(left) && isNull(right) ? true : memberOfAuth(right) && isNull(left))) {
      // A signed-out caller's `auth` is null, so `auth.openid` is missing, and missing is not null: the rule
      // would read "anyone, signed in or not" where its author meant the opposite.
      const which = operator === '!=' ? 'holds for a caller who is not signed in' : 'never holds'
      return this.fail(`\`${this.source.slice(span.start, span.end)}\` ${which}: when nobody is signed in \`auth\` itself is null and its members are missing, not null; test \`auth ${operator} null\` instead`, left.start)
    }
    return { type: 'compare', operator: operator as ComparisonOperator, left, right, ...span }
  }

  array(node: MarkedNode, getDepth: number): RuleNode {
    const elements = (node.elements as (MarkedNode | null)[]).map((element) =>
      element ? this.convert(element, getDepth) : this.fail('empty slots in an array are not allowed', node.start!),
    )
    return { type: 'array', elements, start: node.start!, end: node.end! }
  }
}

const isNull = (node: RuleNode): boolean => node.type === 'literal' && node.value === null

/** `auth.<member>` (or deeper): missing, not null, when nobody is signed in. */
function memberOfAuth(node: RuleNode): boolean {
  if (node.type !== 'member') return false
  return (node.object.type === 'global' && node.object.name === 'auth') || memberOfAuth(node.object)
}

/** The rule tree for jsep's `tree` of `source`, or a RuleSyntaxError at the first construct refused. */
export function toRuleNode(tree: MarkedNode, source: string): RuleNode {
  const converter = new Converter(source)
  if (tree.type === 'Compound') {
    const body = tree.body as MarkedNode[]
    if (!body[0]) return converter.fail('the rule is empty', 0)
    return converter.oneExpression(body[0], 0)
  }
  const root = converter.convert(tree, 0)
  // jsep skips `;` and `,` around a single expression; a rule is that expression and nothing else.
  const first = nextNonSpace(source, 0)
  const after = nextNonSpace(source, root.end)
  if (first < root.start) converter.fail(`unexpected \`${tokenAt(source, first)}\``, first)
  if (after < source.length) converter.fail(`unexpected \`${tokenAt(source, after)}\`: a rule is a single expression`, after)
  return root
}
