/**
 * Fake `Taro` (`@tarojs/taro` 4.2.1, signatures in `./taro-types`), built the way Taro builds itself on a
 * mini program: a port of `processApis` (NervJS/taro `packages/shared/src/native-apis.ts`) over the host
 * global, here the `wx` or `my` fake, so the network I/O is the host fake's real I/O. Contract reproduced:
 * - `Taro.request` returns a Promise of the success result that also has `abort()` and the task's
 *   listeners (`RequestTask<T> extends Promise`, request.d.ts line 322). It always passes callbacks to
 *   the host (so the host returns its task); `success` resolves, `fail` rejects with the host's fail
 *   object (not an Error), and the returned Promise rejects even when the caller gave callbacks.
 *   The result comes through Taro's interceptor `Link`, which copies the options and re-wraps the Promise.
 * - `Taro.connectSocket` returns `Promise<SocketTask>`, resolved when the host's `connectSocket` reports
 *   success (the call, not the open: attach `onOpen` right away), with the host task plus the success
 *   result merged in (`Object.assign(task, res)`).
 * - On ALIPAY, Taro's own Alipay layer (NervJS/taro `packages/taro-platform-alipay/src/apis.ts`): request
 *   `header` becomes lower-cased `headers` with `content-type: application/json` by default, the result's
 *   `status`/`headers` become `statusCode`/`header`; `connectSocket` opens Alipay's single global socket
 *   and the resolved object's `onOpen/onMessage/onClose/onError/send/close` are bound to `my.onSocket*`;
 *   `getStorageSync(key)` is `my.getStorageSync({ key }).data` with null mapped to ''.
 * - `Taro.cloud` is the host's `cloud` (weapp plugin: `taro.cloud = wx.cloud`; Alipay: `processApis` copies
 *   `my.cloud`). `Taro.getEnv()` is the factory's `env`.
 */
import { createMy, type FakeMy, type MyControl } from './my'
import { ENV_TYPE, type request as RequestNs, type SocketTask, type TaroStatic } from './taro-types'
import { createWx, type FakeWx, type WxControl } from './wx'

type AnyRecord = Record<string, any>
type MyCloud = NonNullable<FakeMy['cloud']>

/** What `Taro.connectSocket` resolves to on a mini program: the host's task (or bound globals) plus the
 * success result; `socketTaskId`, `readyState`, `CONNECTING`... and `ws` are declared by Taro from its H5
 * implementation and are not there. */
export type TaroSocketTask = Pick<SocketTask, 'send' | 'close' | 'onOpen' | 'onClose' | 'onError' | 'onMessage'> & { errMsg?: string }

export interface FakeTaro<Cloud> extends Omit<TaroStatic<Cloud>, 'connectSocket'> {
  connectSocket(option: Parameters<TaroStatic['connectSocket']>[0]): Promise<TaroSocketTask>
}

export function createTaro(options?: { env?: 'WEAPP'; cloud?: WxCloud }): { Taro: FakeTaro<WxCloud | undefined>; wx: FakeWx; control: WxControl }
export function createTaro(options: { env: 'ALIPAY'; cloud?: MyCloud }): { Taro: FakeTaro<MyCloud | undefined>; my: FakeMy; control: MyControl }
export function createTaro(options: { env?: 'WEAPP' | 'ALIPAY'; cloud?: WxCloud | MyCloud } = {}) {
  if (options.env === 'ALIPAY') {
    const { my, control } = createMy(options.cloud ? { cloud: options.cloud as MyCloud } : {})
    return { Taro: taroOverMy(my), my, control }
  }
  const { wx, control } = createWx(options.cloud ? { cloud: options.cloud as WxCloud } : {})
  return { Taro: taroOverWx(wx), wx, control }
}

function taroOverWx(wx: FakeWx): FakeTaro<WxCloud | undefined> {
  const host = wx as unknown as AnyRecord
  return {
    request: link(normalRequest(host)),
    connectSocket: promisified(host, 'connectSocket'),
    getStorageSync: (key) => wx.getStorageSync(key),
    setStorageSync: (key, data) => wx.setStorageSync(key, data),
    removeStorageSync: (key) => wx.removeStorageSync(key),
    onAppShow: (cb) => host.onAppShow(cb),
    onAppHide: (cb) => host.onAppHide(cb),
    offAppShow: (cb) => host.offAppShow(cb),
    offAppHide: (cb) => host.offAppHide(cb),
    getEnv: () => ENV_TYPE.WEAPP,
    ENV_TYPE,
    cloud: wx.cloud,
  }
}

function taroOverMy(my: FakeMy): FakeTaro<MyCloud | undefined> {
  const host = my as unknown as AnyRecord
  return {
    request: link(alipayRequest(my)),
    connectSocket: promisified(host, 'connectSocket', (res) => {
      // taro-platform-alipay modifyAsyncResult('connectSocket'): the global socket's functions.
      res.onClose = (cb: never) => my.onSocketClose(cb)
      res.onError = (cb: never) => my.onSocketError(cb)
      res.onMessage = (cb: never) => my.onSocketMessage(cb)
      res.onOpen = (cb: never) => my.onSocketOpen(cb)
      res.send = (opt: never) => my.sendSocketMessage(opt)
      res.close = () => my.closeSocket()
    }),
    getStorageSync: (key) => {
      const res = my.getStorageSync({ key }) as AnyRecord
      const data = Object.prototype.hasOwnProperty.call(res, 'data') ? res.data : res.APDataStorage ?? null
      return data === null ? '' : data
    },
    setStorageSync: (key, data) => void my.setStorageSync({ key, data }),
    removeStorageSync: (key) => void my.removeStorageSync({ key }),
    onAppShow: (cb) => host.onAppShow(cb),
    onAppHide: (cb) => host.onAppHide(cb),
    offAppShow: (cb) => host.offAppShow(cb),
    offAppHide: (cb) => host.offAppHide(cb),
    getEnv: () => ENV_TYPE.ALIPAY,
    ENV_TYPE,
    cloud: my.cloud,
  }
}

type RawRequest = (options: AnyRecord) => Promise<any> & AnyRecord

/** `getNormalRequest(global)` of native-apis.ts. */
function normalRequest(global: AnyRecord): RawRequest {
  return (options) => {
    const originSuccess = options.success
    const originFail = options.fail
    const originComplete = options.complete
    let requestTask: AnyRecord | undefined
    const p: AnyRecord & Promise<any> = new Promise((resolve, reject) => {
      options.success = (res: unknown) => {
        originSuccess && originSuccess(res)
        resolve(res)
      }
      options.fail = (res: unknown) => {
        originFail && originFail(res)
        reject(res)
      }
      options.complete = (res: unknown) => {
        originComplete && originComplete(res)
      }
      requestTask = global.request(options)
    }) as never
    equipTaskMethods(requestTask, p)
    p.abort = (cb?: () => void) => {
      cb && cb()
      if (requestTask) requestTask.abort()
      return p
    }
    return p
  }
}

/** `request(options)` of taro-platform-alipay/src/apis.ts. */
function alipayRequest(my: FakeMy): RawRequest {
  return (options) => {
    options.headers = { 'content-type': 'application/json' }
    if (options.header) {
      for (const k in options.header) options.headers[k.toLocaleLowerCase()] = options.header[k]
      delete options.header
    }
    const originSuccess = options.success
    const originFail = options.fail
    const originComplete = options.complete
    let requestTask: AnyRecord | undefined
    const p: AnyRecord & Promise<any> = new Promise((resolve, reject) => {
      options.success = (res: AnyRecord) => {
        res.statusCode = res.status
        delete res.status
        res.header = res.headers
        delete res.headers
        originSuccess && originSuccess(res)
        resolve(res)
      }
      options.fail = (res: unknown) => {
        originFail && originFail(res)
        reject(res)
      }
      options.complete = (res: unknown) => {
        originComplete && originComplete(res)
      }
      const nativeRequest = my.canIUse('request') ? my.request : (my as unknown as AnyRecord).httpRequest
      requestTask = nativeRequest(options)
    }) as never
    p.abort = (cb?: () => void) => {
      cb && cb()
      if (requestTask) requestTask.abort()
      return p
    }
    return p
  }
}

/** `equipTaskMethodsIntoPromise` of native-apis.ts. */
function equipTaskMethods(task: AnyRecord | undefined, promise: AnyRecord): void {
  if (!task) return
  for (const method of ['abort', 'onHeadersReceived', 'offHeadersReceived', 'onProgressUpdate', 'offProgressUpdate', 'onChunkReceived', 'offChunkReceived']) {
    if (method in task) promise[method] = task[method].bind(task)
  }
}

/** `taro.request = link.request.bind(link)`: the interceptor chain with only Taro's own interceptor. */
function link(request: RawRequest): TaroStatic['request'] {
  return ((requestParams: RequestNs.Option) => {
    // Link.request: `chain.proceed({ ...requestParams })`; Chain.proceed re-wraps the Promise and copies
    // the function properties (abort, listeners) onto the new one.
    const p = request({ ...requestParams })
    const res: AnyRecord & Promise<any> = p.catch((err: unknown) => Promise.reject(err)) as never
    for (const k of Object.keys(p)) if (typeof p[k] === 'function') res[k] = p[k]
    return res
  }) as TaroStatic['request']
}

/** The `needPromiseApis` branch of `processApis` for `connectSocket`. */
function promisified(global: AnyRecord, key: 'connectSocket', modifyAsyncResult?: (res: AnyRecord) => void) {
  return (options: AnyRecord = {}): Promise<TaroSocketTask> => {
    let task: AnyRecord | undefined
    const obj: AnyRecord = Object.assign({}, options)
    return new Promise((resolve, reject) => {
      obj.success = (res: AnyRecord) => {
        modifyAsyncResult?.(res)
        options.success?.(res)
        resolve(Promise.resolve().then(() => (task ? Object.assign(task, res) : res)) as never)
      }
      obj.fail = (res: unknown) => {
        options.fail?.(res)
        reject(res)
      }
      obj.complete = (res: unknown) => {
        options.complete?.(res)
      }
      task = global[key](obj)
    })
  }
}
