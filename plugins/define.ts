/**
 * The compile-time constants the adapters read (adapters/shared/host-cloud.ts):
 * - `process.env.MPCLOUD_ENDPOINT`, the emulator's endpoint in development builds. In production it is
 *   defined as `undefined`, so no URL is compiled in and the minifier drops the branch that would use it;
 *   `cloud.init({ env })` then goes to the platform's own cloud.
 * - `__MPCLOUD_NATIVE_ONLY__`, `true` in production builds for a host with a cloud of its own: the adapters
 *   then leave the endpoint client (HTTP, sign-in, the realtime socket) out, and the minifier drops it.
 */

/** The expression, written in full as the adapters write it: bundlers replace only the exact member chain. */
export const ENDPOINT_CONSTANT = 'process.env.MPCLOUD_ENDPOINT'
/** A bare name, which the adapters read under `typeof` (safe where nothing defined it). */
export const NATIVE_ONLY_CONSTANT = '__MPCLOUD_NATIVE_ONLY__'

/**
 * The build targets (Taro's `--type`, uni's `-p`) whose hosts have a cloud the adapters use natively:
 * WeChat's and Alipay's. Other targets (H5, other mini programs) reach a cloud only through an endpoint.
 */
const NATIVE_CLOUD_TARGETS = ['weapp', 'alipay', 'mp-weixin', 'mp-alipay']

/** Whether a production build for `target` can do without the endpoint client. */
export function hasNativeCloud(target: string | undefined): boolean {
  return target !== undefined && NATIVE_CLOUD_TARGETS.indexOf(target) >= 0
}

/** The constants' definitions (code, as webpack's DefinePlugin, Taro's `defineConstants` and vite's `define` take it). */
export function cloudDefines(endpoint: string | undefined, nativeOnly: boolean): Record<string, string> {
  return {
    [ENDPOINT_CONSTANT]: endpoint === undefined ? 'undefined' : JSON.stringify(endpoint),
    [NATIVE_ONLY_CONSTANT]: String(nativeOnly),
  }
}
