/**
 * The port a host implements: what mpcloud needs from wx, my, Taro, uni-app or Node. Types only.
 * (This first version carries HTTP; sockets, files, key-value storage and app lifecycle hooks come with
 * the watch client and the host adapters.)
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

/** What a host provides to mpcloud. */
export interface Platform {
  /** POSTs JSON and resolves with any HTTP answer; rejects only when no answer arrived. */
  request(options: HttpRequestOptions): Promise<HttpResponse>
}
