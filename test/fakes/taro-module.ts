/**
 * `@tarojs/taro` in tests (vitest aliases the peer dependency here): the `Taro` a test installed with
 * `createTaro()`, looked up on each access so each test file can install its own.
 */
const Taro = new Proxy({} as Record<string, unknown>, {
  get: (_, key) => ((globalThis as Record<string, unknown>).Taro as Record<string | symbol, unknown>)[key],
})
export default Taro
