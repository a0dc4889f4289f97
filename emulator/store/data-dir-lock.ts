/**
 * One emulator per data dir. Two processes over the same SQLite files would each keep their own in-memory
 * view, and an acknowledged write of one would be lost to the other; so the first takes a lock file
 * naming its PID, and a second one is refused with that PID. A lock left by a process that no longer runs
 * (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

const FILE = 'mpcloud.lock'

interface Holder {
  pid: number
  started: string
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function holderOf(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>
    return typeof holder.pid === 'number' && Number.isInteger(holder.pid) && holder.pid > 0 ? { pid: holder.pid, started: String(holder.started) } : undefined
  } catch {
    // Unreadable (half-written by a process that died at that moment): nobody holds it.
    return undefined
  }
}

/** Takes the data dir's lock, or throws naming the process that holds it; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }))
      closeSync(fd)
      return () => rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = holderOf(file)
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        throw new Error(
          `the data dir ${dataDir} is in use by another emulator (PID ${holder.pid}, started ${holder.started}): stop it, or give this one another --data dir`,
        )
      }
      if (holder && holder.pid === process.pid) {
        throw new Error(`the data dir ${dataDir} is already served by an emulator of this process: stop() it first, or give this one another dataDir`)
      }
      // Left by a process that is gone: take it over.
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not take the lock ${file}: another emulator is starting on the same data dir`)
}
