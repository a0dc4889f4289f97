/**
 * The official serializer, @cloudbase/database 0.12.1 (the one js-sdk bundles), driven with a recorder in
 * place of its request class: what the official client would put on the wire for the same call.
 *
 * Quirks handled here:
 * - every Query/DocumentReference builds `new Db.reqClass(config)` in its constructor, so the recorder is
 *   installed once, at import, and finds each database's log through the `config` object it is given;
 * - the official request class JSON-stringifies the body, so recorded bodies go through a JSON round
 *   trip: `toJSON()` methods run and Dates become ISO strings, exactly as on the wire;
 * - official `field()` rewrites its argument and `where()` keeps parts of it by reference: callers must
 *   pass the official SDK its own copy of every input.
 */
import { Db } from '@cloudbase/database'

export interface OfficialRequest {
  action: string
  [param: string]: unknown
}

/** A canned successful reply with every field the official SDK reads. */
const REPLY = {
  requestId: 'r',
  data: { list: [], total: 0, _id: 'id-1', insertedIds: ['id-1'], updated: 1, upserted_id: null, deleted: 1 },
}

const logs = new WeakMap<object, OfficialRequest[]>()

class RecordingRequest {
  private readonly log: OfficialRequest[]
  constructor(config: object) {
    const log = logs.get(config)
    if (!log) throw new Error('official Db created outside officialDb()')
    this.log = log
  }
  send(action: string, data: Record<string, unknown>): Promise<unknown> {
    this.log.push({ action, ...JSON.parse(JSON.stringify(data)) })
    return Promise.resolve(action === 'database.aggregate' ? { requestId: 'r', data: { list: '[]' } } : REPLY)
  }
}
;(Db as unknown as { reqClass: unknown }).reqClass = RecordingRequest

export interface OfficialHarness {
  /** The official `Db` (`db.command`, `db.Geo`, `db.serverDate`, `db.RegExp`, `db.collection`). */
  db: any
  /** `db.command`. */
  _: any
  /** Every request sent so far, as `{ action, ...params }` after the JSON round trip. */
  requests: OfficialRequest[]
  /** The last request. */
  last(): OfficialRequest
}

/** A fresh official database with its own request log. */
export function officialDb(env = 'e'): OfficialHarness {
  const config = { env }
  const requests: OfficialRequest[] = []
  logs.set(config, requests)
  const db = new Db(config)
  return {
    db,
    _: db.command,
    requests,
    last() {
      const request = requests[requests.length - 1]
      if (!request) throw new Error('the official SDK sent no request')
      return request
    },
  }
}
