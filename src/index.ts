/**
 * mpcloud: one typed, small SDK for mini program cloud development.
 *
 * @example
 * import { Aggregate, createCloud, createCommand } from 'mpcloud'
 * const cloud = createCloud({ transport, commands: createCommand, aggregate: Aggregate })
 * cloud.init({ env: 'demo' })
 * const db = cloud.database()
 * const _ = db.command
 * const { data } = await db.collection('todos').where({ done: false, priority: _.gte(2) }).get()
 */
export { createCloud, type Cloud, type CloudOptions, type InitConfig } from './cloud'
export { invokeFunction, type CallFunctionOptions, type CallFunctionResult } from './functions/functions'
export {
  storageCalls,
  type StorageCalls,
  type UploadFileOptions,
  type UploadFileResult,
  type DownloadFileOptions,
  type DownloadFileResult,
  type GetTempFileURLOptions,
  type GetTempFileURLResult,
  type TempFileURL,
  type DeleteFileOptions,
  type DeleteFileResult,
} from './storage/storage'
export { connectHttp, type Connection, type EndpointConfig } from './auth/connect'
export type { Platform, HttpRequestOptions, HttpResponse, Socket, SocketHandlers, KeyValueStorage, NativeConnection, NativeCall, NativeCalls, UploadOptions, DownloadOptions } from './platform'
export { createNativeTransport, createNativeWatch, codeOfErrCode, codeIn, readErrMsg, textOf } from './native/index'
export type {
  HostDatabaseFactory,
  HostDatabase,
  HostCollection,
  HostQuery,
  HostFilteredQuery,
  HostDocument,
  HostAggregate,
  HostCommand,
  HostGeo,
  HostConstructor,
  HostListener,
  HostResult,
  HostSnapshot,
  HostWatchOptions,
  HostDifferences,
  HostFailure,
  ErrMsgParts,
} from './native/index'
export { createRealtime, DEFAULT_TIMINGS, type RealtimeConfig, type RealtimeTimings } from './realtime/connection'
export type { DocChange, RealtimeListener, Snapshot, WatchOptions, WatchRequest, WatchService, DataType, QueueType } from './protocol/realtime'
export type { Transport } from './core/transport'
export type { Callbacks } from './core/callbackify'
export { CloudError, isCloudError, errCodeOf } from './protocol/errors'
export { GeoPoint, GeoLineString, GeoPolygon, GeoMultiPoint, GeoMultiLineString, GeoMultiPolygon, type Geometry } from './protocol/geo'
export { ServerDate } from './protocol/server-date'
export { DbRegExp } from './protocol/regexp'
export type { ProtocolRequest, ProtocolResponse, DatabaseRequest, DatabaseAction } from './protocol/database'
export { Database, type DatabaseConfig, type DatabaseKit } from './database/database'
export { CollectionReference, type AddResult, type AddManyResult } from './database/collection'
export { DocumentReference, type DocumentGetResult, type SetResult } from './database/document'
export { Query, type GetResult, type CountResult, type UpdateResult, type RemoveResult } from './database/query'
export { Aggregate, type AggregateResult } from './database/aggregate/aggregate'
export { createCommand, type Command } from './database/command/command'
export type { QueryCommand, LogicCommand } from './database/command/query-command'
export type { UpdateCommand } from './database/command/update-command'
export type {
  AnyDocument,
  CollectionTypes,
  DocId,
  FieldPath,
  Filter,
  NewDocument,
  PathValue,
  Projected,
  Projection,
  SetData,
  Stored,
  UpdateData,
  UpdatePath,
} from './database/types'
