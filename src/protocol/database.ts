/**
 * Database actions of the client dialect A (`/web`, docs/protocol.md §2.1 and §5): request and response shapes.
 * Types only: the builders produce these objects, transports carry them, the emulator answers them.
 */
import type { WireObject, WireValue } from './codec'

/** One `orderBy()` call on the wire. */
export interface OrderSpec {
  field: string
  direction: 'asc' | 'desc'
}

/** `{ field: 1 | 0 }` or projection operators (`$slice`, `$elemMatch`). */
export type ProjectionSpec = { [field: string]: 0 | 1 | WireObject }

/** One aggregation stage: `stageValue` is the JSON text of the stage's argument. */
export interface StageSpec {
  stageKey: string
  stageValue: string
}

export interface QueryDocumentRequest {
  action: 'database.queryDocument'
  collectionName: string
  queryType: 'WHERE' | 'DOC'
  query?: WireObject
  order?: OrderSpec[]
  offset?: number
  limit?: number
  projection?: ProjectionSpec
  multi?: false
}

export interface CountDocumentRequest {
  action: 'database.countDocument'
  collectionName: string
  queryType: 'WHERE'
  query?: WireObject
}

export interface AddDocumentRequest {
  action: 'database.addDocument'
  collectionName: string
  data: WireObject | WireObject[]
}

export interface UpdateDocumentRequest {
  action: 'database.updateDocument'
  collectionName: string
  queryType: 'WHERE' | 'DOC'
  query?: WireObject
  data: WireObject
  multi: boolean
  merge: boolean
  upsert: boolean
}

export interface DeleteDocumentRequest {
  action: 'database.deleteDocument'
  collectionName: string
  queryType: 'WHERE' | 'DOC'
  query?: WireObject
  multi: boolean
}

export interface AggregateRequest {
  action: 'database.aggregate'
  collectionName: string
  stages: StageSpec[]
}

export interface AddCollectionRequest {
  action: 'database.addCollection'
  collectionName: string
}

export interface StartTransactionRequest {
  action: 'database.startTransaction'
}

/** `commitTransaction` / `abortTransaction`. */
export interface EndTransactionRequest {
  action: 'database.commitTransaction' | 'database.abortTransaction'
  transactionId: string
}

/** `getInTransaction`: a DOC read (`query: {_id: {$eq}}`) or a WHERE read with order/offset/limit/projection. */
export interface GetInTransactionRequest {
  action: 'database.getInTransaction'
  collectionName: string
  transactionId: string
  query: WireObject
  order?: OrderSpec[]
  offset?: number
  limit?: number
  projection?: ProjectionSpec
}

/** Transaction writes: `data` is a canonical EJSON string (docs/protocol.md §5). */
export interface UpdateDocInTransactionRequest {
  action: 'database.updateDocInTransaction'
  collectionName: string
  transactionId: string
  query: WireObject
  data: string
  upsert?: true
}

export interface DeleteDocInTransactionRequest {
  action: 'database.deleteDocInTransaction'
  collectionName: string
  transactionId: string
  query: WireObject
}

export interface InsertDocInTransactionRequest {
  action: 'database.insertDocInTransaction'
  collectionName: string
  transactionId: string
  data: string
  _id?: string
}

/** Every database request of the client dialect. */
export type DatabaseRequest =
  | QueryDocumentRequest
  | CountDocumentRequest
  | AddDocumentRequest
  | UpdateDocumentRequest
  | DeleteDocumentRequest
  | AggregateRequest
  | AddCollectionRequest
  | StartTransactionRequest
  | EndTransactionRequest
  | GetInTransactionRequest
  | UpdateDocInTransactionRequest
  | DeleteDocInTransactionRequest
  | InsertDocInTransactionRequest

/** Every database action name of the client dialect. */
export type DatabaseAction = DatabaseRequest['action']

/** The `data` member of each action's successful response. */
export interface DatabaseResponseData {
  'database.queryDocument': { list: WireObject[] }
  'database.countDocument': { total: number }
  'database.addDocument': { _id?: string; insertedIds?: string[] }
  'database.updateDocument': { updated: number; upserted_id?: string | null; upsert_id?: string | null }
  'database.deleteDocument': { deleted: number }
  /** A JSON string of an array of EJSON strings, one per result document. */
  'database.aggregate': { list: string }
  'database.addCollection': WireObject
  'database.startTransaction': WireObject
  'database.commitTransaction': WireObject
  'database.abortTransaction': WireObject
  /** An EJSON string of the document (or `'null'`), or of the list. */
  'database.getInTransaction': string
  'database.updateDocInTransaction': { updated: string | number; upserted?: string }
  'database.deleteDocInTransaction': { deleted: number }
  'database.insertDocInTransaction': { inserted: number; ok: number }
}

/** Any request the SDK sends: the action plus its parameters (the envelope is added by the pipeline). */
export interface ProtocolRequest {
  action: string
  [param: string]: unknown
}

/** A response body: `{ requestId, data }` on success, `{ code, message, requestId }` on failure. */
export interface ProtocolResponse {
  requestId?: string
  data?: unknown
  code?: string
  message?: string
  [extra: string]: unknown
}
