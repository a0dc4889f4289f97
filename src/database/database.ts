/** `cloud.database()`: wx's `DB.Database`. */
import { GeoLineString, GeoMultiLineString, GeoMultiPoint, GeoMultiPolygon, GeoPoint, GeoPolygon } from '../protocol/geo'
import { DbRegExp } from '../protocol/regexp'
import { ServerDate } from '../protocol/server-date'
import { CloudError, invalidArgument } from '../protocol/errors'
import { callable } from '../internal/callable'
import { settle, type Callbacks } from '../core/callbackify'
import type { Requester } from '../core/request'
import type { WatchService } from '../protocol/realtime'
import { CollectionReference } from './collection'
import type { Command, createCommand } from './command/command'
import type { Aggregate } from './aggregate/aggregate'
import type { AnyDocument, CollectionTypes } from './types'

/** `db.Geo`: constructors of GeoJSON values, callable with or without `new`. */
export const Geo = {
  Point: /*#__PURE__*/ callable(GeoPoint),
  LineString: /*#__PURE__*/ callable(GeoLineString),
  Polygon: /*#__PURE__*/ callable(GeoPolygon),
  MultiPoint: /*#__PURE__*/ callable(GeoMultiPoint),
  MultiLineString: /*#__PURE__*/ callable(GeoMultiLineString),
  MultiPolygon: /*#__PURE__*/ callable(GeoMultiPolygon),
}

const RegExpFactory = /*#__PURE__*/ callable(DbRegExp)

/**
 * The parts of a database a bundle may leave out, passed by `createCloud({ commands, aggregate })`:
 * `db.command` (`createCommand`) and `collection.aggregate()` (`Aggregate`).
 */
export interface DatabaseKit {
  commands?: typeof createCommand | undefined
  aggregate?: typeof Aggregate | undefined
}

/** `database({ env })` options. */
export interface DatabaseConfig {
  env?: string
}

/** A collection name is 1–32 letters, digits, `-` or `_`, not starting with `-` or `_` (docs/protocol.md §15). */
const COLLECTION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,31}$/

/** The database of one environment. */
export class Database {
  /** @internal */
  private _command: Command | undefined
  /** `db.Geo.Point(lng, lat)` and the other GeoJSON constructors. */
  readonly Geo: typeof Geo = Geo
  /** `db.RegExp({ regexp, options })`. */
  readonly RegExp: typeof RegExpFactory = RegExpFactory
  /** The configuration the database was opened with. */
  readonly config: DatabaseConfig
  /** @internal */
  private readonly _send: Requester
  /** @internal */
  private readonly _watch: WatchService | undefined
  /** @internal */
  private readonly _kit: DatabaseKit

  /** @internal */
  constructor(send: Requester, config: DatabaseConfig = {}, watch?: WatchService, kit: DatabaseKit = {}) {
    this._send = send
    this._watch = watch
    this._kit = kit
    this.config = config
  }

  /** `db.command`, usually aliased `const _ = db.command`. */
  get command(): Command {
    const { commands } = this._kit
    if (!commands) throw new CloudError('database.command', 'SDK_ERROR', 'this cloud was created without { commands: createCommand }')
    return this._command || (this._command = commands())
  }

  /** `db.serverDate({ offset })`: the server's clock at write time. */
  serverDate(options?: { offset?: number }): ServerDate {
    return new ServerDate(options)
  }

  /** A collection, typed by `CollectionTypes` when its name is declared there, or by `T`. */
  collection<K extends keyof CollectionTypes>(name: K): CollectionReference<CollectionTypes[K]>
  collection<T = AnyDocument>(name: string): CollectionReference<T>
  collection(name: string): CollectionReference {
    if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
      throw invalidArgument('database.collection', `"${String(name)}" is not a collection name: 1-32 letters, digits, "-" or "_", starting with a letter or digit`)
    }
    return new CollectionReference({ send: this._send, collectionName: name, watch: this._watch, aggregate: this._kit.aggregate })
  }

  /** Creates a collection (server SDKs and the emulator; the mini program client cannot). */
  createCollection(name: string): Promise<{ errMsg: string }>
  createCollection(name: string, options: Callbacks<{ errMsg: string }>): void
  createCollection(name: string, options?: Callbacks<{ errMsg: string }>): Promise<{ errMsg: string }> | void {
    const api = 'database.createCollection'
    return settle(options, () => {
      const { collectionName } = this.collection(name)
      return this._send(api, { action: 'database.addCollection', collectionName }).then(() => ({ errMsg: `${api}:ok` }))
    })
  }
}
