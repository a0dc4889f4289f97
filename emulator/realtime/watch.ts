/**
 * One watched query (docs/protocol.md §6): its current members, the events it has produced (kept for
 * REBUILD_WATCH), and how a committed change turns into events.
 *
 * An insert adds a document to the result (`add`/`enqueue`), a delete removes one (`remove`/`dequeue`), an
 * update changes a member (`update`/`update`, with `UpdatedFields` and `removedFields`) or moves a document
 * in or out (`update`/`enqueue`, `update`/`dequeue`). With `orderBy` + `limit` the
 * result is a window: documents pushed out of it or pulled into it by someone else's change are
 * `limit`/`dequeue` and `limit`/`enqueue`, and an updated document crossing its edge is `update` with
 * `enqueue`/`dequeue`.
 */
import type { ServerEvent } from '../../src/protocol/realtime'
import { createMatcher } from '../query/engine'
import type { Change, Doc } from '../store/store'
import { encodeWire } from '../query/values'

/** CloudBase refuses to watch more documents than this (docs/protocol.md §15). */
export const MAX_WATCHED = 5000
/** Events kept per watch for REBUILD_WATCH (whole commits; at least this many events). */
export const HISTORY = 1000

/** An event as the client parses it (the lower-case `removedFields` is what js-sdk reads); `Doc` always sent. */
export interface WatchEvent extends ServerEvent {
  Doc: string
}

const json = (doc: Doc) => JSON.stringify(encodeWire(doc))

const plain = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp)

/** Top-level and nested differences of two versions of a document, as dot paths. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>, prefix = '', updated: Record<string, unknown> = {}, removed: string[] = []) {
  for (const key of Object.keys(after)) {
    const a = before[key]
    const b = after[key]
    const path = prefix + key
    if (plain(a) && plain(b)) diff(a as Record<string, unknown>, b as Record<string, unknown>, path + '.', updated, removed)
    // The same value (most fields of an update) needs no encoding to know it did not change.
    else if (!(key in before) || (a !== b && JSON.stringify(encodeWire(a === undefined ? null : a)) !== JSON.stringify(encodeWire(b === undefined ? null : b)))) {
      updated[path] = encodeWire(b)
    }
  }
  for (const key of Object.keys(before)) if (!(key in after)) removed.push(prefix + key)
  return { updated, removed }
}

export class Watch {
  readonly queryID: string
  private members = new Set<string>()
  private readonly history: WatchEvent[] = []
  private readonly matches: (doc: Doc) => boolean
  currEvent = 0

  /**
   * @param window for `orderBy` + `limit` watches: evaluates the current window (in order) after a commit.
   */
  constructor(
    readonly collection: string,
    filter: Record<string, unknown>,
    initial: Doc[],
    queryID: string,
    private readonly window?: () => Doc[],
  ) {
    this.queryID = queryID
    this.matches = createMatcher(filter)
    for (const doc of initial) this.members.add(doc._id)
  }

  private pending(event: Omit<WatchEvent, 'ID'>): WatchEvent {
    // The ID is stamped by applyAll: every event of one commit shares it, so a listener sees a commit whole.
    return Object.assign({ ID: 0 }, event) as WatchEvent
  }

  private updateEvent(change: Change, queue: WatchEvent['QueueType']): Omit<WatchEvent, 'ID'> | undefined {
    const { updated, removed } = diff(change.before!, change.after!)
    if (queue === 'update' && !Object.keys(updated).length && !removed.length) return undefined
    return { DataType: 'update', QueueType: queue, DocID: change.id, Doc: json(change.after!), UpdatedFields: JSON.stringify(updated), removedFields: JSON.stringify(removed) }
  }

  /** Window watches: compare the window before and after a commit's changes. */
  private applyWindow(changes: Change[]): WatchEvent[] {
    const next = this.window!()
    const nextIds = new Set(next.map((doc) => doc._id))
    const changed = new Map(changes.filter((c) => c.collection === this.collection).map((c) => [c.id, c]))
    const events: WatchEvent[] = []
    for (const id of this.members) {
      if (nextIds.has(id)) continue
      const change = changed.get(id)
      const gone = change && (!change.after || !this.matches(change.after))
      const event: Omit<WatchEvent, 'ID'> = gone
        ? { DataType: 'remove', QueueType: 'dequeue', DocID: id, Doc: '' }
        : change && change.before && change.after
          ? this.updateEvent(change, 'dequeue')!
          : { DataType: 'limit', QueueType: 'dequeue', DocID: id, Doc: '' }
      events.push(this.pending(event))
    }
    for (const doc of next) {
      const change = changed.get(doc._id)
      if (this.members.has(doc._id)) {
        const event = change && change.before && change.after ? this.updateEvent(change, 'update') : undefined
        if (event) events.push(this.pending(event))
        continue
      }
      const isNew = change && (!change.before || !this.matches(change.before))
      const event: Omit<WatchEvent, 'ID'> = isNew
        ? { DataType: 'add', QueueType: 'enqueue', DocID: doc._id, Doc: json(doc) }
        : change && change.before
          ? this.updateEvent(change, 'enqueue')!
          : { DataType: 'limit', QueueType: 'enqueue', DocID: doc._id, Doc: json(doc) }
      events.push(this.pending(event))
    }
    this.members = nextIds
    return events
  }

  /**
   * The events one commit causes for this watch (none when it does not concern it), all with the same
   * next event ID: the client applies them as one snapshot.
   */
  applyAll(changes: Change[]): WatchEvent[] {
    if (!changes.some((change) => change.collection === this.collection)) return []
    const events = this.window ? this.applyWindow(changes) : changes.flatMap((change) => this.apply(change))
    if (!events.length) return events
    this.currEvent++
    for (const event of events) event.ID = this.currEvent
    for (const event of events) this.history.push(event)
    // History is trimmed by whole commits, so a rebuild never gets half of one.
    while (this.history.length > HISTORY && this.history[0]!.ID !== this.currEvent) {
      const oldest = this.history[0]!.ID
      while (this.history.length && this.history[0]!.ID === oldest) this.history.shift()
    }
    return events
  }

  /** The INIT_EVENT events of the initial result. */
  static initEvents(docs: Doc[]): WatchEvent[] {
    return docs.map((doc) => ({ ID: 0, DataType: 'init', QueueType: 'init', DocID: doc._id, Doc: json(doc) }))
  }

  /** The events one change causes for a watch without a window. */
  private apply(change: Change): WatchEvent[] {
    if (change.collection !== this.collection) return []
    const was = this.members.has(change.id)
    const is = !!change.after && this.matches(change.after)
    let event: Omit<WatchEvent, 'ID'> | undefined
    // An update that moves a document into or out of the result is an update, enqueued or dequeued, as
    // CloudBase labels it (docs/protocol.md §6); only an insert is an add and only a delete a remove.
    if (!was && is) {
      this.members.add(change.id)
      event = change.before ? this.updateEvent(change, 'enqueue') : { DataType: 'add', QueueType: 'enqueue', DocID: change.id, Doc: json(change.after!) }
    } else if (was && !is) {
      this.members.delete(change.id)
      event = change.after ? this.updateEvent(change, 'dequeue') : { DataType: 'remove', QueueType: 'dequeue', DocID: change.id, Doc: '' }
    } else if (was && is && change.before) {
      event = this.updateEvent(change, 'update')
    }
    if (!event) return []
    return [this.pending(event)]
  }

  /** Events after `eventID`, or undefined when history no longer reaches back that far. */
  since(eventID: number): WatchEvent[] | undefined {
    if (eventID >= this.currEvent) return []
    const oldest = this.history.length ? this.history[0]!.ID : Infinity
    if (oldest > eventID + 1) return undefined
    return this.history.filter((event) => event.ID > eventID)
  }
}
