/**
 * wx's dual calling convention: an async API called with `success`, `fail` or `complete` reports
 * through them and returns nothing; called without, it returns a Promise.
 */
import type { CloudError } from '../protocol/errors'

/** The callbacks every async API accepts. */
export interface Callbacks<R> {
  success?: (result: R) => void
  fail?: (error: CloudError) => void
  complete?: (resultOrError: R | CloudError) => void
}

/** Options without any callback: the call returns a Promise (the overloads' way to tell the styles apart). */
export type NoCallbacks = { success?: undefined; fail?: undefined; complete?: undefined }

/** The options of a call that returns a Promise. */
export type PromiseOptions<R> = Callbacks<R> & NoCallbacks

/** True when `options` switches an API to callback style. */
export function hasCallbacks(options: unknown): options is Callbacks<never> {
  const o = options as Callbacks<never> | null | undefined
  return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function')
}

/**
 * Runs `run` and settles the way the caller asked: through `options`' callbacks (returning `undefined`)
 * or as the returned Promise. A synchronous throw in `run` becomes a rejection, never an escape.
 */
export function settle<R>(options: Callbacks<R> | undefined, run: () => Promise<R>): Promise<R> | undefined {
  let promise: Promise<R>
  try {
    promise = run()
  } catch (error) {
    promise = Promise.reject(error)
  }
  if (!hasCallbacks(options)) return promise
  const { success, fail, complete } = options as Callbacks<R>
  promise.then(
    (result) => {
      if (success) success(result)
      if (complete) complete(result)
    },
    (error: CloudError) => {
      if (fail) fail(error)
      if (complete) complete(error)
    },
  )
  return undefined
}
