/**
 * A real Chromium for the tests that open a page: Debian's `chromium` (installed by `.ci/run`), driven by
 * `playwright-core`, which downloads no browser of its own. `CHROMIUM_PATH` picks another binary.
 */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/**
 * `/usr/lib/chromium/chromium` is the binary itself; `/usr/bin/chromium` is Debian's shell wrapper around it,
 * which works too but prints a warning on every start.
 */
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser']

export function chromiumPath(): string {
  const chosen = process.env.CHROMIUM_PATH
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH is ${chosen}, which does not exist`)
    return chosen
  }
  const found = CANDIDATES.find((path) => existsSync(path))
  if (!found) throw new Error(`no Chromium found (looked for ${CANDIDATES.join(', ')}): install Debian's with \`apt-get update && apt-get install -y chromium\`, or set CHROMIUM_PATH`)
  return found
}

/** A headless Chromium. As root it needs no sandbox, which is Playwright's default (`chromiumSandbox: false`). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true })
}
