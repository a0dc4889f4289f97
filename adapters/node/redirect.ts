/** Where fetch's redirect rules (WHATWG Fetch, "HTTP-redirect fetch") send a request next. */
import type { Outgoing } from './outgoing'

/** The statuses fetch follows. */
const REDIRECTS = [301, 302, 303, 307, 308]
/** The headers fetch drops when a redirect turns the request into a GET without a body. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']

/**
 * The request to send after an answer of `statusCode` with `location`, or undefined when the answer is
 * final (not a redirect, or one without a `Location`, which fetch hands to the caller as it is).
 */
export function redirectOf(outgoing: Outgoing, statusCode: number, location: string | undefined): Outgoing | undefined {
  if (REDIRECTS.indexOf(statusCode) < 0 || location === undefined) return undefined
  const url = new URL(location, outgoing.url).href
  // 303 always, and 301/302 after a POST, become a GET without a body; 307 and 308 repeat the request.
  const toGet = (statusCode === 303 && outgoing.method !== 'GET') || ((statusCode === 301 || statusCode === 302) && outgoing.method === 'POST')
  if (!toGet) return { method: outgoing.method, url, headers: outgoing.headers, body: outgoing.body }
  const headers: Record<string, string> = {}
  for (const name of Object.keys(outgoing.headers)) if (BODY_HEADERS.indexOf(name.toLowerCase()) < 0) headers[name] = outgoing.headers[name]!
  return { method: 'GET', url, headers }
}
