/** Cloud functions written into a test's folder, laid out as a CloudBase project's `cloudfunctions/`. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The installed wx-server-sdk, for functions that `require` it by path. */
export const WX_SERVER_SDK = createRequire(import.meta.url).resolve('wx-server-sdk')

/** Writes `<dir>/<name>/index.js` (and any other `files` beside it). */
export function writeFunction(dir: string, name: string, source: string, files: Record<string, string> = {}): void {
  mkdirSync(join(dir, name), { recursive: true })
  writeFileSync(join(dir, name, 'index.js'), source)
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text)
}
