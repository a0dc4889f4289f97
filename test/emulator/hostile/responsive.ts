/** After a hostile request: the emulator still answers an unrelated request, and promptly. */
import { expect } from 'vitest'
import type { RunningEmulator } from '../../../emulator/index'
import { anonymousToken } from '../../helpers/web'

/** What "promptly" means on a loaded CI machine: far above a normal answer (~1 ms), far below a stall. */
export const PROMPT_MS = 1000

export async function expectResponsive(emulator: RunningEmulator): Promise<void> {
  const started = performance.now()
  const token = await anonymousToken(emulator)
  const response = await fetch(`${emulator.url}/web`, {
    method: 'POST',
    body: JSON.stringify({ action: 'auth.wsWebSign', env: emulator.env, access_token: token }),
  })
  expect(((await response.json()) as { data?: unknown }).data).toBeDefined()
  expect(performance.now() - started).toBeLessThan(PROMPT_MS)
}
