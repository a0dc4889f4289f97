/**
 * The check on server SDK requests to `/admin`. node-sdk 3.x (and wx-server-sdk, which wraps it) signs each one
 * with TC3-HMAC-SHA256 and the caller's secretId/secretKey, through @cloudbase/signature-nodejs; this recomputes
 * that signature from the request as received (the emulator does not depend on the signing library).
 *
 * The signer's canonical request, line by line:
 * - the method as the SDK passed it: node-sdk's `post` (the upper-case spelling is accepted too);
 * - the URL without scheme and query, `//host/path`;
 * - the query string;
 * - `name:value\n` for each SignedHeaders name, values lower-cased and trimmed, except content-type, kept as sent;
 * - the SignedHeaders list;
 * - the SHA-256 of `&key=value\r\n` for each SignedParams key, where keys are the body's keys lower-cased, trimmed
 *   and URL-encoded, and values are strings as they are, anything else `JSON.stringify`-ed, trimmed; the signer
 *   skips empty values.
 *
 * SignedParams itself is outside the signature, so it is only trusted for the order to hash in: every body key
 * with a value must be in it, and every key in it must be in the body.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { EmulatorError } from '../errors'

/** The emulator's admin key pair: what server SDKs sign with (CloudBase's secretId/secretKey). */
export interface AdminCredentials {
  secretId: string
  secretKey: string
}

/** An `/admin` request as the emulator received it. */
export interface SignedRequest {
  /** As received, e.g. 'POST'. */
  method: string
  /** req.url as received: path and query, e.g. '/admin?env=demo-env&seqId=abc'. */
  url: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body. */
  body: unknown
}

const ALGORITHM = 'TC3-HMAC-SHA256'
const SERVICE = 'tcb'
/** node-sdk's `X-Signature-Expires`. That header is outside the signature, so it may shorten the window, never lengthen it. */
const MAX_AGE_S = 600
/** How far a signer's clock may run ahead of the emulator's. */
const MAX_SKEW_S = 600
const WHERE_CREDENTIALS = "the emulator's admin credentials are printed when it starts and returned by startEmulator() as adminCredentials"
const AUTHORIZATION_FORM = `"${ALGORITHM} Credential=<secretId>/<date>/${SERVICE}/tc3_request, SignedParams=<keys>, SignedHeaders=<names>, Signature=<hex>"`

/** What the Authorization header says. */
interface Authorization {
  secretId: string
  /** `<date>/tcb/tc3_request`. */
  scope: string
  /** As sent: `;`-separated names, in the order the signer used. */
  signedHeaders: string
  signedParams: string[]
  signature: string
}

/**
 * Checks the signature against `credentials`; returns normally when it holds. Otherwise throws
 * `new EmulatorError('SIGN_PARAM_INVALID', <message a person can act on>)` and never any other exception,
 * whatever the input (missing/garbled header, multibyte text, huge values...).
 */
export function verifyAdminSignature(request: SignedRequest, credentials: AdminCredentials, nowMs: number = Date.now()): void {
  const { headers } = request
  const authorization = parseAuthorization(headerValue(headers, 'authorization'))
  if (authorization.secretId !== credentials.secretId) {
    throw refuse(`unknown secretId ${quote(authorization.secretId)}: sign with the emulator's own key pair; ${WHERE_CREDENTIALS}`)
  }
  const timestamp = signingTime(headers, nowMs)
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10)
  const scope = `${date}/${SERVICE}/tc3_request`
  if (authorization.scope !== scope) {
    throw refuse(`the Credential scope ${quote(authorization.scope)} should be ${scope}: the UTC date of X-Timestamp, service ${SERVICE}`)
  }
  // The signer hashes no parameters for a GET (node-sdk would put them in the unsigned query); node-sdk posts every /admin action.
  if (request.method.toUpperCase() !== 'POST') throw refuse(`admin requests are POSTs, not ${quote(request.method)}`)

  const host = headerValue(headers, 'host')
  if (host === undefined) throw refuse('no Host header: the signature covers //host/path')
  const queryAt = request.url.indexOf('?')
  const path = queryAt < 0 ? request.url : request.url.slice(0, queryAt)
  const query = queryAt < 0 ? '' : request.url.slice(queryAt + 1)
  const afterMethod = `\n//${host}${path}\n${query}\n${canonicalHeaders(headers, authorization.signedHeaders)}\n${authorization.signedHeaders}\n${payloadHash(request.body, authorization.signedParams)}`

  const signingKey = hmac(hmac(hmac(`TC3${credentials.secretKey}`, date), SERVICE), 'tc3_request')
  const given = Buffer.from(authorization.signature)
  // Both spellings are always compared: no early exit for the time taken to give away.
  const matches = ['post', 'POST'].map((method) => {
    const stringToSign = `${ALGORITHM}\n${timestamp}\n${scope}\n${sha256(method + afterMethod)}`
    const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'))
    return expected.length === given.length && timingSafeEqual(expected, given)
  })
  if (!matches.includes(true)) {
    throw refuse(
      `the signature does not match this request: it was made with another secretKey (${WHERE_CREDENTIALS}), or the ` +
        'path, query, Host, a signed header or a body parameter changed after signing (a proxy rewriting Host or the path does that)',
    )
  }
}

function refuse(message: string): EmulatorError {
  return new EmulatorError('SIGN_PARAM_INVALID', message)
}

/** `text` as a JSON string literal, cut short: messages must stay readable when the input is a megabyte of garbage. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest()
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A header as a string, or undefined when absent or not a string (the headers may come from anywhere). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null || !Object.prototype.hasOwnProperty.call(headers, name)) return undefined
  const value: unknown = (headers as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : undefined
}

function parseAuthorization(header: string | undefined): Authorization {
  if (header === undefined || header.trim() === '') {
    throw refuse(`the request is not signed at all (no Authorization header): server SDKs sign /admin requests with a secretId/secretKey; ${WHERE_CREDENTIALS}`)
  }
  if (/^bearer\s/i.test(header)) {
    throw refuse(`the Authorization header is a Bearer token (node-sdk's accessKey); the emulator takes ${ALGORITHM} signatures: init the SDK with secretId/secretKey, not accessKey; ${WHERE_CREDENTIALS}`)
  }
  const garbled = (what: string) => refuse(`the Authorization header is not a ${ALGORITHM} signature (${what}); node-sdk sends ${AUTHORIZATION_FORM}`)
  const prefix = `${ALGORITHM} `
  if (!header.startsWith(prefix)) throw garbled(`it starts ${quote(header.slice(0, 20))}`)
  const fields = new Map<string, string>()
  for (const part of header.slice(prefix.length).split(',')) {
    const field = part.trim()
    const equals = field.indexOf('=')
    const name = field.slice(0, equals)
    if (equals < 0 || !['Credential', 'SignedParams', 'SignedHeaders', 'Signature'].includes(name) || fields.has(name)) {
      throw garbled(`unexpected ${quote(field)}`)
    }
    fields.set(name, field.slice(equals + 1))
  }
  const credential = fields.get('Credential')
  const signedParams = fields.get('SignedParams')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw garbled('it needs Credential, SignedHeaders and Signature')
  }
  if (signedParams === undefined) {
    throw refuse('the Authorization header lists no SignedParams, so the body cannot be checked: sign with withSignedParams: true, as node-sdk does')
  }
  // The secretId comes first and is the caller's to choose, so it may hold slashes; the scope's three parts are fixed.
  const pieces = credential.split('/')
  if (pieces.length < 4) throw garbled(`Credential ${quote(credential)} is not <secretId>/<date>/${SERVICE}/tc3_request`)
  return {
    secretId: pieces.slice(0, -3).join('/'),
    scope: pieces.slice(-3).join('/'),
    signedHeaders,
    signedParams: signedParams === '' ? [] : signedParams.split(';'),
    signature,
  }
}

/** The signing time (seconds) from X-Timestamp, if it is within X-Signature-Expires of `nowMs` and not too far ahead. */
function signingTime(headers: unknown, nowMs: number): number {
  const seconds = (name: string, raw: string) => {
    if (!/^\d{1,12}$/.test(raw)) throw refuse(`${name} ${quote(raw)} is not a whole number of seconds`)
    return Number(raw)
  }
  const raw = headerValue(headers, 'x-timestamp')
  if (raw === undefined) throw refuse('no X-Timestamp header: node-sdk sends the signing time there, in seconds')
  const timestamp = seconds('X-Timestamp', raw)
  const expires = headerValue(headers, 'x-signature-expires')
  const maxAge = Math.min(expires === undefined ? MAX_AGE_S : seconds('X-Signature-Expires', expires), MAX_AGE_S)
  const now = Math.floor(nowMs / 1000)
  if (now - timestamp > maxAge) {
    throw refuse(
      `the signature expired: it was made at ${new Date(timestamp * 1000).toISOString()}, ${now - timestamp} s ago, and holds ` +
        `for ${maxAge} s; sign the request anew (and check the signer's clock)`,
    )
  }
  if (timestamp - now > MAX_SKEW_S) {
    throw refuse(`the signature is from the future: X-Timestamp is ${timestamp - now} s ahead of the emulator's clock (at most ${MAX_SKEW_S} s is allowed); check the signer's clock`)
  }
  return timestamp
}

/** `name:value\n` for each signed header, in the signer's order. */
function canonicalHeaders(headers: unknown, signedHeaders: string): string {
  let lines = ''
  for (const name of signedHeaders === '' ? [] : signedHeaders.split(';')) {
    const value = headerValue(headers, name)
    if (value === undefined) throw refuse(`the signed header ${quote(name)} is missing from the request`)
    // The signer takes content-type as given, keeping only the type of a multipart one (its boundary is not signed).
    const canonical = name !== 'content-type' ? value.trim().toLowerCase() : value.startsWith('multipart/form-data') ? 'multipart/form-data' : value
    lines += `${name}:${canonical}\n`
  }
  return lines
}

/** The SHA-256 (hex) of `&key=value\r\n` for each of `signedParams`, after checking they are exactly the body's non-empty keys. */
function payloadHash(body: unknown, signedParams: string[]): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw refuse('the body is not a JSON object: node-sdk posts { action, envName, ...parameters }')
  }
  const params = new Map<string, { key: string; value: string | Buffer }>()
  for (const [key, raw] of Object.entries(body)) {
    const value = paramValue(key, raw)
    const name = paramName(key)
    if (name === '') {
      // The signer leaves the empty key out, and lists a blank one as an empty name it cannot tell from "no keys".
      if (value !== '') throw refuse(`the body key ${quote(key)} is blank, which no signature covers`)
      continue
    }
    const same = params.get(name)
    // The signer keeps one of the two, so the other could carry anything.
    if (same) throw refuse(`the body keys ${quote(same.key)} and ${quote(key)} are one key (${quote(name)}) to the signature, which cannot cover both`)
    params.set(name, { key, value })
  }
  const signed = new Set(signedParams)
  for (const [name, { key, value }] of params) {
    if (value !== '' && !signed.has(name)) {
      throw refuse(`the body key ${quote(key)} is not among the signed parameters (SignedParams): it was added after signing`)
    }
  }
  const hash = createHash('sha256')
  for (const name of signedParams) {
    const value = params.get(name)?.value
    if (!value) throw refuse(`the signed parameter ${quote(name)} is missing from the body, or empty`)
    hash.update(`&${name}=`).update(value).update('\r\n')
  }
  return hash.digest('hex')
}

/** A body key as the signer lists it: lower-cased, trimmed, URL-encoded, `!'()*` included. */
function paramName(key: string): string {
  try {
    return encodeURIComponent(key.toLowerCase().trim()).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  } catch {
    // encodeURIComponent refuses lone surrogates; so does the signer, so no SDK sent this key.
    throw refuse(`the body key ${quote(key)} is not well-formed unicode`)
  }
}

/** A body value as the signer hashes it: a string as it is, anything else as JSON, trimmed. */
function paramValue(key: string, value: unknown): string | Buffer {
  if (typeof value === 'string') return value.trim()
  // A multipart file part (wx.openApi's protobuf requestData): the signer hashes its bytes as they are.
  if (Buffer.isBuffer(value)) return value
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    throw refuse(`the body key ${quote(key)} holds a value that cannot be written as JSON`)
  }
  // undefined (a value JSON cannot carry) never reaches the wire, so it signs as absent.
  return json === undefined ? '' : json.trim()
}
