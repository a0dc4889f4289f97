/**
 * The official js-sdk's realtime client (a test peer) logs every socket event, unconditionally, with
 * `console.warn('[realtime] ws event: open', event)` and friends, and each event it skips
 * (`nextevent 3 ignored`). A line that arrives while vitest tears a test file's worker down fails the
 * whole run ("Closing rpc while onUserConsoleLog was pending"), and the lines say nothing the tests do
 * not check, so they are dropped here. Every other log passes.
 */
const OFFICIAL_REALTIME = /^(\[realtime\] |nextevent \d+ ignored)/

for (const level of ['log', 'info', 'warn', 'error'] as const) {
  const original = console[level]
  console[level] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && OFFICIAL_REALTIME.test(args[0])) return
    original.apply(console, args)
  }
}
