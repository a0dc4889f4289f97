/**
 * The composition root: `createCloud()` wires a transport to the feature services and returns the
 * object that `wx.cloud` code calls (`init`, `database`, ...).
 */
import { CloudError, invalidArgument } from './protocol/errors'
import { createRequester, type RequestConfig, type TokenSource } from './core/request'
import type { Transport } from './core/transport'
import type { NativeCalls, NativeConnection, Platform } from './platform'
import type { Connection, EndpointConfig } from './auth/connect'
import { Database, type DatabaseConfig, type DatabaseKit } from './database/database'
import type { RealtimeConfig } from './realtime/connection'
import type { CallFunctionOptions, CallFunctionResult, invokeFunction } from './functions/functions'
import { settle, type Callbacks, type NoCallbacks } from './core/callbackify'
import type {
  DeleteFileOptions,
  DeleteFileResult,
  DownloadFileOptions,
  DownloadFileResult,
  GetTempFileURLOptions,
  GetTempFileURLResult,
  StorageContext,
  UploadFileOptions,
  UploadFileResult,
  StorageCalls,
} from './storage/storage'
import type { WatchService } from './protocol/realtime'

/** `cloud.init()` options. */
export interface InitConfig {
  /** The environment id. */
  env?: string
  /** Milliseconds before a request fails (default 15000). */
  timeout?: number
  /**
   * A CloudBase-compatible endpoint, e.g. the emulator's URL (`http://127.0.0.1:9000`): requests then go
   * over the classic HTTP protocol instead of the host's native cloud.
   */
  endpoint?: string
  /**
   * With `endpoint`: a custom login ticket to sign in as a named user (the emulator's `createTicket(openid)`);
   * without one, the cloud signs in anonymously on first use.
   */
  ticket?: string
  /** Accepted for wx compatibility; the transport decides what it records. */
  traceUser?: boolean
}

/** What `createCloud()` needs: a transport, or a platform and a way to connect to an endpoint. */
export interface CloudOptions {
  /** Carries protocol requests (a host's native transport, or a test recorder); wins over `platform`. */
  transport?: Transport
  /** The host's primitives; with `init({ endpoint })`, requests go over HTTP through them. */
  platform?: Platform
  /**
   * How to reach an `endpoint` (`connectHttp`). Passed by adapters that offer endpoints; without it, no
   * HTTP or sign-in code is in the bundle.
   */
  connect?: (platform: Platform, config: EndpointConfig) => Connection
  /**
   * The watch client (`createRealtime`), used over the platform's sockets with an endpoint. Passed by
   * adapters that offer `watch()`; without it, no socket code is in the bundle.
   */
  realtime?: (config: RealtimeConfig) => WatchService
  /** `createCommand`, for `db.command`; without it, no command code is in the bundle. */
  commands?: DatabaseKit['commands']
  /** `Aggregate`, for `collection.aggregate()`; without it, no aggregation code is in the bundle. */
  aggregate?: DatabaseKit['aggregate']
  /** `invokeFunction`, for `callFunction()`; without it, no function code is in the bundle. */
  functions?: typeof invokeFunction
  /** `storageCalls`, for `uploadFile()` and the other file calls; without it, no storage code is in the bundle. */
  storage?: StorageCalls
}

/** A cloud: drop-in for `wx.cloud`. */
export interface Cloud {
  /** Sets the default environment; as on wx, the first call wins. */
  init(config?: InitConfig): void
  /** The database of the default environment, or of `config.env`. */
  database(config?: DatabaseConfig): Database
  /** Runs a cloud function: `{ result }` is what it returned. */
  callFunction<R = unknown>(options: CallFunctionOptions<R> & NoCallbacks): Promise<CallFunctionResult<R>>
  callFunction<R = unknown>(options: CallFunctionOptions<R>): void
  /** Uploads a local file to `cloudPath`: `{ fileID }`. */
  uploadFile(options: UploadFileOptions & NoCallbacks): Promise<UploadFileResult>
  uploadFile(options: UploadFileOptions): void
  /** Downloads a file to a local temp path: `{ tempFilePath }`. */
  downloadFile(options: DownloadFileOptions & NoCallbacks): Promise<DownloadFileResult>
  downloadFile(options: DownloadFileOptions): void
  /** Short-lived URLs of files. */
  getTempFileURL(options: GetTempFileURLOptions & NoCallbacks): Promise<GetTempFileURLResult>
  getTempFileURL(options: GetTempFileURLOptions): void
  /** Deletes files; each entry says whether it went. */
  deleteFile(options: DeleteFileOptions & NoCallbacks): Promise<DeleteFileResult>
  deleteFile(options: DeleteFileOptions): void
}

/** A cloud asked for a feature its creator did not pass in. */
const without = (api: string, option: string) => new CloudError(api, 'SDK_ERROR', `this cloud was created without { ${option} }`)

/** Creates a cloud over `options.transport`. */
export function createCloud(options: CloudOptions): Cloud {
  const ok = options && (options.transport ? typeof options.transport.send === 'function' : options.platform && typeof options.platform.request === 'function')
  if (!ok) throw invalidArgument('createCloud', 'takes { transport } with a send(request) method, or { platform } with request()')
  let initial: InitConfig | undefined
  // The endpoint knows callers by their tokens: one connection (and session) per cloud, shared by its databases.
  let connection: Connection | undefined
  // One watch client (one socket) per environment, shared by every database of the cloud.
  const realtimes: Record<string, WatchService> = {}
  // The host's own cloud, one handle per environment.
  const natives: Record<string, NativeConnection | undefined> = {}
  // The optional database parts, the same for every database of the cloud.
  const kit: DatabaseKit = { commands: options.commands, aggregate: options.aggregate }

  /** Where requests for `env` go: the given transport, the endpoint (with `init({ endpoint })`), or the host's cloud. */
  function route(api: string, env: string | undefined): { transport: Transport; tokens?: TokenSource | undefined; watch?: WatchService | undefined; calls?: NativeCalls | undefined } {
    const { platform } = options
    if (options.transport) return { transport: options.transport }
    if (!initial) throw new CloudError(api, 'RESOURCE_NOT_INITIAL', 'call cloud.init({ env }) first (with { endpoint } to use the emulator)')
    if (initial.endpoint) {
      if (!options.connect) throw without(api, 'connect: connectHttp')
      if (!connection) connection = options.connect(platform!, Object.assign({}, initial, { endpoint: initial.endpoint }))
      return { transport: connection.transport, tokens: connection.tokens }
    }
    const key = env || ''
    if (!(key in natives)) natives[key] = platform!.native ? platform!.native(env) : undefined
    const native = natives[key]
    if (native) return native
    throw new CloudError(api, 'RESOURCE_NOT_INITIAL', 'this host has no cloud of its own: call cloud.init({ env, endpoint }) with the URL of the emulator or of a CloudBase endpoint')
  }

  /**
   * The watch client of `env` over the endpoint's sockets: made for the first database of `env` (not for
   * function or file calls, which never watch), when the cloud was given one and the host opens sockets.
   */
  function endpointWatch(env: string | undefined, endpoint: Connection): WatchService | undefined {
    const { platform, realtime } = options
    const key = env || ''
    if (!realtimes[key] && platform!.connectSocket && realtime) {
      realtimes[key] = realtime({ env, send: createRequester(endpoint.transport, requestConfig(env, endpoint.tokens)), platform: platform! })
    }
    return realtimes[key]
  }

  function requestConfig(env: string | undefined, tokens: TokenSource | undefined): RequestConfig {
    const config: RequestConfig = {}
    if (env) config.env = env
    if (initial && initial.timeout) config.timeout = initial.timeout
    if (tokens) config.tokens = tokens
    return config
  }

  /**
   * Runs a function or file call in the environment it names, settled as the caller asked: on the host's
   * own cloud when it has that call, else as protocol requests (`run`, when this cloud was given it).
   */
  function invoke(api: string, name: keyof NativeCalls, call: Callbacks<unknown> & { config?: { env?: string } }, run: ((context: StorageContext) => Promise<unknown>) | undefined, option: string) {
    return settle(call, () => {
      const env = (call && call.config && call.config.env) || (initial && initial.env)
      const target = route(api, env)
      const own = target.calls && target.calls[name]
      if (own) return own(api, call as Record<string, unknown>)
      if (!run) throw without(api, option)
      return run({ send: createRequester(target.transport, requestConfig(env, target.tokens)), platform: options.platform })
    })
  }

  function files<K extends keyof StorageCalls>(api: string, call: Parameters<StorageCalls[K]>[1], name: K) {
    const { storage } = options
    const run = storage && ((context: StorageContext) => (storage[name] as (context: StorageContext, call: unknown) => Promise<unknown>)(context, call))
    return invoke(api, name, call as Callbacks<unknown>, run, 'storage: storageCalls')
  }

  return {
    init(config = {}) {
      if (initial) return
      if (config.env !== undefined && (typeof config.env !== 'string' || !config.env)) {
        throw invalidArgument('cloud.init', 'env must be a non-empty string')
      }
      if (config.endpoint !== undefined && !/^https?:\/\/[^/]/.test(String(config.endpoint))) {
        throw invalidArgument('cloud.init', `endpoint must be an http(s) URL, got ${String(config.endpoint)}`)
      }
      if (config.timeout !== undefined && !(typeof config.timeout === 'number' && config.timeout > 0)) {
        throw invalidArgument('cloud.init', 'timeout must be a positive number of milliseconds')
      }
      initial = Object.assign({}, config)
    },
    database(config = {}) {
      const env = config.env || (initial && initial.env)
      const target = route('cloud.database', env)
      // Over the endpoint the watch client is this cloud's own; a host's cloud brings its watch.
      const watch = connection && target.transport === connection.transport ? endpointWatch(env, connection) : target.watch
      return new Database(createRequester(target.transport, requestConfig(env, target.tokens)), env ? { env } : {}, watch, kit)
    },
    uploadFile: (call: UploadFileOptions) => files('cloud.uploadFile', call, 'uploadFile') as Promise<UploadFileResult>,
    downloadFile: (call: DownloadFileOptions) => files('cloud.downloadFile', call, 'downloadFile') as Promise<DownloadFileResult>,
    getTempFileURL: (call: GetTempFileURLOptions) => files('cloud.getTempFileURL', call, 'getTempFileURL') as Promise<GetTempFileURLResult>,
    deleteFile: (call: DeleteFileOptions) => files('cloud.deleteFile', call, 'deleteFile') as Promise<DeleteFileResult>,
    callFunction<R>(call: CallFunctionOptions<R>) {
      const { functions } = options
      const run = functions && ((context: StorageContext) => functions(context.send, call))
      return invoke('cloud.callFunction', 'callFunction', call as Callbacks<unknown>, run, 'functions: invokeFunction') as Promise<CallFunctionResult<R>>
    },
  }
}
