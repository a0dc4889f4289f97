/**
 * `get('database.<collection>.<id>')`: the rule language's one function, and CloudBase's limits on it:
 * at most 3 calls in one evaluation, at most 10 distinct documents in one request (an `$or` query is
 * evaluated once per branch, and the branches share the 10), nesting at most 2 deep (checked when the rule
 * is parsed).
 */
import { RuleLimitError } from './errors'

/** A document as the store holds it. */
export type Doc = Readonly<Record<string, unknown>>

/** Reads one document for `get()`: undefined when it does not exist. */
export type DocumentReader = (collection: string, id: string) => Doc | undefined

/** `get()` calls in one evaluation. */
export const MAX_GET_CALLS = 3
/** Distinct documents `get()` reads in one request. */
export const MAX_GET_DOCUMENTS = 10
/** `get(get(path))`, no deeper. */
export const MAX_GET_DEPTH = 2

/** `database.<collection>.<id>`: the collection has no dot, the id is the rest (custom ids may have dots). */
const PATH = /^database\.([^.]+)\.(.+)$/s

/** The collection and id a `get()` path names, or undefined when it is not such a path. */
export function parseGetPath(path: unknown): { collection: string; id: string } | undefined {
  const match = typeof path === 'string' ? PATH.exec(path) : null
  return match ? { collection: match[1]!, id: match[2]! } : undefined
}

/**
 * The documents one request's rule evaluations have read: each is read once (the evaluations of a
 * request see one version of it, and CloudBase caches the same way) and there are at most 10.
 */
export class RuleReads {
  private readonly documents = new Map<string, Doc | null>()

  constructor(private readonly reader: DocumentReader) {}

  /** The paths read so far (`database.<collection>.<id>`), in the order first read: for the request's log. */
  paths(): string[] {
    return [...this.documents.keys()].map((key) => `database.${key.replace('\u0000', '.')}`)
  }

  /** The document at `path`, or null when it does not exist or `path` is not a `database.` path. */
  read(path: unknown): Doc | null {
    const target = parseGetPath(path)
    if (!target) return null
    const key = `${target.collection}\u0000${target.id}`
    const known = this.documents.get(key)
    if (known !== undefined) return known
    if (this.documents.size >= MAX_GET_DOCUMENTS) {
      throw new RuleLimitError(
        `the rule reads an ${MAX_GET_DOCUMENTS + 1}th document with get() (database.${target.collection}.${target.id}); a request may read at most ${MAX_GET_DOCUMENTS}`,
      )
    }
    const document = this.reader(target.collection, target.id) ?? null
    this.documents.set(key, document)
    return document
  }

  /** A `get()` for one evaluation: counts its calls, and refuses a 4th. */
  evaluation(): (path: unknown) => Doc | null {
    let calls = 0
    return (path) => {
      if (++calls > MAX_GET_CALLS) {
        throw new RuleLimitError(`the rule calls get() ${calls} times in one evaluation; CloudBase allows at most ${MAX_GET_CALLS}`)
      }
      return this.read(path)
    }
  }
}
