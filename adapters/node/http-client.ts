/**
 * One HTTP exchange over `node:http` / `node:https` with keep-alive agents: what `fetch` did for the Node
 * platform (redirects, a timeout over the whole exchange), at the speed of Node's own client. Undici's
 * fetch costs about ten times more per request than `http.request` on a kept-alive socket.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Outgoing } from './outgoing'
import { redirectOf } from './redirect'

/** The connection pools of one platform, one per scheme. */
export interface Agents {
  http: HttpAgent
  https: HttpsAgent
}

/** A response, read to its end. */
export interface Incoming {
  statusCode: number
  body: Buffer
}

/** fetch's limit (WHATWG Fetch, "HTTP-redirect fetch"). */
const MAX_REDIRECTS = 20
/** How a kept-alive socket that the server closed while it sat idle fails when it is used again. */
const STALE_SOCKET = ['ECONNRESET', 'EPIPE', 'ECONNABORTED']

/**
 * Pools as Node's global agent has them since v19: kept alive, the most recently used socket first (so a
 * quiet client holds few), idle sockets closed after 5 s. Node only honours a server's shorter
 * `Keep-Alive: timeout=` hint under a non-zero agent timeout, which is one reason to set one.
 */
export function createAgents(): Agents {
  const options = { keepAlive: true, scheduling: 'lifo' as const, timeout: 5000 }
  return { http: new HttpAgent(options), https: new HttpsAgent(options) }
}

/**
 * Sends `outgoing`, follows redirects as fetch does, and resolves with the final answer of any status;
 * rejects when no answer arrived. After `timeout` ms (0: never) the exchange fails and its socket is
 * destroyed, so a server that never answers does not keep the socket in the pool.
 */
export function exchange(agents: Agents, outgoing: Outgoing, timeout: number): Promise<Incoming> {
  return new Promise<Incoming>((resolve, reject) => {
    let settled = false
    // The request whose socket a timeout must destroy; cleared once its answer is read, when the agent
    // may already have handed the socket to another request.
    let live: ClientRequest | undefined
    const timer = timeout > 0 ? setTimeout(() => fail(new Error(`no answer from ${outgoing.url} within ${timeout} ms`)), timeout) : undefined

    function fail(error: Error): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (live) live.destroy(error)
      reject(error)
    }

    function send(current: Outgoing, redirects: number, resent: boolean): void {
      const url = new URL(current.url)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(new Error(`cannot request ${current.url}: only http and https`))
      const secure = url.protocol === 'https:'
      const headers = current.body ? Object.assign({ 'content-length': String(current.body.length) }, current.headers) : current.headers
      const request = (secure ? httpsRequest : httpRequest)(url, { method: current.method, headers, agent: secure ? agents.https : agents.http })
      live = request
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return
        // The server may close an idle kept-alive socket just as we reuse it; the request then never
        // reached it, so it is sent once more on a fresh socket (the pattern Node's docs give for
        // `request.reusedSocket`, and what browsers do).
        if (request.reusedSocket && !resent && STALE_SOCKET.indexOf(error.code || '') >= 0) return send(current, redirects, true)
        fail(error)
      })
      request.on('response', (response: IncomingMessage) => {
        let next: Outgoing | undefined
        try {
          next = redirectOf(current, response.statusCode || 0, response.headers.location)
        } catch (error) {
          // A `Location` that is no URL: fetch fails the same way, and a throw here would be uncaught.
          response.resume()
          return fail(error as Error)
        }
        if (next) {
          response.resume()
          if (redirects >= MAX_REDIRECTS) return fail(new Error(`more than ${MAX_REDIRECTS} redirects from ${outgoing.url}`))
          return send(next, redirects + 1, false)
        }
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', fail)
        // Without an error, a connection that drops mid-body only closes the response: still a failure.
        // Every response closes, after its end too: the Error (and its stack trace, some microseconds)
        // is made only when the close really is a failure.
        response.on('close', () => {
          if (!settled) fail(new Error(`the connection closed before the answer from ${current.url} was complete`))
        })
        response.on('end', () => {
          if (settled) return
          settled = true
          live = undefined
          clearTimeout(timer)
          resolve({ statusCode: response.statusCode || 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) })
        })
      })
      request.end(current.body)
    }

    send(outgoing, 0, false)
  })
}
