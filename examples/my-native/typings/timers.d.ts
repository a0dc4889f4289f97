/**
 * Alipay's JavaScript runtime has timers, but `@mini-types/alipay` 3.0.14 declares them only for workers
 * (`@mini-types/global/types/lib.worker.d.ts`, not loaded for app code): declared here for the page's polling.
 */
declare function setInterval(handler: () => void, timeout?: number): number
declare function clearInterval(id: number | undefined): void
