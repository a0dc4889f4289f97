/**
 * Who uploaded each file: the openid storage rules see as `resource.openid`. A file the administrator or a
 * guest uploaded has no owner. With a data dir the owners are one JSON file beside the env's storage folder
 * (`<dataDir>/storage/<env>.owners.json`), outside it so that no cloud path can name it, and rewritten
 * whole on each change: the emulator's buckets are small, and a rename keeps the file whole.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** The uploader of each stored file. */
export interface Owners {
  get(path: string): string | undefined
  /** Records who uploaded `path` (`undefined`: nobody's, as an administrator's upload replaces a user's). */
  set(path: string, owner: string | undefined): void
  /** Forgets `path` (its file was deleted). */
  delete(path: string): void
  /** Forgets every file. */
  clear(): void
}

/** Owners over a map, calling `changed` after each change. */
function ownersOf(map: Map<string, string>, changed: () => void): Owners {
  return {
    get: (path) => map.get(path),
    set(path, owner) {
      if (map.get(path) === owner) return
      if (owner === undefined) map.delete(path)
      else map.set(path, owner)
      changed()
    },
    delete(path) {
      if (map.delete(path)) changed()
    },
    clear() {
      if (!map.size) return
      map.clear()
      changed()
    },
  }
}

/** Owners kept in memory only. */
export function memoryOwners(): Owners {
  return ownersOf(new Map(), () => {})
}

/** Owners kept in `file` (a JSON object of path → openid), read once at start. */
export function diskOwners(file: string): Owners {
  const map = new Map<string, string>()
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (text !== undefined) {
    const json: unknown = JSON.parse(text)
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${file} is not a JSON object of cloud path → openid`)
    for (const [path, owner] of Object.entries(json)) if (typeof owner === 'string') map.set(path, owner)
  }
  return ownersOf(map, () => {
    mkdirSync(dirname(file), { recursive: true })
    // Written beside the target, then renamed over it: a restart never reads half a file.
    const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.owners`)
    writeFileSync(temp, JSON.stringify(Object.fromEntries(map)))
    renameSync(temp, file)
  })
}
