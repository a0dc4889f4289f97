/**
 * WeChat's cloud database (`wx.cloud.database()`) for the native transport: the shared model of the
 * decoder is wx's, so this table only states it, and reads wx's failures.
 *
 * @example
 * import { createNativeTransport, createNativeWatch } from 'mpcloud'
 * const open = (env?: string) => wx.cloud.database(env ? { env } : {})
 * const native = { transport: createNativeTransport(open, wxDifferences), watch: createNativeWatch(open, wxDifferences) }
 */
import { codeIn, codeOfErrCode, createNativeTransport, readErrMsg, textOf, type createNativeWatch, type HostDatabase, type HostDifferences, type NativeCalls, type NativeConnection, type Platform } from '../../src/index'
import { hostCall } from './host-calls'

interface WxError {
  errCode?: unknown
  errMsg?: unknown
}

function errMsgOf(reason: unknown): string {
  const r = reason as WxError | null | undefined
  return r && typeof r.errMsg === 'string' ? r.errMsg : textOf(reason)
}

/** How wx.cloud's database differs from the model: it is the model. */
export const wxDifferences: HostDifferences = {
  name: 'WeChat (wx.cloud)',
  // `query.field({ title: true })`, `get()` → `{ data: [...] }`, update/remove → `{ stats: { updated | removed } }`.
  projection: 'field',
  list: 'data',
  written: 'stats',
  // Not in the mini program typings; the client sends the array and the service inserts it at once.
  batchAdd: true,
  // Every stage of `DB.Aggregate` (platforms.md §1.4): no `stages` list.

  /**
   * `Error { errCode: -502005, errMsg: 'collection.get:fail -502005 database collection not exists. <server
   * message>' }` → `{ code: 'DATABASE_COLLECTION_NOT_EXIST', message: '<server message>' }`; an errCode
   * without a CloudBase code → `SYS_ERR`, keeping wx's text.
   */
  failure(reason) {
    const errMsg = errMsgOf(reason)
    const parts = readErrMsg(errMsg)
    const r = reason as WxError | null | undefined
    const errCode = r && typeof r.errCode === 'number' ? r.errCode : parts.errCode
    const known = errCode === undefined ? undefined : codeOfErrCode(errCode)
    const code = known || codeIn(errMsg) || 'SYS_ERR'
    return { code, message: known ? parts.message : errMsg }
  },

  /** `doc(id).get()` of a missing document fails with errCode -1 ("document with _id … does not exist"). */
  missingDocument(reason) {
    const r = reason as WxError | null | undefined
    return !!r && (r.errCode === -1 || r.errCode === undefined) && /does not exist/.test(errMsgOf(reason))
  },
}

type CloudMethod = (options: Record<string, unknown>) => PromiseLike<unknown>

/** `wx.cloud` as far as the native connection uses it. */
export interface WxCloudLike {
  init(config: { env?: string }): unknown
  database(config?: { env?: string }): HostDatabase
  callFunction?: CloudMethod
  uploadFile?: CloudMethod
  downloadFile?: CloudMethod
  getTempFileURL?: CloudMethod
  deleteFile?: CloudMethod
}

const CALLS = ['callFunction', 'uploadFile', 'downloadFile', 'getTempFileURL', 'deleteFile'] as const

/**
 * The native side of a wx-style host (`wx.cloud`, `Taro.cloud` on weapp): `wx.cloud.init({ env })` once
 * (first call wins there too), then each environment's database through the shared decoder, and its
 * watch with `createNativeWatch`.
 */
export function wxNative(cloud: WxCloudLike | undefined, watch?: typeof createNativeWatch): Platform['native'] {
  if (!cloud || typeof cloud.database !== 'function') return undefined
  let initialized = false
  return (env) => {
    if (!initialized) {
      initialized = true
      cloud.init(env ? { env } : {})
    }
    const open = (e: string | undefined) => cloud.database(e ? { env: e } : {})
    // wx's own calls take wx's options and give wx's results: only errMsg and failures are ours.
    const calls: NativeCalls = {}
    for (const name of CALLS) {
      const method = cloud[name]
      if (method) calls[name] = hostCall(wxDifferences, (options) => method.call(cloud, env && !options.config ? Object.assign({ config: { env } }, options) : options))
    }
    const connection: NativeConnection = { transport: createNativeTransport(open, wxDifferences), calls }
    // The watch is passed in, so a cloud that never watches leaves its code out.
    if (watch) connection.watch = watch(open, wxDifferences, env)
    return connection
  }
}
