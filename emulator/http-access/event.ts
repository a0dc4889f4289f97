/**
 * The event a function served by HTTP access receives, as CloudBase's HTTP access service builds it (its
 * "integration request", reference cloudbase-backend.md §3b; the same text in uniCloud's http doc):
 *
 * ```
 * { path: '/users/1', httpMethod: 'GET', headers: { 'content-type': '...' }, queryStringParameters: { a: '1' },
 *   requestContext: { requestId, envId, appId, uin }, body: '{"a":1}', isBase64Encoded: false }
 * ```
 *
 * `path` is relative to the route, `headers` are lower-case, every query value and the body are strings; a
 * body whose content type is not text arrives base64-encoded with `isBase64Encoded: true`. There is no
 * `method` field (the seed's `api` function reads one: it is `httpMethod`).
 */
import type { IncomingMessage } from 'node:http'

/** The largest text body CloudBase's HTTP access accepts (EXCEED_MAX_PAYLOAD_SIZE: "text 100 KB, binary 20 MB"). */
export const MAX_TEXT_BODY_BYTES = 100 * 1024

/** The largest binary body CloudBase's HTTP access accepts. */
export const MAX_BINARY_BODY_BYTES = 20 * 1024 * 1024

/**
 * The emulator's stand-ins for the Tencent Cloud account numbers of `requestContext` (`appId` is the account's
 * APPID, `uin` its user id on CloudBase: numbers there, never real ones here).
 */
export const HTTP_ACCESS_APPID = 1250000000
export const HTTP_ACCESS_UIN = 100000000000

export interface HttpAccessEvent {
  path: string
  httpMethod: string
  headers: Record<string, string>
  queryStringParameters: Record<string, string>
  requestContext: { requestId: string; envId: string; appId: number; uin: number }
  body: string
  isBase64Encoded: boolean
}

/**
 * Content types whose bodies are text, handed over as they are: `text/*`, JSON, XML, JavaScript and forms.
 * Anything else (images, `application/octet-stream`, `multipart/form-data`, no content type) is binary.
 */
export function isTextContent(contentType: string | undefined): boolean {
  const type = (contentType || '').split(';')[0]!.trim().toLowerCase()
  return /^text\//.test(type) || /^application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql)$/.test(type) || /\+(json|xml)$/.test(type)
}

/** The largest body a request of this content type may carry. */
export function bodyLimit(contentType: string | undefined): number {
  return isTextContent(contentType) ? MAX_TEXT_BODY_BYTES : MAX_BINARY_BODY_BYTES
}

/**
 * The request's headers with lower-case names (Node gives them so), each one string: a header sent several
 * times is joined with `, ` (`cookie` with `; `), as HTTP allows a list to be folded.
 */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.create(null)
  const raw = req.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase()
    const value = raw[i + 1]!
    headers[name] = name in headers ? `${headers[name]}${name === 'cookie' ? '; ' : ', '}${value}` : value
  }
  return headers
}

/**
 * The query string's parameters, decoded, each one string. A key given several times (`?tag=a&tag=b`) gets
 * its values joined with `,` (`'a,b'`): CloudBase documents only string values, and this keeps them all (the
 * emulator's choice, as AWS's HTTP API does). Bad percent-encoding is kept as sent, never an error.
 */
export function queryOf(search: string): Record<string, string> {
  const query: Record<string, string> = Object.create(null)
  for (const [key, value] of new URLSearchParams(search)) query[key] = key in query ? `${query[key]},${value}` : value
  return query
}

/** Builds the event of one request: `path` relative to its route, the body (bytes as received) as text or base64. */
export function httpAccessEvent(input: {
  path: string
  method: string
  headers: Record<string, string>
  search: string
  body: Buffer
  requestId: string
  env: string
}): HttpAccessEvent {
  const binary = input.body.length > 0 && !isTextContent(input.headers['content-type'])
  return {
    path: input.path,
    httpMethod: input.method,
    headers: input.headers,
    queryStringParameters: queryOf(input.search),
    requestContext: { requestId: input.requestId, envId: input.env, appId: HTTP_ACCESS_APPID, uin: HTTP_ACCESS_UIN },
    body: binary ? input.body.toString('base64') : input.body.toString('utf8'),
    isBase64Encoded: binary,
  }
}
