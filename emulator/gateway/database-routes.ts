/**
 * The gateway's database paths (docs/protocol.md §2.4), each translated into the client dialect's
 * database actions: the URL's `query` is canonical EJSON (decoded here into the values the actions take),
 * `order` and `projection` JSON, bodies dialect A's plain JSON; a `transactionId` sends a read or a write
 * to the transaction actions, whose `data` is EJSON text. Replies are the actions' `data`, reshaped where
 * the gateway names things otherwise.
 */
import { randomBytes } from 'node:crypto'
import { invalidParam, shown } from '../errors'
import { parseEJSONObject, toEJSON } from '../query/ejson'
import { decodeWire, MAX_DEPTH, wireDepth } from '../query/values'
import { dataOf, flagOf, integerParam, isObject, jsonParam, objectBody, stringOf, type GatewayBody, type Route } from './route'

type AnyObject = Record<string, unknown>

/** The one database the emulator serves, by the names js-sdk gives it when none is configured. */
const DEFAULT = '(default)'

/** Every database path starts here. */
export const DATABASE = '/v1/database/instances/:instance/databases/:database'

/** Refuses a path to another database than the one the emulator has. */
function checkDatabase({ params }: GatewayBody): void {
  for (const key of ['instance', 'database'] as const) {
    if (params[key] !== DEFAULT) throw invalidParam(`${key} ${shown(params[key])} is not served: the emulator has one database, ${DEFAULT}`)
  }
}

/** The collection the path names. */
function collectionOf(request: GatewayBody): string {
  checkDatabase(request)
  return request.params.collection!
}

/** Leaves out what is undefined: the actions tell a missing field from a given one. */
const defined = (body: AnyObject): AnyObject => {
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key]
  return body
}

/** The URL's `query`: canonical EJSON, decoded into the values the client actions take. */
function queryParam(request: GatewayBody, now: number): AnyObject | undefined {
  return request.search.query === undefined ? undefined : parseEJSONObject(request.search.query, 'query', now)
}

/** A transaction's `data`: the body's plain JSON as the EJSON text the transaction actions take. */
function ejsonData(value: unknown, now: number): string {
  if (!isObject(value)) throw invalidParam('data must be an object')
  return toEJSON(decodeWire(value, now))
}

/** What the log names: the collection. */
const target = (request: GatewayBody) => request.params.collection

/** A document `_id` as the database makes one, for an insert in a transaction (whose action does not answer the id). */
const newId = () => randomBytes(16).toString('hex')

/** `GET …/documents`: a page of documents (`{ list }`), or with `count=true` their number (`{ total }`). */
const find: Route = {
  target,
  async run(request, call) {
    const now = Date.now()
    const collectionName = collectionOf(request)
    const { search } = request
    const transactionId = search.transactionId
    const query = queryParam(request, now)
    if (search.count !== undefined && search.count !== 'true' && search.count !== 'false') throw invalidParam(`count must be true or false, got ${shown(search.count)}`)
    if (search.count === 'true') {
      if (transactionId !== undefined) throw invalidParam('count is not available inside a transaction: read the documents and count them')
      return dataOf(await call('database.countDocument', defined({ collectionName, query })))
    }
    const page = defined({ collectionName, query, order: jsonParam(search, 'order'), projection: jsonParam(search, 'projection'), offset: integerParam(search, 'offset'), limit: integerParam(search, 'limit') })
    if (transactionId === undefined) return dataOf(await call('database.queryDocument', page))
    // A limit (0: the default page) keeps a query by _id a list, not the one document.
    const answer = await call('database.getInTransaction', Object.assign(page, { transactionId, limit: page.limit ?? 0 }))
    return `{"list":${answer.data as string}}`
  },
}

/** `GET …/documents/:id`: the document itself, or null. */
const findOne: Route = {
  target,
  async run(request, call) {
    const collectionName = collectionOf(request)
    const { search } = request
    const body = defined({ collectionName, query: { _id: request.params.id }, projection: jsonParam(search, 'projection') })
    if (search.transactionId !== undefined) return (await call('database.getInTransaction', Object.assign(body, { transactionId: search.transactionId }))).data as string
    const { list } = (await call('database.queryDocument', Object.assign(body, { limit: 1 }))).data as { list: unknown[] }
    return JSON.stringify(list.length ? list[0] : null)
  },
}

/** `POST …/documents {data: [docs], transactionId?}`: `{ insertedIds }`. */
const add: Route = {
  target,
  async run(request, call) {
    const collectionName = collectionOf(request)
    const body = objectBody(request)
    const transactionId = stringOf(body, 'transactionId')
    if (!Array.isArray(body.data) || !body.data.length) throw invalidParam('data must be a non-empty array of documents')
    if (transactionId === undefined) return dataOf(await call('database.addDocument', { collectionName, data: body.data }))
    const now = Date.now()
    const insertedIds: unknown[] = []
    for (const doc of body.data) {
      if (!isObject(doc)) throw invalidParam('each document must be an object')
      const { _id = newId(), ...fields } = doc
      if (typeof _id !== 'string' || !_id) throw invalidParam('_id must be a non-empty string')
      await call('database.insertDocInTransaction', { collectionName, transactionId, _id, data: ejsonData(fields, now) })
      insertedIds.push(_id)
    }
    return JSON.stringify({ insertedIds })
  },
}

/**
 * An update's data as the client actions take it. Without `replaceMode: true` the data is merged into the
 * documents (js-sdk's own description of the field, and what it sends even for set()): fields given without
 * an operator are set one by one, as `$set` would; with it, the data replaces them.
 */
function updateData(data: unknown, replaceMode: boolean | undefined): unknown {
  const operators = isObject(data) && Object.keys(data).some((key) => key[0] === '$')
  if (replaceMode === true && operators) throw invalidParam('a replacement document cannot contain update operators')
  return replaceMode !== true && isObject(data) && !operators ? { $set: data } : data
}

/** `PATCH …/documents {query, data, multi, upsert, replaceMode, transactionId?}`: `{ matched, updated, upsert_id }`. */
const update: Route = {
  target,
  async run(request, call) {
    const collectionName = collectionOf(request)
    const body = objectBody(request)
    const transactionId = stringOf(body, 'transactionId')
    const replaceMode = flagOf(body, 'replaceMode')
    const multi = flagOf(body, 'multi')
    const upsert = flagOf(body, 'upsert')
    const data = updateData(body.data, replaceMode)
    // Every document found is written, so as many matched as were updated.
    const reply = (updated: unknown, upsertId: unknown) => JSON.stringify({ matched: updated, updated, upsert_id: upsertId })
    if (transactionId === undefined) {
      const answer = await call('database.updateDocument', defined({ collectionName, query: body.query, data, multi, upsert, merge: replaceMode !== true }))
      const { updated, upserted_id } = answer.data as { updated: number; upserted_id: string | null }
      return reply(updated, upserted_id)
    }
    // In a transaction the action updates every match of a query (one document for a query by _id), as on /web.
    const answer = await call('database.updateDocInTransaction', defined({ collectionName, transactionId, query: body.query, data: ejsonData(data, Date.now()), upsert }))
    const upserted = JSON.parse(answer.upserted as string) as { _id: string }[]
    return reply(answer.updated, upserted.length ? upserted[0]!._id : null)
  },
}

/** `POST …/documents/remove {query, multi, transactionId?}`: `{ deleted }`. */
const remove: Route = {
  target,
  async run(request, call) {
    const collectionName = collectionOf(request)
    const body = objectBody(request)
    const transactionId = stringOf(body, 'transactionId')
    const multi = flagOf(body, 'multi')
    if (transactionId === undefined) return dataOf(await call('database.deleteDocument', defined({ collectionName, query: body.query, multi })))
    const answer = await call('database.deleteDocInTransaction', defined({ collectionName, transactionId, query: body.query }))
    return JSON.stringify({ deleted: answer.deleted })
  },
}

/** `POST …/documents/aggregations {pipeline: [{$stage: value}]}`: `{ list }` of EJSON documents. */
const aggregate: Route = {
  target,
  async run(request, call) {
    const collectionName = collectionOf(request)
    const { pipeline } = objectBody(request)
    if (!Array.isArray(pipeline) || !pipeline.length) throw invalidParam('pipeline must be a non-empty array of stages')
    // Checked before it is written out again: the body's depth is the client's to choose, the stack is not.
    if (wireDepth(pipeline) > MAX_DEPTH) throw invalidParam(`pipeline nested deeper than ${MAX_DEPTH} levels`)
    const stages = pipeline.map((stage) => {
      const keys = isObject(stage) ? Object.keys(stage) : []
      if (keys.length !== 1) throw invalidParam('each stage is an object of one stage operator: { "$match": { ... } }')
      return { stageKey: keys[0], stageValue: JSON.stringify((stage as AnyObject)[keys[0]!]) }
    })
    const { list } = (await call('database.aggregate', { collectionName, stages })).data as { list: string }
    // The client dialect's list is the JSON text of an array of EJSON texts: the gateway's, the documents themselves.
    return `{"list":[${(JSON.parse(list) as string[]).join(',')}]}`
  },
}

/** `POST …/collections {collectionName}`: `{}`. */
const addCollection: Route = {
  target: (request) => (isObject(request.json) && typeof request.json.collectionName === 'string' ? request.json.collectionName : undefined),
  async run(request, call) {
    checkDatabase(request)
    return dataOf(await call('database.addCollection', { collectionName: objectBody(request).collectionName }))
  },
}

/** The transaction paths: start (`{ transactionId }`), commit and rollback (`{}`). */
const transaction = (action: string): Route => ({
  async run(request, call) {
    checkDatabase(request)
    const answer = await call(action, defined({ transactionId: request.params.transaction }))
    return JSON.stringify(answer)
  },
})

export const DATABASE_ROUTES: Record<string, Route> = {
  [`GET ${DATABASE}/collections/:collection/documents`]: find,
  [`GET ${DATABASE}/collections/:collection/documents/:id`]: findOne,
  [`POST ${DATABASE}/collections/:collection/documents`]: add,
  [`PATCH ${DATABASE}/collections/:collection/documents`]: update,
  [`POST ${DATABASE}/collections/:collection/documents/remove`]: remove,
  [`POST ${DATABASE}/collections/:collection/documents/aggregations`]: aggregate,
  [`POST ${DATABASE}/collections`]: addCollection,
  [`POST ${DATABASE}/transactions`]: transaction('database.startTransaction'),
  [`POST ${DATABASE}/transactions/:transaction/commit`]: transaction('database.commitTransaction'),
  [`POST ${DATABASE}/transactions/:transaction/rollback`]: transaction('database.abortTransaction'),
}
