import { defineConfig } from 'vitest/config'

/**
 * The examples built by their real toolchains (Taro's CLI, uni's vite) and their H5 builds run in Chromium:
 * `npm run test:toolchains`, after `vitest run` in `npm test`. One file at a time: each build takes both
 * cores and about half a gigabyte.
 */
export default defineConfig({
  test: {
    include: ['test/toolchains/**/*.test.ts'],
    // The production mini program smoke runs the official js-sdk (as wx.cloud), whose realtime client logs every socket event.
    setupFiles: ['test/helpers/quiet-official-realtime.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
})
