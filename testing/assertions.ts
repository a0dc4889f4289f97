/**
 * `assertFails` / `assertSucceeds`: what a rules test asserts about one request. A refusal comes in several
 * shapes, and all of them count:
 * - an error with wx's `errCode` (−502003 database, −503002 storage) or CloudBase's string `code`
 *   (`DATABASE_PERMISSION_DENIED`, `STORAGE_EXCEED_AUTHORITY`, `PERMISSION_DENIED` for functions and
 *   sign-in, `EXCEED_AUTHORITY`, `COLLECTION_PERMISSION_DENIED` from a watch), thrown by our SDK, wx-server-sdk
 *   or js-sdk;
 * - a *resolved* result carrying such a `code`: js-sdk's database calls resolve `{ code, message }` instead
 *   of rejecting;
 * - a batch file result (`getTempFileURL`, `deleteFile`) whose every item was refused (`status` −503002,
 *   or an item `code`).
 */

const DENIED_CODES = ['DATABASE_PERMISSION_DENIED', 'STORAGE_EXCEED_AUTHORITY', 'PERMISSION_DENIED', 'EXCEED_AUTHORITY', 'COLLECTION_PERMISSION_DENIED']
const DENIED_ERRCODES = [-502003, -503002]
/**
 * Where a refusal is known only by its text: js-sdk's non-database errors (`Error.message` is
 * `{"code":"OPERATION_FAIL","msg":"[STORAGE_EXCEED_AUTHORITY] ..."}`), js-sdk's watch errors
 * (`Watch Error {"code":"DATABASE_PERMISSION_DENIED", ...}`) and a watch's failed start in wx.cloud and our SDK
 * (`watch:fail -402002 ... DATABASE_PERMISSION_DENIED: ...`).
 */
const DENIED_TEXT = new RegExp(`(\\[|"|\\. )(${DENIED_CODES.join('|')})(\\]|"|:)`)

type AnyObject = Record<string, unknown>

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object'

/** Whether `value` (an error, or a result or item) says a security rule refused it. */
export function isPermissionDenied(value: unknown): boolean {
  if (!isObject(value)) return false
  if (typeof value.code === 'string' && DENIED_CODES.includes(value.code)) return true
  if (typeof value.errCode === 'number' && DENIED_ERRCODES.includes(value.errCode)) return true
  // A batch item of our SDK or wx.cloud: `{ fileID, status, errMsg }`.
  if (typeof value.status === 'number' && DENIED_ERRCODES.includes(value.status)) return true
  // js-sdk's realtime error payload: `{ msgType: 'ERROR', msgData: { code } }`.
  if (isObject(value.msgData) && isPermissionDenied(value.msgData)) return true
  for (const text of [value.errMsg, value.message]) if (typeof text === 'string' && DENIED_TEXT.test(text)) return true
  return false
}

/** The items of a batch file result, or undefined for any other value. */
function itemsOf(result: unknown): unknown[] | undefined {
  if (!isObject(result)) return undefined
  for (const key of ['fileList', 'download_list', 'delete_list']) {
    const list = result[key]
    if (Array.isArray(list) && list.length) return list
  }
  return undefined
}

/** A short text of `value` for a failure message. */
function shown(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  try {
    const text = JSON.stringify(value)
    return text === undefined ? String(value) : text.length > 300 ? `${text.slice(0, 300)}…` : text
  } catch {
    return String(value)
  }
}

/**
 * Resolves with the refusal when `request` was refused by a security rule, in any of the shapes above;
 * rejects when it succeeded, or failed for another reason (naming it).
 */
export async function assertFails(request: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  let result: unknown
  try {
    result = await (typeof request === 'function' ? request() : request)
  } catch (error) {
    if (isPermissionDenied(error)) return error
    throw new Error(`expected a permission denial, but the request failed otherwise: ${shown(error)}`, { cause: error })
  }
  if (isPermissionDenied(result)) return result
  const items = itemsOf(result)
  if (items) {
    const refused = items.filter(isPermissionDenied).length
    if (refused === items.length) return result
    if (refused) throw new Error(`expected a permission denial, but only ${refused} of ${items.length} items were refused: ${shown(result)}`)
  }
  if (isObject(result) && typeof result.code === 'string' && result.code) {
    throw new Error(`expected a permission denial, but the request answered ${result.code}: ${shown(result)}`)
  }
  throw new Error(`expected a permission denial, but the request succeeded: ${shown(result)}`)
}

/**
 * Resolves with the result when `request` succeeded; rejects when it was refused or failed, including
 * js-sdk's resolved `{ code }` failures and batch results with a refused item.
 */
export async function assertSucceeds<T>(request: Promise<T> | (() => Promise<T>)): Promise<T> {
  let result: T
  try {
    result = await (typeof request === 'function' ? request() : request)
  } catch (error) {
    throw new Error(`expected the request to succeed, but it failed: ${shown(error)}`, { cause: error })
  }
  if (isObject(result) && typeof result.code === 'string' && result.code && result.code !== 'SUCCESS') {
    throw new Error(`expected the request to succeed, but it answered ${result.code}: ${shown(result)}`)
  }
  const refused = (itemsOf(result) || []).filter(isPermissionDenied).length
  if (refused) throw new Error(`expected the request to succeed, but ${refused} of its items were refused: ${shown(result)}`)
  return result
}
