/**
 * Concrete evaluation: a rule against one document (a `doc(id)` read, update or delete, where the stored
 * document is loaded, and every create). A plain recursive interpreter over the parsed tree: no `eval`, no
 * `Function`, no property of a value is read but through `ruleMember` (values.ts).
 */
import type { RuleExpression, RuleNode } from './ast'
import { RuleReads, type Doc, type DocumentReader } from './reads'
import type { RuleScope } from './scope'
import { MISSING, ruleConcat, ruleEquals, ruleIn, ruleMember, ruleOrder, ruleTemplate } from './values'

interface Evaluation {
  readonly scope: RuleScope
  readonly get: (path: unknown) => Doc | null
}

function globalValue(scope: RuleScope, name: string): unknown {
  switch (name) {
    case 'auth':
      return scope.auth
    case 'doc':
      return scope.doc
    case 'request':
      return scope.request ?? MISSING
    case 'now':
      return scope.now
    default:
      return scope.resource ?? MISSING
  }
}

/**
 * `&&`, `||` and `!` work on "is exactly `true`": any other value counts as false, as it does for the
 * rule's result. `!doc.missing` is true as in JavaScript; `!'yes'` is true too, where JavaScript says false.
 */
function value(node: RuleNode, run: Evaluation): unknown {
  switch (node.type) {
    case 'literal':
      return node.value
    case 'array':
      return node.elements.map((element) => value(element, run))
    case 'global':
      return globalValue(run.scope, node.name)
    case 'member':
      return ruleMember(value(node.object, run), value(node.property, run))
    case 'not':
      return value(node.argument, run) !== true
    case 'logical':
      if (node.operator === '&&') return value(node.left, run) === true && value(node.right, run) === true
      return value(node.left, run) === true || value(node.right, run) === true
    case 'compare': {
      const left = value(node.left, run)
      const right = value(node.right, run)
      if (node.operator === '==') return ruleEquals(left, right)
      if (node.operator === '!=') return !ruleEquals(left, right)
      return ruleOrder(left, node.operator, right)
    }
    case 'in':
      return ruleIn(value(node.left, run), value(node.right, run))
    case 'concat':
      return ruleConcat(value(node.left, run), value(node.right, run))
    case 'template':
      return ruleTemplate(
        node.quasis,
        node.expressions.map((expression) => value(expression, run)),
      )
    case 'get':
      return run.get(value(node.path, run))
  }
}

/**
 * Does the rule allow this? True only when the expression's value is exactly `true`.
 *
 * @param reads where `get()` reads: a reader, or the `RuleReads` of the request when it evaluates the
 *   rule more than once (they share CloudBase's 10-document limit).
 * @throws RuleLimitError when `get()` is called a 4th time or would read an 11th document.
 */
export function evaluateRule(expression: RuleExpression, scope: RuleScope, reads: DocumentReader | RuleReads): boolean {
  const shared = reads instanceof RuleReads ? reads : new RuleReads(reads)
  return value(expression.root, { scope, get: shared.evaluation() }) === true
}
