/**
 * WeChat's open API from cloud functions, recorded (docs/openapi.md). wx-server-sdk's `cloud.openapi.<ns>.<method>(data)`
 * reaches `/admin` as the action `wx.openApi`: multipart, `apiName` a field and `requestData` a protobuf
 * `CommApiData` part. The emulator cannot reach WeChat, so it does what a test needs instead: it decodes the
 * call, checks it against the calling function's config.json `permissions.openapi` as CloudBase does, records
 * it in the outbox and answers WeChat's success. `cloud.cloudPay` (`wx.wxPayApi`) and `cloud.callContainer`
 * (`wx.wxCallContainerApi`) stay refused with a message that names them: there is nothing to record them for.
 */
import { EmulatorError, invalidParam } from '../errors'
import { binaryAnswer } from '../pipeline/binary-answer'
import type { Action, Request, Service } from '../pipeline/service'
import { parseJsonExact } from './json-value'
import { decodeCommApiData, encodeCommOpenApiResp, OPEN_API, type DecodedCall } from './messages'
import { createOutbox, MAX_OUTBOX_ENTRIES, type Outbox, type OutboxEntry } from './outbox'
import { successFor } from './replies'

/** CloudBase's refusals, as wx-server-sdk's ERR_CODE table numbers them; they travel as `CommOpenApiResp.errorCode`. */
export const NO_PERMISSION = -604101
export const ILLEGAL_SOURCE = -604104

/** `namespace.method`, as config.json's `permissions.openapi` lists them. */
const API_NAME = /^[A-Za-z]\w{0,49}\.\w{1,50}$/

/** The running invocation a function's SDK request comes from (functions.invocationFor, handed over by index.ts). */
export type InvocationLookup = (token: unknown) => { functionName: string; requestId: string; openapi: readonly string[] } | undefined

export interface OpenapiService extends Service {
  readonly outbox: Outbox
}

const REFUSED: Record<string, string> = { 'wx.wxPayApi': 'cloud.cloudPay', 'wx.wxCallContainerApi': 'cloud.callContainer' }

const apiOf = (body: Record<string, unknown>) => (typeof body.apiName === 'string' && API_NAME.test(body.apiName) ? body.apiName : undefined)

/** The call's arguments by key: each value JSON (big integers kept exact), a media part as its description. */
function argumentsOf(call: DecodedCall): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const pair of call.pairs) {
    if (!pair.key) throw invalidParam('wx.openApi: a requestData pair has no key')
    let value: unknown
    if (pair.contenttype) value = { content_type: pair.contenttype, filename: pair.filename, size: pair.value.length }
    else {
      try {
        value = parseJsonExact(Buffer.from(pair.value).toString('utf8'))
      } catch {
        throw invalidParam(`wx.openApi: the value of "${pair.key.slice(0, 100)}" in requestData is not JSON (wx-server-sdk writes each argument as JSON)`)
      }
    }
    // defineProperty: a key "__proto__" is data, not the object's prototype.
    Object.defineProperty(data, pair.key, { value, enumerable: true, writable: true, configurable: true })
  }
  return data
}

const refusal = (errorCode: number) => binaryAnswer(encodeCommOpenApiResp({ errorCode }))

export function openapiService(options: { invocationFor: InvocationLookup; max?: number }): OpenapiService {
  const outbox = createOutbox(options.max ?? MAX_OUTBOX_ENTRIES)

  const openApi: Action = {
    access: 'principal',
    target: apiOf,
    handle({ body }: Request) {
      if (typeof body.apiName !== 'string' || !API_NAME.test(body.apiName)) throw invalidParam('wx.openApi: apiName must name the API as namespace.method, e.g. subscribeMessage.send')
      const api = body.apiName
      if (!Buffer.isBuffer(body.requestData)) throw invalidParam(`wx.openApi ${api}: requestData must be the protobuf CommApiData, sent as a multipart file part`)
      let call: DecodedCall
      try {
        call = decodeCommApiData(body.requestData)
      } catch (error) {
        throw invalidParam(`wx.openApi ${api}: requestData is not a protobuf CommApiData (${error instanceof Error ? error.message : String(error)})`)
      }
      if (call.apiType !== OPEN_API) throw new EmulatorError('INVALID_ACTION', `wx.openApi ${api}: only cloud.openapi calls (apiType OPEN_API) are served by the emulator, not apiType ${call.apiType}`)
      const data = argumentsOf(call)
      // Only a running function may call: CloudBase checks its config.json, which a script has none of.
      const invocation = options.invocationFor(body.wxCloudApiToken)
      if (!invocation) return refusal(ILLEGAL_SOURCE)
      if (invocation.openapi.indexOf(api) < 0) return refusal(NO_PERMISSION)
      outbox.add({ api, appid: call.appid, functionName: invocation.functionName, requestId: invocation.requestId, data })
      return binaryAnswer(encodeCommOpenApiResp({ respData: Buffer.from(JSON.stringify(successFor(api, data))), contentType: 'application/json', httpCode: 200 }))
    },
  }

  const optionalString = (name: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return undefined
    if (typeof value !== 'string' || value.length > 200) throw invalidParam(`${name}, when given, must be a string`)
    return value
  }
  const optionalCount = (name: string, value: unknown, min: number, max: number) => {
    if (value === undefined || value === null || value === '') return undefined
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) throw invalidParam(`${name}, when given, must be a whole number from ${min} to ${max}`)
    return number
  }

  const getOutbox: Action = {
    access: 'admin',
    target: (body) => (typeof body.api === 'string' ? body.api : undefined),
    handle({ body }: Request) {
      const api = optionalString('api', body.api)
      const functionName = optionalString('function_name', body.function_name)
      const since = optionalCount('since', body.since, 0, Number.MAX_SAFE_INTEGER)
      const limit = optionalCount('limit', body.limit, 1, MAX_OUTBOX_ENTRIES)
      const { entries, cursor } = outbox.list({
        ...(api !== undefined ? { api } : {}),
        ...(functionName !== undefined ? { functionName } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(limit !== undefined ? { limit } : {}),
      })
      return { data: { entries: entries as OutboxEntry[], cursor } }
    },
  }

  const admin: Record<string, Action> = { 'wx.openApi': openApi, 'openapi.getOutbox': getOutbox }
  for (const [action, kind] of Object.entries(REFUSED)) {
    admin[action] = {
      access: 'anyone',
      target: apiOf,
      handle({ body }) {
        const api = apiOf(body)
        throw new EmulatorError('INVALID_ACTION', `${kind}${api ? `.${api}` : ''} is not supported by the emulator: it cannot call WeChat's servers. Call it only on CloudBase, or stub it in your function when running locally`)
      },
    }
  }
  return { name: 'openapi', actions: { admin }, outbox }
}
