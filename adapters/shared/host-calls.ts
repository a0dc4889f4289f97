/**
 * Function and file calls on a host's own cloud (wx.cloud, an Alipay cloud context): the caller's wx
 * options without callbacks (so the host returns a Promise), the host's result reshaped as wx's with
 * `errMsg`, and the host's failure as a `CloudError` read by its difference table.
 */
import { CloudError, type HostDifferences, type NativeCall } from '../../src/index'

type HostMethod = (options: Record<string, unknown>) => PromiseLike<unknown> | unknown

/** A host method as a `NativeCall`; `reshape` turns the host's result into wx's. */
export function hostCall(host: HostDifferences, method: HostMethod, reshape: (result: Record<string, unknown>) => Record<string, unknown> = (r) => r): NativeCall {
  return (api, options) => {
    const plain: Record<string, unknown> = {}
    for (const key of Object.keys(options)) if (key !== 'success' && key !== 'fail' && key !== 'complete') plain[key] = options[key]
    return Promise.resolve()
      .then(() => method(plain))
      .then(
        (result) => Object.assign(reshape((result || {}) as Record<string, unknown>), { errMsg: `${api}:ok` }),
        (reason: unknown) => {
          const { code, message } = host.failure(reason)
          throw new CloudError(api, code, message)
        },
      )
  }
}
