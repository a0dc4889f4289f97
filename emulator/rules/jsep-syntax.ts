/**
 * jsep, set up for the rule language: `in` as a binary operator, template literals (jsep 1.6 ships none
 * and `@jsep-plugin/template` is not installed, so they are parsed here), and every token marked with its
 * place in the text (`start`, `end`), which jsep does not record and the rule errors quote.
 *
 * jsep's settings are process-wide, so this only adds: `in` and template literals (not JavaScript
 * expressions jsep could parse before) and position fields on its nodes. What the rule language refuses
 * (arithmetic, calls, `this`, ...) stays parseable here and is refused while converting the tree
 * (convert.ts), with a message about the construct instead of jsep's "Unexpected".
 */
import jsep from 'jsep'

/** A jsep node with the positions this module adds. */
export type MarkedNode = jsep.Expression & { start?: number; end?: number }

const PERIOD = 46
const SQUOTE = 39
const DQUOTE = 34
const OPAREN = 40
const CPAREN = 41
const OBRACK = 91
const CBRACK = 93
const QUMARK = 63
const BACKTICK = 96
const CBRACE = 125

/** jsep's own test (static on the parser, missing from its typings), so identifiers stay exactly jsep's. */
const isIdentifierStart = (jsep as unknown as { isIdentifierStart(code: number): boolean }).isIdentifierStart

/** Escapes in template literals, as jsep reads them in quoted strings (an unknown escape is the character). */
const ESCAPES = new Map([
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['b', '\b'],
  ['f', '\f'],
  ['v', '\v'],
])

function mark(node: MarkedNode, start: number, end: number): MarkedNode {
  node.start = start
  node.end = end
  return node
}

/** `` `a${b}c` `` as a TemplateLiteral node (the shape `@jsep-plugin/template` produces). */
function gobbleTemplate(scope: jsep.HookScope): MarkedNode {
  scope.index++
  const quasis: jsep.Expression[] = []
  const expressions: jsep.Expression[] = []
  let cooked = ''
  const quasi = (tail: boolean): void => {
    quasis.push({ type: 'TemplateElement', value: { cooked }, tail })
    cooked = ''
  }
  while (scope.index < scope.expr.length) {
    const char = scope.expr.charAt(scope.index++)
    if (char === '`') {
      quasi(true)
      return { type: 'TemplateLiteral', quasis, expressions }
    }
    if (char === '$' && scope.expr.charAt(scope.index) === '{') {
      scope.index++
      quasi(false)
      const expression = scope.gobbleExpression()
      if (!expression) scope.throwError('expected an expression inside `${}`')
      scope.gobbleSpaces()
      if (scope.code !== CBRACE) scope.throwError('expected `}` to close `${` in the template literal')
      scope.index++
      expressions.push(expression)
    } else if (char === '\\') {
      const escaped = scope.expr.charAt(scope.index++)
      cooked += ESCAPES.get(escaped) ?? escaped
    } else {
      cooked += char
    }
  }
  return scope.throwError('unclosed template literal: expected a closing backtick')
}

/** An identifier, or the literal or `this` it names, as jsep's own token parser makes them. */
function gobbleName(scope: jsep.HookScope): MarkedNode {
  const identifier = scope.gobbleIdentifier() as jsep.Identifier
  if (Object.prototype.hasOwnProperty.call(jsep.literals, identifier.name)) {
    return { type: 'Literal', value: jsep.literals[identifier.name], raw: identifier.name }
  }
  return identifier.name === jsep.this_str ? { type: 'ThisExpression' } : identifier
}

/**
 * `.name`, `[expr]`, `(args)` and `?.` after a token: jsep's loop (gobbleTokenProperty), marking each
 * step, so `a.b.__proto__` can be refused at `__proto__` and `x.y()` at `y`.
 */
function gobbleProperties(scope: jsep.HookScope, base: MarkedNode, start: number): MarkedNode {
  let node = mark(base, start, scope.index)
  scope.gobbleSpaces()
  for (;;) {
    let code = scope.code
    let optional = false
    if (code === QUMARK) {
      if (scope.expr.charCodeAt(scope.index + 1) !== PERIOD) break
      optional = true
      scope.index += 2
      scope.gobbleSpaces()
      code = scope.code
    }
    if (code === OBRACK) {
      scope.index++
      const property = scope.gobbleExpression()
      if (!property) scope.throwError(`Unexpected "${scope.char}"`)
      scope.gobbleSpaces()
      if (scope.code !== CBRACK) scope.throwError('Unclosed [')
      scope.index++
      node = { type: 'MemberExpression', computed: true, object: node, property }
    } else if (code === OPAREN) {
      scope.index++
      const args = scope.gobbleArguments(CPAREN) as unknown as jsep.Expression[]
      node = { type: 'CallExpression', arguments: args, callee: node }
    } else if (code === PERIOD || optional) {
      if (!optional) {
        scope.index++
        scope.gobbleSpaces()
      }
      const propertyStart = scope.index
      const property = mark(scope.gobbleIdentifier() as MarkedNode, propertyStart, scope.index)
      node = { type: 'MemberExpression', computed: false, object: node, property }
    } else {
      break
    }
    if (optional) node.optional = true
    mark(node, start, scope.index)
    scope.gobbleSpaces()
  }
  return node
}

/**
 * The `gobble-token` hook: every token but unary operators (which jsep parses, calling back here for
 * their operand). A token that is a group `( ... )` marks the node inside with the group's span.
 */
function gobbleToken(this: jsep.HookScope, env: { node?: jsep.Expression }): void {
  const start = this.index
  const code = this.code
  let node: MarkedNode
  if ((code >= 48 && code <= 57) || code === PERIOD) {
    if (this.expr.startsWith('...', start)) this.throwError('spread `...` is not allowed')
    // Numbers take no properties, as in jsep.
    env.node = mark(this.gobbleNumericLiteral() as MarkedNode, start, this.index)
    return
  }
  if (code === BACKTICK) node = gobbleTemplate(this)
  else if (code === SQUOTE || code === DQUOTE) node = this.gobbleStringLiteral() as MarkedNode
  else if (code === OBRACK) node = this.gobbleArray() as MarkedNode
  else if (code === OPAREN) {
    const group = this.gobbleGroup() as MarkedNode | false
    if (!group) {
      this.index = start
      this.throwError('empty parentheses `()`')
    }
    node = group
  } else if (isIdentifierStart(code)) node = gobbleName(this)
  else return
  env.node = gobbleProperties(this, node, start)
}

/** jsep with the rule syntax. Idempotent: the plugin registers once and `in` is set to the same precedence. */
export function ruleParser(): (source: string) => jsep.Expression {
  // `in` binds like `<`, as in JavaScript: `a in b == true` is `(a in b) == true`.
  jsep.addBinaryOp('in', 7)
  jsep.plugins.register({
    name: 'mpcloud-security-rules',
    init: () => jsep.hooks.add('gobble-token', gobbleToken),
  })
  return jsep
}
