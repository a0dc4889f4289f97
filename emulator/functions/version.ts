/**
 * Which version of a function's code is on disk: a cheap fingerprint of its folder, taken on every call, so that
 * an edit (of `index.js`, any file beside it, `config.json`) makes the next call start a new instance, as a
 * redeploy does on CloudBase, with no restart and no file watcher (which misses edits on some file systems and
 * holds handles open). A `node_modules` folder counts by its own entry (an install or removal changes it), not by
 * its thousands of files.
 */
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The folder's files' sizes and change times (ns), in order: equal text, same code. */
export function versionOf(folder: string): string {
  const parts: string[] = []
  const walk = (path: string, depth: number) => {
    let entries
    try {
      entries = readdirSync(path, { withFileTypes: true })
    } catch {
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const full = join(path, entry.name)
      try {
        const stat = statSync(full, { bigint: true })
        parts.push(`${full.slice(folder.length)}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`)
      } catch {
        continue
      }
      if (entry.isDirectory() && entry.name !== 'node_modules' && depth < 8) walk(full, depth + 1)
    }
  }
  walk(folder, 0)
  return parts.join('|')
}
