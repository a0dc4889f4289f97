/**
 * Fake `uni` (uni-app), typed by `@dcloudio/types` 3.4.32 (`uni-app/uni/legacy/uni.d.ts`, `uni/base/request.d.ts`,
 * `uni-patches/promisify/*.d.ts`, `uni-patches/wx/index.d.ts`), built as uni-app builds itself: its API layer
 * over the host's, here the `wx` fake (mp-weixin; also used for 'web' and 'app', whose own implementations
 * return the same `{ data, statusCode, header, cookies, errMsg }`) or the `my` fake (mp-alipay). Reproduced:
 * - Promise form (uni docs "API Promise 化"; `PromisifySuccessResult` in uni-patches/promisify/common.d.ts):
 *   with any of success/fail/complete the API returns its task; without, a Promise. Vue 3: resolves the
 *   success result, rejects with the fail result. Vue 2 (legacy): resolves `[null, res]` or `[err]`
 *   (`handlePromise` of the Vue 2 runtime; `PromisifySuccessResultLegacy` / `ErrorFirstArray` types it
 *   `[any, T]`). `connectSocket` without callbacks therefore gives a Promise of the connect result, and the
 *   SocketTask is lost (docs: "如果希望返回一个 socketTask 对象，需要至少传入 success / fail / complete").
 * - `getStorageSync` of a missing key returns '' (on mp-alipay too: uni maps Alipay's `{ data: null }`).
 * - mp-alipay (uni-mp-alipay runtime `protocols`, Vue 2 build): `request` goes to `my.request` with `header`
 *   renamed `headers` (lower-cased names, `content-type: application/json` default) and `responseType`
 *   dropped; results get `status`/`headers` renamed `statusCode`/`header` and `errMsg` ('request:ok', or
 *   'request:fail <errorMessage>' with `error`/`errorMessage` removed), so an HTTP status >= 400 fails there
 *   (Alipay's error 19) while it succeeds on the other platforms. `connectSocket` passes `multiple` through
 *   ("支付宝小程序：是否创建多实例 socket", ConnectSocketOption) and returns what `my.connectSocket` returns:
 *   void, or an Alipay SocketTask (events nested under `data`) with `multiple: true`.
 * - `uploadFile`/`downloadFile` (uni.d.ts `uploadFile(options: UploadFileOption): UploadTask`, promisify
 *   overloads in uni-patches/promisify/uni.d.ts lines 138-139) follow the same Promise/task rule, over the
 *   host's own: the wx fake's (success `{ data, statusCode, errMsg }` / `{ tempFilePath, statusCode, errMsg }`,
 *   `UploadFileSuccessCallbackResult` / `DownloadSuccessData`), or on mp-alipay `my.uploadFile` with
 *   `name` renamed `fileName` (uni-mp-alipay protocols `uploadFile.args`; uni does not add Alipay's
 *   required `fileType`, the caller must: `fileType` "仅支付宝小程序，且必填", UploadFileOption) and
 *   `my.downloadFile` with `apFilePath` renamed `tempFilePath` (protocols `downloadFile.returnValue`), so
 *   there the download result has no `statusCode` and an upload without `fileType` fails.
 * - `uni.onAppShow/onAppHide/offAppShow/offAppHide` are declared (uni-patches/wx/index.d.ts lines 20101,
 *   20020, 19485, 19449) and passed to the host.
 * - `getSystemInfoSync().uniPlatform` is the factory's `uniPlatform`.
 */
import { createMy, type FakeMy, type MyControl } from './my'
import { createWx, type FakeWx, type WxControl } from './wx'

type Uni = UniNamespace.Uni
type AnyRecord = Record<string, any>
type Req = UniNamespace.RequestOptions
type Sock = UniNamespace.ConnectSocketOption
type Up = UniNamespace.UploadFileOption
type Down = UniNamespace.DownloadFileOption

export type UniPlatform = 'mp-weixin' | 'mp-alipay' | 'web' | 'app'

type HasCallback<T> = T extends { success: any } ? true : T extends { fail: any } ? true : T extends { complete: any } ? true : false
type SuccessOf<O extends { success?: (...args: any[]) => void }> = Parameters<Exclude<O['success'], undefined>>[0]
/** Vue 2: the task with callbacks, else a Promise of `[err, res]`. */
type Legacy<T, O extends { success?: (...args: any[]) => void }, Task> =
  HasCallback<T> extends true ? Task : Promise<UniNamespace.ErrorFirstArray<SuccessOf<O>>>

export interface FakeUniBase
  extends Pick<Uni, 'getStorageSync' | 'setStorageSync' | 'removeStorageSync' | 'onAppShow' | 'onAppHide' | 'offAppShow' | 'offAppHide'> {
  /** Only a few fields of `GetSystemInfoResult` (the real one has ~60). */
  getSystemInfoSync(): Pick<UniNamespace.GetSystemInfoResult, 'uniPlatform' | 'platform' | 'SDKVersion' | 'appId' | 'osName'>
}

export interface FakeUni3 extends FakeUniBase {
  request<T extends Req = Req>(options: T): UniNamespace.PromisifySuccessResult<T, Req, UniNamespace.RequestTask>
  connectSocket<T extends Sock = Sock>(options: T): UniNamespace.PromisifySuccessResult<T, Sock, UniNamespace.SocketTask>
  uploadFile<T extends Up = Up>(options: T): UniNamespace.PromisifySuccessResult<T, Up, UniNamespace.UploadTask>
  downloadFile<T extends Down = Down>(options: T): UniNamespace.PromisifySuccessResult<T, Down, UniNamespace.DownloadTask>
}

export interface FakeUni2 extends FakeUniBase {
  request<T extends Req = Req>(options: T): Legacy<T, Req, UniNamespace.RequestTask>
  connectSocket<T extends Sock = Sock>(options: T): Legacy<T, Sock, UniNamespace.SocketTask>
  uploadFile<T extends Up = Up>(options: T): Legacy<T, Up, UniNamespace.UploadTask>
  downloadFile<T extends Down = Down>(options: T): Legacy<T, Down, UniNamespace.DownloadTask>
}

export interface CreateUniOptions<V extends 2 | 3> {
  vue: V
  /** Default 'mp-weixin'. */
  uniPlatform?: UniPlatform
}

export type UniHost = { platform: 'mp-alipay'; my: FakeMy; control: MyControl } | { platform: 'other'; wx: FakeWx; control: WxControl }

export function createUni<V extends 2 | 3>(
  options: CreateUniOptions<V>,
): { uni: V extends 2 ? FakeUni2 : FakeUni3; control: WxControl | MyControl; host: UniHost } {
  const uniPlatform = options.uniPlatform || 'mp-weixin'
  const alipay = uniPlatform === 'mp-alipay'
  let host: UniHost
  let base: {
    request(o: AnyRecord): unknown
    connectSocket(o: AnyRecord): unknown
    uploadFile(o: AnyRecord): unknown
    downloadFile(o: AnyRecord): unknown
    storage: Pick<Uni, 'getStorageSync' | 'setStorageSync' | 'removeStorageSync'>
    events: AnyRecord
  }
  if (alipay) {
    const { my, control } = createMy()
    host = { platform: 'mp-alipay', my, control }
    base = alipayLayer(my)
  } else {
    const { wx, control } = createWx()
    host = { platform: 'other', wx, control }
    base = {
      request: (o) => wx.request(o as never),
      connectSocket: (o) => wx.connectSocket(o as never),
      uploadFile: (o) => wx.uploadFile(o as never),
      downloadFile: (o) => wx.downloadFile(o as never),
      storage: {
        getStorageSync: (key: string) => wx.getStorageSync(key),
        setStorageSync: (key, data) => wx.setStorageSync(key, data),
        removeStorageSync: (key) => wx.removeStorageSync(key),
      },
      events: wx,
    }
  }
  const uni: FakeUniBase & { request: unknown; connectSocket: unknown; uploadFile: unknown; downloadFile: unknown } = {
    request: promisify(base.request, options.vue),
    connectSocket: promisify(base.connectSocket, options.vue),
    uploadFile: promisify(base.uploadFile, options.vue),
    downloadFile: promisify(base.downloadFile, options.vue),
    ...base.storage,
    onAppShow: (cb) => base.events.onAppShow(cb),
    onAppHide: (cb) => base.events.onAppHide(cb),
    offAppShow: (cb) => base.events.offAppShow(cb),
    offAppHide: (cb) => base.events.offAppHide(cb),
    getSystemInfoSync: () => ({
      uniPlatform,
      platform: 'devtools',
      SDKVersion: alipay ? '2.9.0' : '3.8.0',
      appId: '__UNI__FAKE',
      osName: 'ios',
    }),
  }
  return { uni: uni as never, control: host.control, host }
}

const isFn = (v: unknown): v is (...args: any[]) => unknown => typeof v === 'function'

/** uni's `promisify(name, api)`: callbacks → the API's own return; none → a Promise (Vue 2: `[err, res]`). */
function promisify(api: (options: AnyRecord) => unknown, vue: 2 | 3) {
  return (options: AnyRecord = {}) => {
    if (isFn(options.success) || isFn(options.fail) || isFn(options.complete)) return api(options)
    const promise = new Promise((resolve, reject) => {
      api(Object.assign({}, options, { success: resolve, fail: reject }))
    })
    return vue === 2 ? promise.then((data) => [null, data]).catch((err: unknown) => [err]) : promise
  }
}

/** uni-mp-alipay `protocols.returnValue`, then the API's own renames. */
function alipayResult(method: string, rename: Record<string, string>) {
  return (res: AnyRecord = {}): AnyRecord => {
    if (res.error || res.errorMessage) {
      res.errMsg = `${method}:fail ${res.errorMessage || res.error}`
      delete res.error
      delete res.errorMessage
    } else res.errMsg = `${method}:ok`
    const out: AnyRecord = {}
    for (const key of Object.keys(res)) out[rename[key] || key] = res[key]
    return out
  }
}

/** Wraps success/fail/complete of `from` through `convert`; copies the other keys but the dropped ones. */
function alipayArgs(from: AnyRecord, convert: (res: AnyRecord) => AnyRecord, drop: string[]): AnyRecord {
  const to: AnyRecord = {}
  for (const key of Object.keys(from)) {
    if (drop.includes(key)) continue
    const value = from[key]
    to[key] = ['success', 'fail', 'complete'].includes(key) && isFn(value) ? (res: AnyRecord) => value(convert(res)) : value
  }
  return to
}

function alipayLayer(my: FakeMy) {
  const host = my as unknown as AnyRecord
  return {
    request(options: AnyRecord) {
      const args = alipayArgs(options, alipayResult('request', { status: 'statusCode', headers: 'header' }), ['header', 'responseType'])
      const headers: Record<string, unknown> = { 'content-type': 'application/json' }
      for (const key of Object.keys(options.header || {})) headers[key.toLocaleLowerCase()] = options.header[key]
      args.headers = headers
      return host[my.canIUse('request') ? 'request' : 'httpRequest'](args)
    },
    connectSocket(options: AnyRecord) {
      return host.connectSocket(alipayArgs(options, alipayResult('connectSocket', {}), ['method', 'protocols']))
    },
    uploadFile(options: AnyRecord) {
      // `args: { name: 'fileName' }`: the field is renamed, not copied (`fileType` passes as the caller gave it).
      const args = alipayArgs(options, alipayResult('uploadFile', {}), ['name'])
      if (options.name !== undefined) args.fileName = options.name
      return host.uploadFile(args)
    },
    downloadFile(options: AnyRecord) {
      return host.downloadFile(alipayArgs(options, alipayResult('downloadFile', { apFilePath: 'tempFilePath' }), []))
    },
    storage: {
      getStorageSync: (key: string) => {
        const result = my.getStorageSync({ key })
        return (result.data !== null ? result.data : '') as never
      },
      setStorageSync: (key: string, data: unknown) => void my.setStorageSync({ key, data }),
      removeStorageSync: (key: string) => void my.removeStorageSync({ key }),
    } satisfies Pick<Uni, 'getStorageSync' | 'setStorageSync' | 'removeStorageSync'>,
    events: host,
  }
}
