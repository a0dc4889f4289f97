/**
 * `parseRule`: a rule expression's text → its tree, or a RuleSyntaxError that says what is wrong and where.
 */
import type { RuleExpression } from './ast'
import { toRuleNode } from './convert'
import { RuleSyntaxError } from './errors'
import { ruleParser, type MarkedNode } from './jsep-syntax'

/** CloudBase's limit on one expression. */
export const MAX_RULE_LENGTH = 1024

/** jsep's errors: a message and the index it stopped at. */
interface JsepError {
  readonly index: number
  readonly description: string
}

function isJsepError(error: unknown): error is JsepError {
  return error instanceof Error && typeof (error as Partial<JsepError>).index === 'number' && typeof (error as Partial<JsepError>).description === 'string'
}

/** jsep stops at the first character it cannot read; for constructs a person would try, say which. */
function describe(error: JsepError, source: string): string {
  const rest = source.slice(error.index)
  if (rest.startsWith('=>')) return 'arrow functions are not allowed'
  if (rest.startsWith('=')) return 'assignment `=` is not allowed (compare with `==`)'
  if (rest.startsWith('{')) return 'object literals are not allowed'
  if (rest.startsWith('/')) return 'regular expressions are not allowed'
  return error.description
}

/**
 * Parses one rule expression (the value of `read`, `write`, ... in a collection's rule).
 *
 * @throws RuleSyntaxError for a syntax error, a construct outside the rule language, or more than 1024
 *   characters; `position` is the 0-based index of the offending part, `line` and `column` are 1-based.
 */
export function parseRule(source: string): RuleExpression {
  if (source.length > MAX_RULE_LENGTH) {
    throw new RuleSyntaxError(`the rule is ${source.length} characters long; CloudBase allows at most ${MAX_RULE_LENGTH}`, source, MAX_RULE_LENGTH)
  }
  let tree: MarkedNode
  try {
    tree = ruleParser()(source)
  } catch (error) {
    // jsep can stop one past the end (a backslash as the last character of a string).
    if (isJsepError(error)) throw new RuleSyntaxError(describe(error, source), source, Math.min(error.index, source.length))
    // 1024 characters of `(` or `!` nest deep, but not deep enough to overflow; say so if one ever does.
    if (error instanceof RangeError) throw new RuleSyntaxError('the rule is nested too deeply', source, 0)
    throw error
  }
  return { source, root: toRuleNode(tree, source) }
}
