/**
 * The one compile-time constant the adapters read (adapters/shared/host-cloud.ts): the emulator's endpoint
 * in development builds. In production it is defined as `undefined`, so no URL is compiled in and the
 * minifier drops the branch that would use it; `cloud.init({ env })` then goes to the platform's own cloud.
 */

/** The expression, written in full as the adapters write it: bundlers replace only the exact member chain. */
export const ENDPOINT_CONSTANT = 'process.env.MPCLOUD_ENDPOINT'

/** The constant's definition (code, as webpack's DefinePlugin, Taro's `defineConstants` and vite's `define` take it). */
export function endpointDefine(endpoint: string | undefined): Record<string, string> {
  return { [ENDPOINT_CONSTANT]: endpoint === undefined ? 'undefined' : JSON.stringify(endpoint) }
}
