/**
 * The documents of a watched result, in order, as a persistent treap: a change copies the O(log n) nodes
 * on one path and shares the rest, so every snapshot keeps its own version of the result without a copy
 * of the whole set, and its `docs` array is only built when someone reads it.
 *
 * Order: by the watch's `orderBy` fields (MongoDB's order of types), then by arrival; without `orderBy`,
 * by arrival alone (the server's order for the first result, then appended as the official client does).
 */
import type { OrderSpec } from '../protocol/database'
import { isArray, isDate, isObjectLike } from '../internal/is'

export type Doc = Record<string, unknown>

interface Key {
  values: unknown[]
  seq: number
}

/** An immutable tree node; `prio` keeps the tree balanced in expectation. */
interface Node {
  key: Key
  doc: Doc
  prio: number
  left: Node | undefined
  right: Node | undefined
}

/** One version of the result: hand it to {@link toArray} to list it. */
export type Version = Node | undefined

const node = (n: Node, left: Node | undefined, right: Node | undefined, doc = n.doc): Node => ({ key: n.key, doc, prio: n.prio, left, right })

/** MongoDB's sort order of types: null, numbers, strings, objects, arrays, booleans, dates. */
function rank(value: unknown): number {
  if (value === null || value === undefined) return 0
  if (typeof value === 'number') return 1
  if (typeof value === 'string') return 2
  if (isDate(value)) return 6
  if (typeof value === 'boolean') return 5
  if (isArray(value)) return 4
  return 3
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  const x = isDate(a) ? a.getTime() : ra === 3 || ra === 4 ? JSON.stringify(a) : a
  const y = isDate(b) ? b.getTime() : rb === 3 || rb === 4 ? JSON.stringify(b) : b
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0
}

function valueAt(doc: Doc, path: string): unknown {
  let value: unknown = doc
  for (const part of path.split('.')) value = isObjectLike(value) ? value[part] : undefined
  return value
}

export class DocSet {
  private root: Node | undefined
  private readonly index = new Map<string, { key: Key; doc: Doc }>()
  private seq = 0

  constructor(private readonly order: OrderSpec[] = []) {}

  private compare(a: Key, b: Key): number {
    for (let i = 0; i < this.order.length; i++) {
      const c = compareValues(a.values[i], b.values[i])
      if (c) return this.order[i]!.direction === 'desc' ? -c : c
    }
    return a.seq - b.seq
  }

  private insert(n: Node | undefined, item: Node): Node {
    if (!n) return item
    if (item.prio > n.prio) {
      const [left, right] = this.split(n, item.key)
      return node(item, left, right)
    }
    return this.compare(item.key, n.key) < 0 ? node(n, this.insert(n.left, item), n.right) : node(n, n.left, this.insert(n.right, item))
  }

  /** Splits into the nodes before `key` and the nodes after it. */
  private split(n: Node | undefined, key: Key): [Node | undefined, Node | undefined] {
    if (!n) return [undefined, undefined]
    if (this.compare(n.key, key) < 0) {
      const [left, right] = this.split(n.right, key)
      return [node(n, n.left, left), right]
    }
    const [left, right] = this.split(n.left, key)
    return [left, node(n, right, n.right)]
  }

  private remove(n: Node | undefined, key: Key): Node | undefined {
    if (!n) return undefined
    const c = this.compare(key, n.key)
    if (c < 0) return node(n, this.remove(n.left, key), n.right)
    if (c > 0) return node(n, n.left, this.remove(n.right, key))
    return merge(n.left, n.right)
  }

  private replace(n: Node, key: Key, doc: Doc): Node {
    const c = this.compare(key, n.key)
    return c < 0 ? node(n, this.replace(n.left!, key, doc), n.right) : c > 0 ? node(n, n.left, this.replace(n.right!, key, doc)) : node(n, n.left, n.right, doc)
  }

  get size(): number {
    return this.index.size
  }

  get(id: string): Doc | undefined {
    const entry = this.index.get(id)
    return entry && entry.doc
  }

  /** Adds or replaces the document `id`, moving it when its sort values changed. */
  set(id: string, doc: Doc): void {
    const values = this.order.map((o) => valueAt(doc, o.field))
    const entry = this.index.get(id)
    if (entry && this.compare({ values, seq: entry.key.seq }, entry.key) === 0) {
      this.root = this.replace(this.root!, entry.key, doc)
      entry.doc = doc
      return
    }
    const key = { values, seq: entry ? entry.key.seq : ++this.seq }
    if (entry) this.root = this.remove(this.root, entry.key)
    this.root = this.insert(this.root, { key, doc, prio: Math.random(), left: undefined, right: undefined })
    this.index.set(id, { key, doc })
  }

  delete(id: string): void {
    const entry = this.index.get(id)
    if (!entry) return
    this.root = this.remove(this.root, entry.key)
    this.index.delete(id)
  }

  ids(): string[] {
    return Array.from(this.index.keys())
  }

  /** The current version; later changes leave it as it is. */
  version(): Version {
    return this.root
  }
}

function merge(a: Node | undefined, b: Node | undefined): Node | undefined {
  if (!a) return b
  if (!b) return a
  return a.prio > b.prio ? node(a, a.left, merge(a.right, b)) : node(b, merge(a, b.left), b.right)
}

/** The documents of one version, in order. */
export function toArray(version: Version): Doc[] {
  const out: Doc[] = []
  // Iterative in-order walk: a deep (unlucky) tree must not overflow the stack.
  const stack: Node[] = []
  let n = version
  while (n || stack.length) {
    while (n) {
      stack.push(n)
      n = n.left
    }
    n = stack.pop()!
    out.push(n.doc)
    n = n.right
  }
  return out
}
