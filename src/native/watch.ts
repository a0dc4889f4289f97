/**
 * `watch()` over the host's own realtime client: the query is decoded as for `get()`, the host's
 * `watch({ onChange, onError })` is called, and its snapshots are normalised to what mpcloud's own watch
 * client delivers (docs/protocol.md §6; §14 item 6 lists what the official client gets wrong):
 * - documents, changed documents and updated fields as mpcloud values: Dates (also when the host leaves
 *   `{ $date }` in them, as the official client does) and mpcloud Geo values;
 * - `type: 'init'` on the first snapshot of every watch (the official client sets it only when the first
 *   result is empty);
 * - one `CloudError` to `onError`, once (the official client reports a server error twice), after which
 *   the host's listener is closed and nothing more is delivered.
 */
import { CloudError, invalidArgument, isCloudError } from '../protocol/errors'
import { REALTIME_PREFIX, realtimeErrorInfo, type DocChange, type RealtimeListener, type Snapshot, type WatchOptions, type WatchRequest, type WatchService } from '../protocol/realtime'
import { callListener } from '../internal/listener'
import { isArray, keysOf } from '../internal/is'
import { decodeQuery } from './decode'
import { failureOf, NativeFailure, textOf, unsupported } from './errors'
import type { HostDatabase, HostDifferences, HostFilteredQuery, HostListener, HostSnapshot, HostWatchOptions } from './host'
import type { HostDatabaseFactory } from './transport'
import { revive } from './values'

/**
 * A watch failure as the `CloudError` mpcloud's own watch client reports (`src/realtime/errors.ts`): the
 * host's realtime codes are kept; other failures become `INIT_WATCH_FAIL` (before the first snapshot) or
 * `SERVER_ERROR_MSG` (after), with the server's code and message as the detail; the native transport's
 * own failures (`SDK_ERROR`) stay as they are.
 */
export function watchError(api: string, reason: unknown, host: HostDifferences, initial: boolean): CloudError {
  if (isCloudError(reason)) return reason
  const { code, message } = failureOf(reason, host)
  const own = realtimeErrorInfo(code)
  if (own) return new CloudError(api, code, message, undefined, own)
  if (reason instanceof NativeFailure) return new CloudError(api, code, message)
  const name = REALTIME_PREFIX + (initial ? 'INIT_WATCH_FAIL' : 'SERVER_ERROR_MSG')
  return new CloudError(api, name, `${code}: ${message}`, undefined, realtimeErrorInfo(name))
}

function list(value: unknown): unknown[] {
  return isArray(value) ? value : []
}

/** One change as mpcloud's watch client gives it. */
function change(raw: any): DocChange<unknown> {
  const out: DocChange<unknown> = {
    id: raw.id,
    dataType: raw.dataType,
    queueType: raw.queueType,
    docId: raw.docId,
    doc: revive(raw.doc),
  }
  if (raw.updatedFields !== undefined) out.updatedFields = revive(raw.updatedFields) as Record<string, unknown>
  if (raw.removedFields !== undefined) out.removedFields = list(raw.removedFields) as string[]
  return out
}

/** A host snapshot as mpcloud's: revived documents, `type: 'init'` first. */
function normalise(snapshot: HostSnapshot, first: boolean): Snapshot<unknown> {
  if (!snapshot || typeof snapshot !== 'object') throw new NativeFailure('SDK_ERROR', `the host's watch delivered ${textOf(snapshot)} instead of a snapshot`)
  return {
    id: typeof snapshot.id === 'number' ? snapshot.id : 0,
    docChanges: list(snapshot.docChanges).map(change),
    docs: list(snapshot.docs).map(revive),
    type: first ? 'init' : undefined,
    msgType: first ? 'INIT_EVENT' : 'NEXT_EVENT',
  }
}

/** What to watch: `doc(id)` for a query on `_id` alone, else the decoded query with its order and window. */
function target(db: HostDatabase, host: HostDifferences, request: WatchRequest): { watch?(options: HostWatchOptions): HostListener } {
  const collection = db.collection(request.collectionName)
  const query = request.query || {}
  const id = query._id
  if (keysOf(query).length === 1 && (typeof id === 'string' || typeof id === 'number') && !request.order && !request.limit) {
    const doc = collection.doc(id)
    if (typeof doc.watch === 'function') return doc
  }
  let q: HostFilteredQuery = collection
  if (keysOf(query).length) q = collection.where(decodeQuery(query, { db, host }))
  for (const order of request.order || []) q = q.orderBy(order.field, order.direction)
  if (request.limit) q = q.limit(request.limit)
  return q
}

/**
 * A watch service over the host's realtime client, for `Platform.native()`: `database(env)` opens the
 * host's database (on first watch), `host` is its table of differences.
 */
export function createNativeWatch(database: HostDatabaseFactory, host: HostDifferences, env?: string): WatchService {
  let db: HostDatabase | undefined
  return function watch(api: string, request: WatchRequest, options: WatchOptions<unknown>): RealtimeListener {
    if (!options || typeof options.onChange !== 'function' || typeof options.onError !== 'function') {
      throw invalidArgument(api, 'takes { onChange(snapshot), onError(error) }, both functions')
    }
    let source: { watch?(options: HostWatchOptions): HostListener }
    try {
      db = db || database(env)
      source = target(db, host, request)
    } catch (error) {
      throw watchError(api, error, host, true)
    }
    if (typeof source.watch !== 'function') throw watchError(api, unsupported(`${host.name} has no realtime watch() on its database`), host, true)

    let first = true
    let ended = false
    let listener: HostListener | undefined

    function closeHost(): Promise<void> {
      const current = listener
      listener = undefined
      if (!current) return Promise.resolve()
      return Promise.resolve()
        .then(() => current.close())
        .then(
          () => undefined,
          (reason: unknown) => Promise.reject(watchError(api, reason, host, first)),
        )
    }

    function fail(reason: unknown): void {
      if (ended) return
      ended = true
      // The host's listener may already be gone after its own error; a failure to close it changes nothing for the app.
      closeHost().then(undefined, (error: CloudError) => error)
      callListener(options.onError, watchError(api, reason, host, first))
    }

    try {
      listener = source.watch({
        onChange(snapshot: HostSnapshot) {
          if (ended) return
          let normal: Snapshot<unknown>
          try {
            normal = normalise(snapshot, first)
          } catch (error) {
            return fail(error)
          }
          first = false
          callListener(options.onChange, normal)
        },
        onError: fail,
      })
    } catch (error) {
      throw watchError(api, error, host, true)
    }
    // The host failed synchronously, inside watch(): close what it returned.
    if (ended) closeHost().then(undefined, (error: CloudError) => error)

    return {
      close() {
        if (ended) return Promise.resolve()
        ended = true
        return closeHost()
      },
    }
  }
}
