/**
 * Calls an app's listener (`onChange`, `onError`). An exception in it is the app's own bug: it is reported
 * where the host reports uncaught errors, and the SDK goes on (a watch keeps watching).
 */
export function callListener<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value)
  } catch (error) {
    setTimeout(() => {
      throw error
    }, 0)
  }
}
