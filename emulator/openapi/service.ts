/**
 * WeChat's open API from cloud functions (`cloud.openapi.*`, `cloud.cloudPay.*`, `cloud.callContainer`):
 * node-sdk posts them to `/admin` as `wx.openApi`, `wx.wxPayApi` and `wx.wxCallContainerApi`, multipart
 * with a protobuf body (docs/protocol.md §11). The emulator cannot reach WeChat, so each is refused with a
 * message that names the API, instead of failing on the body. They are refused before any credential is
 * read, as an unknown action is: a refusal reveals and changes nothing.
 */
import { EmulatorError } from '../errors'
import type { Action, Service } from '../pipeline/service'

const KINDS: Record<string, string> = {
  'wx.openApi': 'cloud.openapi',
  'wx.wxPayApi': 'cloud.cloudPay',
  'wx.wxCallContainerApi': 'cloud.callContainer',
}

/** The API a request names (`apiName`, e.g. `subscribeMessage.send`), safe to show. */
const apiOf = (body: Record<string, unknown>) => (typeof body.apiName === 'string' && /^[\w.]{1,100}$/.test(body.apiName) ? body.apiName : undefined)

export function openapiService(): Service {
  const admin: Record<string, Action> = {}
  for (const [action, kind] of Object.entries(KINDS)) {
    admin[action] = {
      access: 'anyone',
      target: apiOf,
      handle({ body }) {
        const api = apiOf(body)
        throw new EmulatorError(
          'INVALID_ACTION',
          `${kind}${api ? `.${api}` : ''} is not supported by the emulator: it cannot call WeChat's servers. Call it only on CloudBase, or stub it in your function when running locally`,
        )
      },
    }
  }
  return { name: 'openapi', actions: { admin } }
}
