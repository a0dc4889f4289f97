/**
 * The command line's calls to a running emulator's `/admin`, signed with the admin key as the server SDKs
 * sign them (TC3-HMAC-SHA256 with signed body parameters: what `auth/admin-signature.ts` checks). The
 * official signer (@cloudbase/signature-nodejs) is only a dev dependency, so the few lines of TC3 are here.
 */
import { createHash, createHmac } from 'node:crypto'
import { request } from 'node:http'
import type { AdminCredentials } from '../auth/admin-signature'

const ALGORITHM = 'TC3-HMAC-SHA256'
const SERVICE = 'tcb'

/** Where the emulator is and what to sign with. */
export interface AdminTarget {
  /** The emulator's base URL, e.g. `http://127.0.0.1:9000`. */
  url: string
  env: string
  key: AdminCredentials
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest()

/** A body key as the signer lists it: lower-cased, trimmed, URL-encoded (`!'()*` too). */
const paramName = (key: string) => encodeURIComponent(key.toLowerCase().trim()).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
/** A body value as the signer hashes it: a string as it is, anything else as JSON, trimmed. */
const paramValue = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '').trim()

/**
 * The headers that sign a POST of `body` to `url` (path and query included) with `key` at `nowMs`:
 * Host, Content-Type, X-Timestamp, X-Signature-Expires and Authorization.
 */
export function signAdminRequest(url: string, body: Record<string, unknown>, key: AdminCredentials, nowMs: number = Date.now()): Record<string, string> {
  const { host, pathname, search } = new URL(url)
  const headers: Record<string, string> = { 'content-type': 'application/json', host }
  const signedHeaders = 'content-type;host'
  const params = Object.entries(body)
    .map(([name, value]) => [paramName(name), paramValue(value)] as const)
    .filter(([, value]) => value !== '')
  const payload = createHash('sha256')
  for (const [name, value] of params) payload.update(`&${name}=${value}\r\n`)
  const canonical = ['post', `//${host}${pathname}`, search.slice(1), `content-type:${headers['content-type']}\nhost:${host.toLowerCase()}\n`, signedHeaders, payload.digest('hex')].join('\n')
  const timestamp = Math.floor(nowMs / 1000)
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10)
  const scope = `${date}/${SERVICE}/tc3_request`
  const signingKey = hmac(hmac(hmac(`TC3${key.secretKey}`, date), SERVICE), 'tc3_request')
  const signature = hmac(signingKey, `${ALGORITHM}\n${timestamp}\n${scope}\n${sha256(canonical)}`).toString('hex')
  return Object.assign(headers, {
    'x-timestamp': String(timestamp),
    'x-signature-expires': '600',
    authorization: `${ALGORITHM} Credential=${key.secretId}/${scope}, SignedParams=${params.map(([name]) => name).join(';')}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  })
}

/** The emulator's answer to an admin action: `{ requestId, data }`, or `{ requestId, code, message }`. */
export type AdminAnswer = Record<string, unknown> & { code?: string; message?: string }

/** Posts the admin-dialect `action` with `params` to `target`, signed; resolves with the parsed answer. */
export function adminRequest(target: AdminTarget, action: string, params: Record<string, unknown>): Promise<AdminAnswer> {
  const url = `${target.url.replace(/\/+$/, '')}/admin?env=${encodeURIComponent(target.env)}`
  const body = { action, envName: target.env, ...params }
  const headers = signAdminRequest(url, body, target.key)
  return new Promise((resolve, reject) => {
    // node:http, not fetch: the Host header is signed and must go as given.
    const outgoing = request(url, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        try {
          resolve(JSON.parse(text) as AdminAnswer)
        } catch {
          reject(new Error(`${url} answered HTTP ${response.statusCode} with something that is not JSON: is it an mpcloud emulator? ${text.slice(0, 120)}`))
        }
      })
    })
    outgoing.on('error', reject)
    outgoing.end(JSON.stringify(body))
  })
}
