/**
 * The `data` of a database trigger's event (reference cloudbase-backend.md §3c): `{ docId, doc, dataType,
 * updatedFields, RemovedFields }`, with CloudBase's odd capital R. Documents are plain JSON in the
 * database's wire form, as the database itself and a watch hand them out: a Date is `{ "$date": <epoch ms> }`
 * (no SDK decodes an event: a function reads `new Date(doc.createdAt.$date)`).
 */
import { encodeWire } from '../query/values'
import type { Doc } from '../store/store'
import type { DatabaseEventType } from './database-config'

export interface DatabaseChangeData {
  docId: string
  /** The inserted document, the updated one (after the update), the deleted one (before the delete). */
  doc: Record<string, unknown>
  dataType: DatabaseEventType
  /** For an update, each changed field's dot path and its new value; null when none (and for insert, delete). */
  updatedFields: Record<string, unknown> | null
  /** For an update, the dot paths of the fields it removed; null when none (and for insert, delete). */
  RemovedFields: string[] | null
}

const plain = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp)
const same = (a: unknown, b: unknown) => a === b || JSON.stringify(encodeWire(a)) === JSON.stringify(encodeWire(b))

/** The differences of two versions of a document as dot paths: objects are walked into, any other value (an array too) compared whole. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>, prefix: string, updated: Record<string, unknown>, removed: string[]): void {
  for (const key of Object.keys(after)) {
    const a = before[key]
    const b = after[key]
    if (plain(a) && plain(b)) diff(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`, updated, removed)
    else if (!(key in before) || !same(a, b)) updated[prefix + key] = encodeWire(b)
  }
  for (const key of Object.keys(before)) if (!(key in after)) removed.push(prefix + key)
}

/** The event's data for one change; undefined for an update that changed nothing (no event, as for a watch). */
export function changeData(kind: DatabaseEventType, docId: string, doc: Doc, before: Doc | undefined, after: Doc | null): DatabaseChangeData | undefined {
  let updatedFields: Record<string, unknown> | null = null
  let RemovedFields: string[] | null = null
  if (kind === 'update') {
    const updated: Record<string, unknown> = {}
    const removed: string[] = []
    diff(before!, after!, '', updated, removed)
    if (!Object.keys(updated).length && !removed.length) return undefined
    if (Object.keys(updated).length) updatedFields = updated
    if (removed.length) RemovedFields = removed
  }
  return { docId, doc: encodeWire(doc) as Record<string, unknown>, dataType: kind, updatedFields, RemovedFields }
}
