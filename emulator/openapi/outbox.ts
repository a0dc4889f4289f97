/**
 * The outbox: every `cloud.openapi` call the emulator accepted, newest last, in memory (the last
 * MAX_OUTBOX_ENTRIES; older ones drop off). Each entry is numbered as it arrives (`id`), so a reader that
 * passes back the `cursor` it was given gets every later entry exactly once, as `functions.getLogs` does.
 */

/** How many entries the outbox keeps. */
export const MAX_OUTBOX_ENTRIES = 1000

/** One accepted open API call. */
export interface OutboxEntry {
  /** Its number, from 1, in the order accepted. */
  id: number
  /** When it was accepted (ISO 8601). */
  time: string
  /** `subscribeMessage.send`. */
  api: string
  /** The appid it was sent for: `cloud.openapi({ appid })`'s, or empty for the function's own mini program. */
  appid: string
  /** The function that called it. */
  functionName: string
  /** The invocation that called it (the function log's RequestId). */
  requestId: string
  /** The arguments as sent: snake_case keys (wx-server-sdk converts them), big integers as strings of digits. */
  data: Record<string, unknown>
}

export interface OutboxQuery {
  api?: string
  functionName?: string
  /** Only entries after this cursor (an `id`). */
  since?: number
  limit?: number
}

export interface Outbox {
  add(entry: Omit<OutboxEntry, 'id' | 'time'>): OutboxEntry
  /** Matching entries, oldest first; after `since` the oldest `limit`, otherwise the newest. `cursor`: pass it back as `since`. */
  list(query?: OutboxQuery): { entries: OutboxEntry[]; cursor: number }
  clear(): void
}

/** A public caller's query (RunningEmulator.outbox, the testing accessor): a wrong one is an Error naming the field. */
function checkQuery(query: unknown): asserts query is OutboxQuery {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new TypeError('the outbox query must be an object: { api?, functionName?, since?, limit? }')
  const { api, functionName, since, limit } = query as Record<string, unknown>
  if (api !== undefined && typeof api !== 'string') throw new TypeError(`the outbox query's api must be a string such as 'subscribeMessage.send', got ${JSON.stringify(api)}`)
  if (functionName !== undefined && typeof functionName !== 'string') throw new TypeError(`the outbox query's functionName must be a string, got ${JSON.stringify(functionName)}`)
  if (since !== undefined && !(Number.isSafeInteger(since) && (since as number) >= 0)) throw new TypeError(`the outbox query's since must be an entry id (a whole number), got ${JSON.stringify(since)}`)
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) >= 1)) throw new TypeError(`the outbox query's limit must be a whole number from 1, got ${JSON.stringify(limit)}`)
}

export function createOutbox(max = MAX_OUTBOX_ENTRIES): Outbox {
  let entries: OutboxEntry[] = []
  let last = 0
  return {
    add(entry) {
      const full: OutboxEntry = { id: ++last, time: new Date().toISOString(), ...entry }
      entries.push(full)
      if (entries.length > max) entries = entries.slice(entries.length - max)
      return full
    },
    list(query = {}) {
      checkQuery(query)
      const limit = query.limit ?? max
      const matching = entries.filter(
        (e) => (query.since === undefined || e.id > query.since) && (query.api === undefined || e.api === query.api) && (query.functionName === undefined || e.functionName === query.functionName),
      )
      const chosen = query.since !== undefined ? matching.slice(0, limit) : matching.slice(Math.max(0, matching.length - limit))
      const cut = query.since !== undefined && chosen.length < matching.length
      return { entries: chosen, cursor: cut ? chosen[chosen.length - 1]!.id : Math.max(last, query.since ?? 0) }
    },
    clear() {
      entries = []
    },
  }
}
