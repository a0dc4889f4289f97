/**
 * Calls to the emulator's `/admin` endpoint, signed as the official server SDKs sign them: node-sdk's headers
 * (`getHeaders` in its tcbapirequester.ts) and URL (`buildUrl`, tcbapiendpoint.ts), signed by the official
 * `sign` of @cloudbase/signature-nodejs, so a test passes only if the emulator accepts what node-sdk and
 * wx-server-sdk send.
 */
import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { parse } from 'node:url'
import { sign } from '@cloudbase/signature-nodejs'

/** Where to send admin calls, and the key pair to sign them with (`startEmulator()` returns all three). */
export interface AdminTarget {
  url: string
  env: string
  adminCredentials: { secretId: string; secretKey: string }
}

/** What node-sdk puts in User-Agent and X-SDK-Version (the version installed here). */
const SDK_VERSION = 'tcb-node-sdk/3.18.3'

/**
 * One admin-dialect action's request, signed as node-sdk signs it, without sending it (for tests that tamper
 * with one part): the URL, the headers as sent, and the JSON body `{ action, envName: target.env, ...params }`.
 */
export function signedAdminRequest(
  target: AdminTarget,
  action: string,
  params: Record<string, unknown> = {},
): { url: string; headers: Record<string, string>; body: string } {
  const url = `${target.url}/admin?env=${target.env}&seqId=${randomUUID()}`
  const body = { action, envName: target.env, ...params }
  const headers: Record<string, string | number> = {
    // node-sdk's action modules pass content-type; getHeaders spreads its own headers after it.
    'content-type': 'application/json',
    'User-Agent': SDK_VERSION,
    // `${source},${runEnvTag}`: no calling source, and not inside SCF, CBR or Tencent Cloud.
    'X-TCB-Source': ',unknown',
    // A number, as node-sdk passes it: the signer JSON-stringifies header values.
    'X-Client-Timestamp': Date.now(),
    'X-SDK-Version': SDK_VERSION,
    // url.parse, as node-sdk uses: the signer checks Host against its own url.parse of the URL.
    Host: parse(url).host ?? '',
  }
  const { authorization, timestamp } = sign({
    ...target.adminCredentials,
    method: 'post',
    url,
    params: body,
    headers,
    withSignedParams: true,
    timestamp: Math.floor(Date.now() / 1000) - 1,
  })
  const sent: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) sent[name] = String(value)
  Object.assign(sent, { Authorization: authorization, 'X-Signature-Expires': '600', 'X-Timestamp': String(timestamp) })
  return { url, headers: sent, body: JSON.stringify(body) }
}

/**
 * Posts one admin-dialect action to `${target.url}/admin?env=..&seqId=..`, signed exactly as node-sdk signs
 * it, and returns the parsed JSON answer.
 */
export async function adminCall(target: AdminTarget, action: string, params?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { url, headers, body } = signedAdminRequest(target, action, params)
  // node:http rather than fetch: fetch would not send the Host header as given, and Host is signed.
  const text = await new Promise<string>((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
  return JSON.parse(text) as Record<string, unknown>
}
