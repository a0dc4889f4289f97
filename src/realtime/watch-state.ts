/**
 * One watch's state, as a pure function of the frames it receives (no socket, no timers): the result so
 * far, the last event applied, and the snapshots each INIT_EVENT or NEXT_EVENT produces.
 *
 * Events apply in ID order, each exactly once: an ID already applied is a duplicate and is dropped; an
 * ID further than the next one reveals a gap, so the events after it wait while the caller asks the
 * server for the missing ones (REBUILD_WATCH). One snapshot per event ID, as the official client does.
 */
import { decodeValue } from '../protocol/codec'
import type { OrderSpec } from '../protocol/database'
import type { CloudError } from '../protocol/errors'
import type { DocChange, EventsData, ServerEvent, Snapshot } from '../protocol/realtime'
import { isArray, isObjectLike, keysOf } from '../internal/is'
import { DocSet, toArray, type Doc, type Version } from './doc-set'
import { realtimeError } from './errors'

/** What a NEXT_EVENT led to: snapshots to deliver, and whether events are missing. */
export interface NextResult {
  snapshots: Snapshot<Doc>[]
  gap: boolean
}

function invalid(detail: string): CloudError {
  return realtimeError('RECEIVE_INVALID_SERVER_DATA', detail)
}

function parse(text: string | undefined, what: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    throw invalid(`${what} is not JSON: ${String(text).slice(0, 80)}`)
  }
}

/** A copy of `doc` with `path` set to `value` (or removed when `remove`), copying only the objects on the path. */
function withPath(doc: unknown, parts: string[], i: number, value: unknown, remove: boolean): unknown {
  const container: Record<string, unknown> = isArray(doc) ? (doc.slice() as unknown as Record<string, unknown>) : Object.assign({}, isObjectLike(doc) ? doc : {})
  const part = parts[i]!
  if (i === parts.length - 1) {
    if (remove) delete container[part]
    else container[part] = value
  } else {
    container[part] = withPath(container[part], parts, i + 1, value, remove)
  }
  return container
}

/**
 * A snapshot whose `docs` array is built from its version of the result on first read. A class, not a
 * per-snapshot getter: one shape for every snapshot keeps a change's cost flat (bench/watch.ts).
 */
class LazySnapshot implements Snapshot<Doc> {
  readonly type: 'init' | undefined
  private _docs: Doc[] | undefined

  constructor(
    readonly id: number,
    readonly docChanges: DocChange<Doc>[],
    private readonly _version: Version,
    readonly msgType: 'INIT_EVENT' | 'NEXT_EVENT',
    init: boolean,
  ) {
    this.type = init ? 'init' : undefined
  }

  get docs(): Doc[] {
    return this._docs || (this._docs = toArray(this._version))
  }

  /** What `JSON.stringify` (and wx's `setData`) sees: the snapshot as wx's plain object. */
  toJSON(): Snapshot<Doc> {
    return { id: this.id, docChanges: this.docChanges, docs: this.docs, type: this.type, msgType: this.msgType }
  }
}

export class WatchState {
  /** The server's id for this watch, once INIT_EVENT arrived. */
  queryID: string | undefined
  /** The ID of the last event applied. */
  current = 0
  private readonly docs: DocSet
  /** Events that arrived after a gap, by ID, until the missing ones come. */
  private waiting: ServerEvent[] = []

  constructor(order: OrderSpec[] = []) {
    this.docs = new DocSet(order)
  }

  /**
   * INIT_EVENT: the whole result. The first one is the `type: 'init'` snapshot; a later one (the server
   * lost the watch and it was started again) replaces the result and reports what differs from before.
   */
  init(data: EventsData): Snapshot<Doc> {
    const first = this.queryID === undefined
    const id = data.currEvent
    const before = new Set(this.docs.ids())
    const changes: DocChange<Doc>[] = []
    for (const event of data.events) {
      const doc = this.parseDoc(event)
      if (!doc) throw invalid(`init event for ${event.DocID} has no document`)
      const had = this.docs.get(event.DocID)
      before.delete(event.DocID)
      this.docs.set(event.DocID, doc)
      if (first) changes.push({ id, dataType: 'init', queueType: 'init', docId: event.DocID, doc })
      else if (!had) changes.push({ id, dataType: 'add', queueType: 'enqueue', docId: event.DocID, doc })
      else if (JSON.stringify(had) !== JSON.stringify(doc)) changes.push({ id, dataType: 'replace', queueType: 'update', docId: event.DocID, doc })
    }
    for (const docId of before) {
      changes.push({ id, dataType: 'remove', queueType: 'dequeue', docId, doc: this.docs.get(docId)! })
      this.docs.delete(docId)
    }
    this.queryID = data.queryID
    this.current = id
    this.waiting = []
    return new LazySnapshot(id, changes, this.docs.version(), 'INIT_EVENT', first)
  }

  /** NEXT_EVENT (a push, or the answer to REBUILD_WATCH). */
  next(data: EventsData): NextResult {
    // A frame carries every event of the IDs it has: those replace copies waiting from an earlier frame.
    const incoming = data.events.filter((e) => e.ID > this.current)
    const ids = incoming.map((e) => e.ID)
    const events = this.waiting.filter((e) => ids.indexOf(e.ID) < 0).concat(incoming).sort((a, b) => a.ID - b.ID)
    const snapshots: Snapshot<Doc>[] = []
    let i = 0
    while (i < events.length && events[i]!.ID <= this.current + 1) {
      const id = events[i]!.ID
      if (id <= this.current) {
        i++ // the same event, received twice (a push and a rebuild)
        continue
      }
      const changes: DocChange<Doc>[] = []
      for (; i < events.length && events[i]!.ID === id; i++) changes.push(this.apply(events[i]!))
      this.current = id
      snapshots.push(new LazySnapshot(id, changes, this.docs.version(), 'NEXT_EVENT', false))
    }
    this.waiting = events.slice(i)
    return { snapshots, gap: this.waiting.length > 0 }
  }

  /** CHECK_EVENT: true when the server has events this watch has not applied. */
  behind(currEvent: number): boolean {
    return currEvent > this.current
  }

  private parseDoc(event: ServerEvent): Doc | undefined {
    if (!event.Doc || event.Doc === '{}') return undefined
    const doc = decodeValue(parse(event.Doc, `Doc of ${event.DocID}`))
    if (!isObjectLike(doc)) throw invalid(`Doc of ${event.DocID} is not an object`)
    return doc
  }

  private apply(event: ServerEvent): DocChange<Doc> {
    const { ID: id, DataType: dataType, QueueType: queueType, DocID: docId } = event
    const known = this.docs.get(docId)
    const change: DocChange<Doc> = { id, dataType, queueType, docId, doc: known as Doc }
    let doc = this.parseDoc(event)
    if (dataType === 'update') {
      const updated = event.UpdatedFields ? decodeValue(parse(event.UpdatedFields, 'UpdatedFields')) : {}
      const removed = event.removedFields ? parse(event.removedFields, 'removedFields') : []
      if (!isObjectLike(updated) || !isArray(removed)) throw invalid(`update of ${docId} has malformed fields`)
      change.updatedFields = updated
      change.removedFields = removed as string[]
      if (!doc && known) {
        // Only the changed paths came: apply them to a copy, sharing everything they do not touch.
        let next: unknown = known
        for (const path of keysOf(updated)) next = withPath(next, path.split('.'), 0, updated[path], false)
        for (const path of removed) next = withPath(next, String(path).split('.'), 0, undefined, true)
        doc = next as Doc
      }
    }
    if (queueType === 'dequeue') {
      if (doc) change.doc = doc
      this.docs.delete(docId)
    } else {
      if (!doc) throw invalid(`${dataType}/${queueType} event for ${docId} has no document`)
      change.doc = doc
      this.docs.set(docId, doc)
    }
    if (!change.doc) throw invalid(`${dataType}/${queueType} event for unknown document ${docId}`)
    return change
  }
}
