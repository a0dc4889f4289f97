/**
 * The compile-time constants the adapters read (adapters/shared/host-cloud.ts):
 * - `process.env.MPCLOUD_ENDPOINT`, the emulator's endpoint in development builds. In production it is
 *   defined as `undefined`, so no URL is compiled in and the minifier drops the branch that would use it;
 *   `cloud.init({ env })` then goes to the platform's own cloud.
 * - `__MPCLOUD_NATIVE_ONLY__`, `true` in production builds for a host with a cloud of its own: the adapters
 *   then leave the endpoint client (HTTP, sign-in, the realtime socket) out, and the minifier drops it.
 * - `__MPCLOUD_TARGET__`, the build's target in its tool's words (Taro's `weapp`, uni's `mp-weixin`), the
 *   value `process.env.TARO_ENV` / `UNI_PLATFORM` get: the adapters read those inside a try/catch (there is
 *   no `process` where nothing replaced them), which no minifier sees through, so the other hosts' native
 *   code (Alipay's on weapp, both on H5) would stay. This one is read under `typeof`, and folds.
 */

/** The expression, written in full as the adapters write it: bundlers replace only the exact member chain. */
export const ENDPOINT_CONSTANT = 'process.env.MPCLOUD_ENDPOINT'
/** Bare names, which the adapters read under `typeof` (safe where nothing defined them). */
export const NATIVE_ONLY_CONSTANT = '__MPCLOUD_NATIVE_ONLY__'
export const TARGET_CONSTANT = '__MPCLOUD_TARGET__'

/**
 * The build targets (Taro's `--type`, uni's `-p`) whose hosts have a cloud the adapters use natively:
 * WeChat's and Alipay's. Other targets (H5, other mini programs) reach a cloud only through an endpoint.
 */
const NATIVE_CLOUD_TARGETS = ['weapp', 'alipay', 'mp-weixin', 'mp-alipay']

/** Whether a production build for `target` can do without the endpoint client. */
export function hasNativeCloud(target: string | undefined): boolean {
  return target !== undefined && NATIVE_CLOUD_TARGETS.indexOf(target) >= 0
}

/** What a build is: its endpoint (development), whether it leaves the endpoint client out, its target. */
export interface BuildFacts {
  endpoint: string | undefined
  nativeOnly: boolean
  target: string | undefined
}

const code = (value: string | undefined) => (value === undefined ? 'undefined' : JSON.stringify(value))

/** The constants' definitions (code, as webpack's DefinePlugin, Taro's `defineConstants` and vite's `define` take it). */
export function cloudDefines(build: BuildFacts): Record<string, string> {
  return {
    [ENDPOINT_CONSTANT]: code(build.endpoint),
    [NATIVE_ONLY_CONSTANT]: String(build.nativeOnly),
    [TARGET_CONSTANT]: code(build.target),
  }
}
