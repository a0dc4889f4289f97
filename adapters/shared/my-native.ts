/**
 * Alipay's cloud database (`my.cloud.createCloudContext({ env })`, then `ctx.database()`) for the native
 * transport: what its documented client does differently from wx's (platforms.md §2.2, §8).
 *
 * @example
 * import { createNativeTransport } from 'mpcloud'
 * const ctx = my.cloud.createCloudContext({ env }); await ctx.init()
 * const transport = createNativeTransport(() => ctx.database(), myDifferences)
 */
import { codeIn, createNativeTransport, textOf, type HostDatabase, type HostDifferences, type NativeCalls, type Platform, type ProtocolResponse } from '../../src/index'
import { hostCall } from './host-calls'

/**
 * Alipay's numeric failures (`{ error, errorMessage }`, @mini-types/alipay 3.0.14) and the closest
 * CloudBase code.
 */
const CODES: Record<number, string> = {
  2: 'INVALID_PARAM', // 接口参数无效
  60001: 'INVALID_PARAM', // a parameter is missing or wrong
  60002: 'RESOURCE_NOT_INITIAL', // 调用前，请先初始化云环境: ctx.init() not done
  60003: 'SERVER_TIMEOUT', // timeout
  60004: 'NETWORK_ERROR', // network failure (retried for reads, as over HTTP)
  60005: 'DATABASE_REQUEST_FAILED', // 云调用失败: the cloud call failed
}

/** How Alipay's cloud database differs from wx's. */
export const myDifferences: HostDifferences = {
  name: 'Alipay (my.cloud)',
  // `query.projection({ title: true })`, not `field()`.
  projection: 'projection',
  // `get()` resolves the array of documents itself, not `{ data }`.
  list: 'array',
  // `update()` / `remove()` (document and batch) resolve `{ count }`, not `{ stats: { updated | removed } }`.
  written: 'count',
  // `add({ data })` takes one document.
  batchAdd: false,
  // `aggregate()` runs only these four stages.
  stages: ['match', 'group', 'sample', 'lookup'],
  // Not documented on the client: doc().get() (the decoder reads through where({ _id })), doc().set(),
  // watch(), db.Geo, db.RegExp (a JavaScript RegExp is sent instead), db.serverDate(); the decoder uses
  // them when a host has them and otherwise fails naming what is missing.

  /** `{ error: 60005, errorMessage }` → the CloudBase code it names, or the closest one; the message kept. */
  failure(reason) {
    const r = reason as { error?: unknown } | null | undefined
    const message = textOf(reason)
    const numeric = r && typeof r.error === 'number' ? CODES[r.error] : undefined
    return { code: codeIn(message) || numeric || 'SYS_ERR', message }
  },
}

type ContextMethod = (options: Record<string, unknown>) => PromiseLike<unknown>

/** An Alipay cloud context as far as the native connection uses it. */
export interface MyCloudContext {
  init(): PromiseLike<unknown>
  database(): HostDatabase
  callFunction?: ContextMethod
  uploadFile?: ContextMethod
  downloadFile?: ContextMethod
  getTempFileURL?: ContextMethod
  deleteFile?: ContextMethod
}

/** Alipay's `my.cloud` as far as the native connection uses it. */
export interface MyCloudLike {
  createCloudContext(options: { env: string }): MyCloudContext
}

/** Alipay's per-file outcome (`status` 'SUCCESS'/0 or a code, `resultMessage`) as wx's `status`/`errMsg`. */
function fileOutcome(item: Record<string, unknown>): Record<string, unknown> {
  const ok = item.status === 0 || item.status === 'SUCCESS' || item.status === undefined
  return { status: ok ? 0 : -1, errMsg: ok ? 'ok' : String(item.resultMessage || item.status) }
}

const eachFile = (reshape: (item: Record<string, unknown>) => Record<string, unknown>) => (result: Record<string, unknown>) => ({
  fileList: (Array.isArray(result.fileList) ? (result.fileList as Record<string, unknown>[]) : []).map(reshape),
})

/** Alipay's results in wx's shapes. */
const RESHAPE: Record<keyof NativeCalls, (result: Record<string, unknown>) => Record<string, unknown>> = {
  callFunction: (r) => ({ result: r.result, requestID: r.requestID }),
  uploadFile: (r) => ({ fileID: r.fileID, statusCode: r.statusCode }),
  downloadFile: (r) => ({ tempFilePath: r.tempFilePath, statusCode: r.statusCode }),
  getTempFileURL: eachFile((item) => Object.assign({ fileID: item.fileID, tempFileURL: item.tempFileURL, maxAge: item.maxAge }, fileOutcome(item))),
  deleteFile: eachFile((item) => Object.assign({ fileID: item.fileID }, fileOutcome(item))),
}

/**
 * The native side of Alipay: one cloud context per environment, `await ctx.init()` before its first
 * request (calls before it fail with 60002 on Alipay), then the shared decoder. Alipay has no watch.
 */
export function myNative(cloud: MyCloudLike | undefined): Platform['native'] {
  if (!cloud || typeof cloud.createCloudContext !== 'function') return undefined
  return (env) => {
    if (!env) return undefined
    const context = cloud.createCloudContext({ env })
    const ready = Promise.resolve(context.init())
    const inner = createNativeTransport(() => context.database(), myDifferences)
    const calls: NativeCalls = {}
    for (const name of Object.keys(RESHAPE) as (keyof NativeCalls)[]) {
      const method = context[name]
      if (method) calls[name] = hostCall(myDifferences, (options) => ready.then(() => method.call(context, options)), RESHAPE[name])
    }
    // A failed init answers every request with its reason, as a CloudBase failure.
    const refused = (reason: unknown): ProtocolResponse => {
      const { code, message } = myDifferences.failure(reason)
      return { code, message }
    }
    return { transport: { send: (request) => ready.then(() => inner.send(request), refused) }, calls }
  }
}
