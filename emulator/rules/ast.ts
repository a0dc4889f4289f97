/**
 * The parsed form of a rule expression: a small tree of exactly the constructs the rule language has.
 * Every node keeps its place in the text (`start`, `end`: 0-based, end exclusive) so that messages can
 * quote the part of the rule they are about.
 */

/** The names a rule can read. `get` is not among them: it can only be called. */
export const RULE_GLOBALS = ['auth', 'doc', 'request', 'now', 'resource'] as const
/** One of RULE_GLOBALS. */
export type RuleGlobal = (typeof RULE_GLOBALS)[number]

/** The comparison operators (`in` is a node of its own). */
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>='

interface Span {
  readonly start: number
  readonly end: number
}

/** A node of a parsed rule. */
export type RuleNode = Span &
  (
    | { readonly type: 'literal'; readonly value: string | number | boolean | null | undefined }
    | { readonly type: 'array'; readonly elements: readonly RuleNode[] }
    | { readonly type: 'global'; readonly name: RuleGlobal }
    /** `a.b` (the property is a string literal node) and `a[b]`. */
    | { readonly type: 'member'; readonly object: RuleNode; readonly property: RuleNode }
    | { readonly type: 'not'; readonly argument: RuleNode }
    | { readonly type: 'compare'; readonly operator: ComparisonOperator; readonly left: RuleNode; readonly right: RuleNode }
    /** `value in array`. */
    | { readonly type: 'in'; readonly left: RuleNode; readonly right: RuleNode }
    /** `a + b`: string concatenation only (the language has no arithmetic). */
    | { readonly type: 'concat'; readonly left: RuleNode; readonly right: RuleNode }
    | { readonly type: 'logical'; readonly operator: '&&' | '||'; readonly left: RuleNode; readonly right: RuleNode }
    /** `` `a${b}c` ``: `quasis` has one more element than `expressions`. */
    | { readonly type: 'template'; readonly quasis: readonly string[]; readonly expressions: readonly RuleNode[] }
    /** `get(path)`: the only function. */
    | { readonly type: 'get'; readonly path: RuleNode }
  )

/** A parsed rule: its tree and the text it came from. */
export interface RuleExpression {
  readonly source: string
  readonly root: RuleNode
}

/** The text of `node` in its rule. */
export function textOf(expression: RuleExpression, node: RuleNode): string {
  return expression.source.slice(node.start, node.end)
}
