/** A platform that remembers what went over the wire, so a bench can replay the same bytes without the SDK. */
import type { HttpRequestOptions, Platform } from '../src/platform'

/** One request as sent and its answer as received. */
export interface Exchange {
  url: string
  request: string
  response: string
}

export interface Recorder {
  platform: Platform
  /** The last exchange of `action`. */
  last(action: string): Exchange
  /** The last change frame (NEXT_EVENT) a socket received. */
  lastFrame(): string
}

export function recorder(platform: Platform): Recorder {
  const exchanges = new Map<string, Exchange>()
  let frame: string | undefined
  return {
    platform: {
      ...platform,
      request: (options: HttpRequestOptions) =>
        platform.request(options).then((response) => {
          const { action } = JSON.parse(options.data) as { action: string }
          exchanges.set(action, { url: options.url, request: options.data, response: String(response.data) })
          return response
        }),
      connectSocket: (url, handlers) =>
        platform.connectSocket!(url, {
          ...handlers,
          onMessage(data) {
            if (data.includes('"NEXT_EVENT"')) frame = data
            handlers.onMessage(data)
          },
        }),
    },
    last(action) {
      const exchange = exchanges.get(action)
      if (!exchange) throw new Error(`bench: no ${action} was recorded`)
      return exchange
    },
    lastFrame() {
      if (frame === undefined) throw new Error('bench: no change frame was recorded')
      return frame
    },
  }
}
