/**
 * What the emulator answers for an accepted open API call: WeChat's success, `{ errcode: 0, errmsg: 'ok' }`,
 * plus the result fields WeChat's documentation gives for the APIs a function reads back. Every other API
 * gets the bare success (docs/openapi.md lists them).
 */
import { randomUUID } from 'node:crypto'

type Reply = (data: Record<string, unknown>) => Record<string, unknown>

const REPLIES: Record<string, Reply> = {
  // Content security v2: the verdict a clean text gets (`suggest: 'pass'`, label 100 "normal").
  'security.msgSecCheck': () => ({ trace_id: randomUUID(), result: { suggest: 'pass', label: 100 }, detail: [] }),
  // Asynchronous media check: only the id of the check; the verdict would come later as an event.
  'security.mediaCheckAsync': () => ({ trace_id: randomUUID() }),
  // One status per phone number, as WeChat's send_status_list.
  'cloudbase.sendSms': (data) => ({
    send_status_list: (Array.isArray(data.phone_number_list) ? data.phone_number_list : []).map((phone: unknown, i: number) => ({
      serial_no: `emulator-${Date.now()}-${i}`,
      phone_number: String(phone),
      code: 'Ok',
      message: 'send success',
      iso_code: 'CN',
    })),
  }),
  'cloudbase.sendSmsV2': (data) => REPLIES['cloudbase.sendSms']!(data),
}

/** The JSON WeChat answers `api` with when it succeeds. */
export function successFor(api: string, data: Record<string, unknown>): Record<string, unknown> {
  const reply = REPLIES[api]
  return { errcode: 0, errmsg: 'ok', ...(reply ? reply(data) : {}) }
}
