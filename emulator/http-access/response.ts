/**
 * What an HTTP access request is answered with, from what its function returned (reference
 * cloudbase-backend.md §3b, CloudBase's "integration response"):
 *
 * - a string or a number: 200, `text/plain; charset=utf-8`, the value as text;
 * - an integration response `{ statusCode, headers, body, isBase64Encoded }`: used as it is (any headers,
 *   `set-cookie` as an array of cookies, `location`; a base64 `body` decoded when `isBase64Encoded`);
 * - anything else (a plain object, an array, `true`, `null` when nothing is returned): 200,
 *   `application/json; charset=utf-8`, its JSON.
 *
 * An object counts as an integration response when it has `statusCode`, or a `body` beside `headers` or
 * `isBase64Encoded`: CloudBase takes an object that looks like one for one (its doc warns that returning the
 * received event as it is gets read so), and so does the emulator.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http'

/** A response to write: status, headers (a header with several values as an array), body bytes. */
export interface HttpAccessResponse {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

/** The function returned something this cannot answer with: a 502 whose message says what is wrong. */
export class BadIntegrationResponse extends Error {}

/** Headers the server itself writes from the body it sends: one the function gives would lie about it. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade'])

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

/** Whether `value` is taken for an integration response. */
export function isIntegrationResponse(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false
  const has = (key: string) => Object.prototype.hasOwnProperty.call(value, key)
  return has('statusCode') || (has('body') && (has('headers') || has('isBase64Encoded')))
}

const text = (status: number, type: string, body: string): HttpAccessResponse => ({ status, headers: { 'content-type': type }, body: Buffer.from(body, 'utf8') })

/** The response for a function's result, given as the JSON text of what it returned. */
export function responseOf(json: string): HttpAccessResponse {
  const value: unknown = JSON.parse(json)
  if (typeof value === 'string') return text(200, 'text/plain; charset=utf-8', value)
  if (typeof value === 'number') return text(200, 'text/plain; charset=utf-8', String(value))
  if (isIntegrationResponse(value)) return integrationResponse(value)
  return text(200, 'application/json; charset=utf-8', json)
}

function integrationResponse(value: Record<string, unknown>): HttpAccessResponse {
  const status = value.statusCode === undefined ? 200 : value.statusCode
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new BadIntegrationResponse(`the integration response's statusCode must be a whole number from 200 to 599, not ${JSON.stringify(status)}`)
  }
  const headers: Record<string, string | string[]> = {}
  if (value.headers !== undefined && value.headers !== null) {
    if (!isObject(value.headers)) throw new BadIntegrationResponse('the integration response\'s headers must be an object of { name: value }')
    for (const [name, given] of Object.entries(value.headers)) {
      const lower = name.toLowerCase()
      if (FRAMING.has(lower)) continue
      const values = Array.isArray(given) ? given : [given]
      if (!values.every((one) => typeof one === 'string' || typeof one === 'number' || typeof one === 'boolean')) {
        throw new BadIntegrationResponse(`the integration response's header ${JSON.stringify(name)} must be a string, a number or an array of strings`)
      }
      const strings = values.map(String)
      try {
        validateHeaderName(name)
        for (const one of strings) validateHeaderValue(name, one)
      } catch (error) {
        throw new BadIntegrationResponse(`the integration response's header ${JSON.stringify(name)} cannot be sent: ${error instanceof Error ? error.message : String(error)}`)
      }
      headers[lower] = Array.isArray(given) ? strings : strings[0]!
    }
  }
  const body = value.body === undefined || value.body === null ? '' : typeof value.body === 'string' ? value.body : JSON.stringify(value.body)
  if (value.isBase64Encoded === true) {
    if (!/^[A-Za-z0-9+/=\s]*$/.test(body)) throw new BadIntegrationResponse('the integration response says isBase64Encoded, but its body is not base64')
    return { status, headers, body: Buffer.from(body, 'base64') }
  }
  return { status, headers, body: Buffer.from(body, 'utf8') }
}
