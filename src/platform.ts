/**
 * The port a host implements: what mpcloud needs from wx, my, Taro, uni-app or Node. Types only.
 * Only `request` is required; each other member enables what needs it (sockets: `watch()` over an
 * endpoint; storage: sessions that survive a restart; the native cloud: `init()` without an endpoint).
 */
import type { Transport } from './core/transport'
import type { WatchService } from './protocol/realtime'


/** One HTTP POST of a JSON body. */
export interface HttpRequestOptions {
  url: string
  /** The JSON text of the body. */
  data: string
  headers: Record<string, string>
  /** Milliseconds the host may wait before failing the request. */
  timeout: number
}

/** The host's answer: the status and the body, parsed or as text. */
export interface HttpResponse {
  statusCode: number
  data: unknown
}

/** What a socket reports; each handler is called by the socket it was given to, never after `onClose`. */
export interface SocketHandlers {
  onOpen(): void
  /** One text frame. */
  onMessage(data: string): void
  onClose(code: number, reason: string): void
  /** A failure; `onClose` follows or the socket is unusable. */
  onError(message: string): void
}

/** An open (or opening) WebSocket. */
export interface Socket {
  send(data: string): void
  close(code: number, reason: string): void
}

/** A multipart form POST of one local file (wx's `uploadFile`). */
export interface UploadOptions {
  url: string
  filePath: string
  /** The form field of the file. */
  name: string
  formData: Record<string, string>
}

/** A GET into a local temp file (wx's `downloadFile`). */
export interface DownloadOptions {
  url: string
}

/** Synchronous key-value storage that survives the app's restarts (wx's `getStorageSync` family). */
export interface KeyValueStorage {
  get(key: string): string | undefined
  set(key: string, value: string): void
  remove(key: string): void
}

/** The host's own cloud for one environment: a transport replaying requests on it, and its watch. */
export interface NativeConnection {
  transport: Transport
  watch?: WatchService
  /** The host's own function and file calls: they do not travel as protocol requests on a host cloud. */
  calls?: NativeCalls
}

/** One of them: wx's options in, wx's result out (with `errMsg: '<api>:ok'`), a `CloudError` on failure. */
export type NativeCall = (api: string, options: Record<string, unknown>) => Promise<unknown>

export interface NativeCalls {
  callFunction?: NativeCall
  uploadFile?: NativeCall
  downloadFile?: NativeCall
  getTempFileURL?: NativeCall
  deleteFile?: NativeCall
}

/** What a host provides to mpcloud. */
export interface Platform {
  /** POSTs JSON and resolves with any HTTP answer; rejects only when no answer arrived. */
  request(options: HttpRequestOptions): Promise<HttpResponse>
  /** Opens a WebSocket to `url` (the watch client needs it; without it, `watch()` says so). */
  connectSocket?(url: string, handlers: SocketHandlers): Socket
  /** Calls `listener` when the app comes back to the foreground. */
  onAppShow?(listener: () => void): void
  /** Calls `listener` when the app goes to the background (hosts suspend or kill its sockets there). */
  onAppHide?(listener: () => void): void
  storage?: KeyValueStorage
  /** Uploads a local file (cloud storage's `uploadFile`). */
  uploadFile?(options: UploadOptions): Promise<HttpResponse>
  /** Downloads into a temp file (cloud storage's `downloadFile`). */
  downloadFile?(options: DownloadOptions): Promise<{ statusCode: number; tempFilePath: string }>
  /**
   * The host's own cloud (wx.cloud, an Alipay cloud context): `cloud.init({ env })` without an endpoint
   * uses it. Returns undefined when the host has none (a browser, an H5 build).
   */
  native?(env: string | undefined): NativeConnection | undefined
}
