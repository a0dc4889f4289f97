/**
 * Why a query was denied, in words a developer can act on: the part of the rule the query does not prove,
 * what the query would need to hold, and what it allows now.
 */
import { textOf, type ComparisonOperator, type RuleExpression, type RuleNode } from './ast'
import type { AbstractRun } from './abstract-eval'
import { flipped, truth, type Tri } from './domain'
import { showAllowed, showValue } from './show'

const NEGATED: Record<ComparisonOperator, ComparisonOperator> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' }

function childrenOf(node: RuleNode): readonly RuleNode[] {
  switch (node.type) {
    case 'array':
      return node.elements
    case 'member':
      return [node.object, node.property]
    case 'not':
      return [node.argument]
    case 'compare':
    case 'in':
    case 'concat':
    case 'logical':
      return [node.left, node.right]
    case 'template':
      return node.expressions
    case 'get':
      return [node.path]
    default:
      return []
  }
}

function subtree(node: RuleNode): RuleNode[] {
  return [node, ...childrenOf(node).flatMap(subtree)]
}

/** `auth.openid` and `auth.uid` read as "the caller's ...", with the placeholder a query uses for them. */
function identity(node: RuleNode): { words: string; placeholder: string } | undefined {
  if (node.type !== 'member' || node.object.type !== 'global' || node.object.name !== 'auth' || node.property.type !== 'literal') return undefined
  if (node.property.value === 'openid') return { words: "the caller's openid", placeholder: "'{openid}'" }
  if (node.property.value === 'uid') return { words: "the caller's uid", placeholder: "'{uid}'" }
  return undefined
}

/** Rule text in a message: in backticks, or in double quotes when it has backticks of its own (templates). */
const quote = (text: string): string => (text.includes('`') ? `"${text}"` : `\`${text}\``)

/** A path as a key of `where({ ... })`. */
const asKey = (path: string): string => (/^[A-Za-z_$][\w$]*$/.test(path) ? path : `'${path}'`)

class Explainer {
  constructor(
    private readonly expression: RuleExpression,
    private readonly run: AbstractRun,
  ) {}

  private text(node: RuleNode): string {
    return textOf(this.expression, node)
  }

  private truthOf(node: RuleNode): Tri {
    const value = this.run.results.get(node)
    return value && truth(value)
  }

  private allowed(node: RuleNode): string {
    return showAllowed(this.run.docPaths.get(node)!, this.run.results.get(node)!)
  }

  /** What the query must establish for `node` to be `want` in every document. */
  requirement(node: RuleNode, want: boolean): string {
    switch (node.type) {
      case 'logical': {
        // `&&` made true, or `||` made false, needs both sides; the first that falls short is the news.
        if ((node.operator === '&&') === want) {
          const short = [node.left, node.right].find((side) => this.truthOf(side) !== want)!
          return this.requirement(short, want)
        }
        return `either ${this.requirement(node.left, want)}, or ${this.requirement(node.right, want)}`
      }
      case 'not':
        return this.requirement(node.argument, !want)
      case 'compare':
        return this.comparison(node, want)
      case 'in':
        return this.membership(node, want)
      default:
        return this.generic(node, want)
    }
  }

  private comparison(node: Extract<RuleNode, { type: 'compare' }>, want: boolean): string {
    const wanted = want ? node.operator : NEGATED[node.operator]
    const docOnLeft = this.run.docPaths.has(node.left)
    const field = docOnLeft ? node.left : node.right
    const other = docOnLeft ? node.right : node.left
    const path = this.run.docPaths.get(field)
    const value = this.run.results.get(other)
    if (path === undefined || value?.kind !== 'values' || value.values.length !== 1) return this.generic(node, want)
    if (this.run.scope.auth === null && subtree(other).some((part) => part.type === 'global' && part.name === 'auth')) {
      return `a signed-in caller (\`auth\` is null, so ${quote(this.text(other))} is missing)`
    }
    const op = docOnLeft ? wanted : flipped(wanted)
    const id = identity(other)
    const target = id ? id.words : showValue(value.values[0])
    if (op === '==') {
      const example = `where({ ${asKey(path)}: ${id ? id.placeholder : showValue(value.values[0])} })`
      return `the query to hold \`${path}\` equal to ${target} (\`${example}\`); ${this.allowed(field)}`
    }
    return `\`${path}\` ${op} ${target} for every document; ${this.allowed(field)}`
  }

  private membership(node: Extract<RuleNode, { type: 'in' }>, want: boolean): string {
    const list = this.run.results.get(node.right)
    const path = this.run.docPaths.get(node.left)
    if (path !== undefined && list?.kind === 'values' && list.values.length === 1 && Array.isArray(list.values[0])) {
      const items = showValue(list.values[0])
      const example = `where({ ${asKey(path)}: _.${want ? 'in' : 'nin'}(${items}) })`
      return `\`${path}\` to be ${want ? 'one' : 'none'} of ${items} for every document (\`${example}\`); ${this.allowed(node.left)}`
    }
    const container = this.run.docPaths.get(node.right)
    if (container !== undefined && want) {
      return `\`${container}\` to be an array holding ${quote(this.text(node.left))} in every document; ${this.allowed(node.right)}`
    }
    return this.generic(node, want)
  }

  private generic(node: RuleNode, want: boolean): string {
    const get = subtree(node).find((part) => this.run.unpinned.has(part))
    if (get?.type === 'get') {
      const field = subtree(get.path).find((part) => this.run.docPaths.has(part))
      if (field) {
        const path = this.run.docPaths.get(field)!
        return `the query to pin \`${path}\` to one value (\`==\`, or \`$in\` of one element): the get() path ${quote(this.text(get.path))} reads \`doc.${path}\`; ${this.allowed(field)}`
      }
      return `the get() path ${quote(this.text(get.path))} to be one known string`
    }
    return `${quote(this.text(node))} to be ${want} for every document the query can match`
  }
}

/** The denial message for one branch of a query (`index` of `count`) the rule could not be proven for. */
export function explainDenial(expression: RuleExpression, run: AbstractRun, index: number, count: number): string {
  const need = new Explainer(expression, run).requirement(expression.root, true)
  const where = count > 1 ? ` (in branch ${index + 1} of ${count} of the query's \`$or\`)` : ''
  return `the rule ${quote(expression.source)} needs ${need}${where}`
}
