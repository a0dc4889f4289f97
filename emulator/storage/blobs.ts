/**
 * Where uploaded files live: under `<dataDir>/storage/<env>/<cloudPath>` (so the data dir can be browsed),
 * or in memory without a data dir.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { EmulatorError } from '../errors'

export interface Blobs {
  get(path: string): Buffer | undefined
  has(path: string): boolean
  /** Stores `data` at `path`, replacing what was there. */
  put(path: string, data: Buffer): void
  /** Whether something was there to delete. */
  delete(path: string): boolean
  /** Deletes every file. */
  clear(): void
}

export function memoryBlobs(): Blobs {
  const files = new Map<string, Buffer>()
  return {
    get: (path) => files.get(path),
    has: (path) => files.has(path),
    put: (path, data) => void files.set(path, data),
    delete: (path) => files.delete(path),
    clear: () => files.clear(),
  }
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code

/** Files under `root`; `path`s are checked cloud paths (relative, no `..`), checked once more against `root`. */
export function diskBlobs(root: string): Blobs {
  const base = resolve(root)
  mkdirSync(base, { recursive: true })
  const fileOf = (path: string) => {
    const file = join(base, ...path.split('/'))
    if (!file.startsWith(base + sep)) throw new EmulatorError('INVALID_PARAM', `cloud path ${JSON.stringify(path)} leaves the storage folder`)
    return file
  }
  return {
    get(path) {
      try {
        return readFileSync(fileOf(path))
      } catch (error) {
        // Missing, or a folder (the prefix of other files): no file by that name.
        if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes(code(error) || '')) return undefined
        throw error
      }
    },
    has(path) {
      try {
        return statSync(fileOf(path)).isFile()
      } catch (error) {
        if (['ENOENT', 'ENOTDIR'].includes(code(error) || '')) return false
        throw error
      }
    },
    put(path, data) {
      const file = fileOf(path)
      // COS keys are flat, folders are not: "a" and "a/b" cannot both be files on disk.
      const clash = (why: string) => new EmulatorError('STORAGE_REQUEST_FAIL', `cannot store ${JSON.stringify(path)} in the data dir: ${why}`)
      try {
        mkdirSync(dirname(file), { recursive: true })
      } catch (error) {
        if (['EEXIST', 'ENOTDIR'].includes(code(error) || '')) throw clash('a file already has the name of one of its folders')
        throw error
      }
      try {
        if (statSync(file).isDirectory()) throw clash('it is the folder of other files')
      } catch (error) {
        if (code(error) !== 'ENOENT') throw error
      }
      // Written beside the target, then renamed over it: a reader never sees half a file.
      const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.uploading`)
      writeFileSync(temp, data)
      renameSync(temp, file)
    },
    delete(path) {
      const file = fileOf(path)
      try {
        unlinkSync(file)
      } catch (error) {
        if (['ENOENT', 'EISDIR', 'ENOTDIR', 'EPERM'].includes(code(error) || '')) return false
        throw error
      }
      // Folders exist only for their files: remove the ones left empty.
      for (let folder = dirname(file); folder !== base && folder.startsWith(base + sep); folder = dirname(folder)) {
        try {
          rmdirSync(folder)
        } catch {
          break // not empty (or gone): the folders above are not empty either
        }
      }
      return true
    },
    clear() {
      rmSync(base, { recursive: true, force: true })
      mkdirSync(base, { recursive: true })
    },
  }
}
