/**
 * The smoke both examples' mini program builds pass in a bare node:vm with only `wx` (./mini-program.ts):
 * the app launches, its todos page opens and shows the seeded open todos and the caller the `login`
 * function names. A development build has no `wx.cloud` to lean on: it must reach the emulator through
 * the endpoint compiled into it, over `wx.request` and `wx.connectSocket`. A production build gets a
 * `wx.cloud` (the official js-sdk on the emulator, test/fakes/clouds.ts) and must use it, `init`ed with
 * the env alone.
 */
import { expect } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import { createWxCloud } from '../fakes/clouds'
import { createWx } from '../fakes/wx'
import type { BuildMode } from './build'
import { openMiniProgram } from './mini-program'

export async function expectTodosShown(dir: string, emulator: RunningEmulator, seeded: string[], mode: BuildMode): Promise<void> {
  const cloud = mode === 'production' ? await createWxCloud(emulator) : undefined
  const { wx } = createWx(cloud ? { cloud } : {})
  const page = await openMiniProgram(dir, wx)
  try {
    await expect.poll(() => page.text(), { timeout: 15_000 }).toMatch(/signed in as\s*\S+/)
    for (const title of seeded) await expect.poll(() => page.text(), { timeout: 15_000 }).toContain(title)
    if (cloud) expect(cloud.inits).toEqual([{ env: emulator.env }])
  } finally {
    page.close()
  }
}
