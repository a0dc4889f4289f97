/**
 * Host failures read as CloudBase failures: the string code and the server's message that a
 * `{ code, message }` response carries, so the request pipeline builds the same `CloudError` over the
 * native transport as over HTTP.
 */
import { isServerCode, serverCodeOf } from '../protocol/errors'
import { REALTIME_ERRORS, REALTIME_PREFIX } from '../protocol/realtime'
import { isObjectLike } from '../internal/is'
import type { HostDifferences, HostFailure } from './host'

/** A failure the native transport itself reports (an unsupported request, a host without a method). */
export class NativeFailure extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'NativeFailure'
    this.code = code
  }
}

/** What the host cannot do: a local failure (errCode -1), never retried. */
export function unsupported(message: string): NativeFailure {
  return new NativeFailure('SDK_ERROR', message)
}

/**
 * The CloudBase string code of a wx `errCode` (the reverse of `errCodeOf`): `-502005` →
 * `'DATABASE_COLLECTION_NOT_EXIST'`, `-1` → `'SDK_ERROR'` (wx's local failures); `undefined` when wx
 * documents no CloudBase code for it.
 */
export function codeOfErrCode(errCode: number): string | undefined {
  if (errCode === -1) return 'SDK_ERROR'
  const realtime = REALTIME_ERRORS[-402002 - errCode]
  if (realtime) return REALTIME_PREFIX + realtime
  return serverCodeOf(errCode)
}

/** The first CloudBase code named in `text` (servers often quote theirs inside a host's message). */
export function codeIn(text: string): string | undefined {
  const words = text.match(/[A-Z][A-Z_]{4,}[A-Z]/g) || []
  for (const word of words) if (isServerCode(word)) return word
  return undefined
}

/** A wx `errMsg` taken apart. */
export interface ErrMsgParts {
  /** The numeric code quoted in the text, when there is one. */
  errCode?: number
  /** wx's short description of that code, e.g. `'database collection not exists'`. */
  description?: string
  /** What the server (or the SDK) said, without the API name and the code. */
  message: string
}

/**
 * Takes a wx `errMsg` apart: `'collection.get:fail -502005 database collection not exists. collection
 * nocoll not exists'` → `{ errCode: -502005, description: 'database collection not exists', message:
 * 'collection nocoll not exists' }`. Also reads the older `'...:fail Error: errCode: -501007 … | errMsg:
 * …'` and a bare `'<api>:fail <detail>'`.
 */
export function readErrMsg(errMsg: string): ErrMsgParts {
  const nested = /errCode:\s*(-?\d+)[\s\S]*?\|\s*errMsg:\s*([\s\S]*)$/.exec(errMsg)
  if (nested) return { errCode: Number(nested[1]), message: nested[2]!.trim() }
  const detail = errMsg.replace(/^[\w.$-]*:fail\s*/, '').replace(/^Error:\s*/, '')
  const coded = /^(-\d+)\s+([^.]*)\.\s*([\s\S]*)$/.exec(detail)
  if (coded) {
    const description = coded[2]!.trim()
    return { errCode: Number(coded[1]), description, message: coded[3]!.trim() || description }
  }
  const bare = /^(-\d+)\s*([\s\S]*)$/.exec(detail)
  if (bare) return { errCode: Number(bare[1]), message: bare[2]!.trim() }
  return { message: detail }
}

/** A CloudBase string code. */
const CODE = /^[A-Z][A-Z0-9_]+$/

/** The text of any thrown or rejected value. */
export function textOf(reason: unknown): string {
  if (typeof reason === 'string') return reason
  if (isObjectLike(reason) || reason instanceof Error) {
    const r = reason as { errMsg?: unknown; errorMessage?: unknown; message?: unknown }
    for (const text of [r.errMsg, r.errorMessage, r.message]) if (typeof text === 'string' && text) return text
  }
  try {
    return JSON.stringify(reason)
  } catch {
    return String(reason)
  }
}

/**
 * Any failure as CloudBase reports it. Ours and CloudBase-shaped ones (`{ code: 'STRING', message }`, as
 * js-sdk and EMAS give) are read directly; the rest by the host's table. Never throws.
 */
export function failureOf(reason: unknown, host: HostDifferences): HostFailure {
  const r = reason as { code?: unknown; message?: unknown; errCode?: unknown; msgType?: unknown; msgData?: unknown } | null | undefined
  if (r && typeof r === 'object') {
    if (typeof r.code === 'string' && CODE.test(r.code)) return { code: r.code, message: typeof r.message === 'string' ? r.message : r.code }
    // A realtime ERROR frame, as the official realtime client hands it to onError first (§6).
    const frame = r.msgType === 'ERROR' && isObjectLike(r.msgData) ? r.msgData : undefined
    if (frame && typeof frame.code === 'string') return { code: frame.code, message: typeof frame.message === 'string' ? frame.message : frame.code }
    // CloudBase SDK errors carry a string errCode (`SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL`).
    if (typeof r.errCode === 'string' && CODE.test(r.errCode)) return { code: r.errCode, message: textOf(reason) }
  }
  try {
    const failure = host.failure(reason)
    if (failure && typeof failure.code === 'string' && failure.code) return failure
  } catch (error) {
    // A table that cannot read the failure must not hide it: report what it was, as a system error.
    return { code: 'SYS_ERR', message: `${textOf(reason)} (and ${host.name}'s table could not read it: ${textOf(error)})` }
  }
  return { code: 'SYS_ERR', message: textOf(reason) }
}
