/**
 * The official host typings the fakes are typed against, loaded file by file instead of through each
 * package's entry point, because the entry points also declare globals that clash with `@types/node`
 * in this Node test program:
 * - `miniprogram-api-typings` 5.2.3 `types/wx/index.d.ts` redeclares `console`, `require`, `module`,
 *   `exports`, `setTimeout`, ...; we load only `lib.wx.api.d.ts` (namespace `WechatMiniprogram`) and
 *   `lib.wx.cloud.d.ts` (`WxCloud`, `DB`), and restate below the two helper types of the index file
 *   that they use.
 * - `@mini-types/alipay` 3.0.14 also pulls `@mini-types/global` (`lib.sjs.d.ts` redeclares `Object`,
 *   `parseInt`, ...); we load only `@mini-types/my` (namespace `my`).
 * - `@dcloudio/types` 3.4.32 `index.d.ts` also loads html5plus, `getApp`, `uniCloud`; we load only
 *   `uni-app/common.d.ts`, `uni-app/uni/index.d.ts` (global `uni`, interface `Uni`) and
 *   `uni-app/uni-patches/index.d.ts` (the wx-derived members and the promisify overloads).
 * (If another file of the program loads `miniprogram-api-typings` whole, the block below duplicates the
 * index file's own identical one; with `skipLibCheck`, as here, tsc accepts that, checked.)
 */
/// <reference path="../../node_modules/miniprogram-api-typings/types/wx/lib.wx.api.d.ts" />
/// <reference path="../../node_modules/miniprogram-api-typings/types/wx/lib.wx.cloud.d.ts" />
/// <reference types="@mini-types/my" />
/// <reference path="../../node_modules/@dcloudio/types/uni-app/common.d.ts" />
/// <reference path="../../node_modules/@dcloudio/types/uni-app/uni/index.d.ts" />
/// <reference path="../../node_modules/@dcloudio/types/uni-app/uni-patches/index.d.ts" />

// Copied from miniprogram-api-typings 5.2.3 types/wx/index.d.ts (lines 35-53, the namespace block).
declare namespace WechatMiniprogram {
  type IAnyObject = Record<string, any>
  interface AsyncMethodOptionLike {
    success?: (...args: any[]) => void
  }
  type PromisifySuccessResult<P, T extends AsyncMethodOptionLike> = P extends { success: any }
    ? void
    : P extends { fail: any }
      ? void
      : P extends { complete: any }
        ? void
        : Promise<Parameters<Exclude<T['success'], undefined>>[0]>
}
