/**
 * One watched query (reference §6): its current members, the events it has produced (kept for
 * REBUILD_WATCH), and how a committed change turns into events.
 *
 * This first version serves filters without `orderBy`/`limit` windows: a change can add a document to
 * the result (`add`/`enqueue`), remove one (`remove`/`dequeue`) or change a member (`update`/`update` with
 * `UpdatedFields` and `removedFields`). Watches with a window are refused with a clear error for now.
 */
import { matches } from '../query/engine'
import type { Change, Doc } from '../store/store'
import { encodeWire } from '../query/values'

/** CloudBase refuses to watch more documents than this (reference §6). */
export const MAX_WATCHED = 5000
/** Events kept per watch for REBUILD_WATCH. */
export const HISTORY = 1000

/** An event as the client parses it (the lower-case `removedFields` is what js-sdk reads). */
export interface WatchEvent {
  ID: number
  DataType: 'init' | 'add' | 'update' | 'replace' | 'remove'
  QueueType: 'init' | 'enqueue' | 'update' | 'dequeue'
  DocID: string
  Doc: string
  UpdatedFields?: string
  removedFields?: string
}

const json = (doc: Doc) => JSON.stringify(encodeWire(doc))

/** Top-level and nested differences of two versions of a document, as dot paths. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>, prefix = '', updated: Record<string, unknown> = {}, removed: string[] = []) {
  for (const key of Object.keys(after)) {
    const a = before[key]
    const b = after[key]
    const path = prefix + key
    const plain = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp)
    if (plain(a) && plain(b)) diff(a as Record<string, unknown>, b as Record<string, unknown>, path + '.', updated, removed)
    else if (JSON.stringify(encodeWire(a === undefined ? null : a)) !== JSON.stringify(encodeWire(b === undefined ? null : b)) || !(key in before)) {
      updated[path] = encodeWire(b)
    }
  }
  for (const key of Object.keys(before)) if (!(key in after)) removed.push(prefix + key)
  return { updated, removed }
}

export class Watch {
  readonly queryID: string
  private readonly members = new Set<string>()
  private readonly history: WatchEvent[] = []
  currEvent = 0

  constructor(
    readonly collection: string,
    private readonly filter: Record<string, unknown>,
    initial: Doc[],
    queryID: string,
  ) {
    this.queryID = queryID
    for (const doc of initial) this.members.add(doc._id)
  }

  /** The INIT_EVENT events of the initial result. */
  static initEvents(docs: Doc[]): WatchEvent[] {
    return docs.map((doc) => ({ ID: 0, DataType: 'init', QueueType: 'init', DocID: doc._id, Doc: json(doc) }))
  }

  /** The events a committed change causes for this watch (none when it does not concern it). */
  apply(change: Change): WatchEvent[] {
    if (change.collection !== this.collection) return []
    const was = this.members.has(change.id)
    const is = !!change.after && matches(change.after, this.filter)
    let event: Omit<WatchEvent, 'ID'> | undefined
    if (!was && is) {
      this.members.add(change.id)
      event = { DataType: 'add', QueueType: 'enqueue', DocID: change.id, Doc: json(change.after!) }
    } else if (was && !is) {
      this.members.delete(change.id)
      event = { DataType: 'remove', QueueType: 'dequeue', DocID: change.id, Doc: '' }
    } else if (was && is && change.before) {
      const { updated, removed } = diff(change.before, change.after!)
      if (!Object.keys(updated).length && !removed.length) return []
      event = { DataType: 'update', QueueType: 'update', DocID: change.id, Doc: json(change.after!), UpdatedFields: JSON.stringify(updated), removedFields: JSON.stringify(removed) }
    }
    if (!event) return []
    const full = Object.assign({ ID: ++this.currEvent }, event) as WatchEvent
    this.history.push(full)
    if (this.history.length > HISTORY) this.history.shift()
    return [full]
  }

  /** Events after `eventID`, or undefined when history no longer reaches back that far. */
  since(eventID: number): WatchEvent[] | undefined {
    const missing = this.currEvent - eventID
    if (missing <= 0) return []
    if (missing > this.history.length) return undefined
    return this.history.slice(this.history.length - missing)
  }
}
