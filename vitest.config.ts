import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Taro is a peer dependency mpcloud/taro imports; tests give it the host fake (test/fakes/taro.ts).
  resolve: { alias: { '@tarojs/taro': new URL('./test/fakes/taro-module.ts', import.meta.url).pathname } },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/quiet-official-realtime.ts'],
    // Type tests: what must compile and what must not (`// @ts-expect-error`).
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: 'test/types/tsconfig.json' },
  },
})
