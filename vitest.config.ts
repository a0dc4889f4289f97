import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Taro is a peer dependency mpcloud/taro imports; tests give it the host fake (test/fakes/taro.ts).
  resolve: { alias: { '@tarojs/taro': new URL('./test/fakes/taro-module.ts', import.meta.url).pathname } },
  test: {
    include: ['test/**/*.test.ts'],
    // The examples' real builds and browser runs: their own config, run after this one (vitest.toolchains.config.ts).
    exclude: ['test/toolchains/**', '**/node_modules/**'],
    setupFiles: ['test/helpers/quiet-official-realtime.ts'],
    // A time limit to catch a hang, not a speed check (speed is measured by `npm run bench`). Many tests send
    // a thousand requests in a row or start CLI processes: 3-5 s alone on two cores and more beside the other
    // files, past vitest's 5 s default on a loaded CI machine.
    testTimeout: 20_000,
    // js-sdk 3.7.0 rejects an internal promise nobody awaits when a watch's INIT_WATCH is refused, besides
    // calling the watch's onError: the rules tests refuse watches on purpose, so that one rejection is
    // expected. Every other unhandled error still fails the run.
    onUnhandledError: (error) => !/^Watch Error \{"code":"(DATABASE_PERMISSION_DENIED|COLLECTION_PERMISSION_DENIED)"/.test(error.message || ''),
    // Type tests: what must compile and what must not (`// @ts-expect-error`).
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: 'test/types/tsconfig.json' },
  },
})
