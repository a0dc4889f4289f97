/**
 * The port a host implements: what mpcloud needs from wx, my, Taro, uni-app or Node. Types only.
 * (HTTP, sockets and app lifecycle hooks so far; files and key-value storage come with the host adapters.)
 */

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
}
