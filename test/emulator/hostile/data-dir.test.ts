/**
 * One emulator per data dir: a second one, in this process or another, is refused with the holder's
 * PID before it opens anything; a lock left by a process that was killed is taken over; a start that
 * fails (a taken port) leaves the data dir free.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator } from '../../../emulator/index'
import { adminCall } from '../../helpers/admin'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-lock-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('the data dir lock', () => {
  it('a second emulator on the same data dir is refused, naming the first; after stop() it starts', async () => {
    const first = await startEmulator({ port: 0, dataDir: dir, collections: ['c'] })
    await expect(startEmulator({ port: 0, dataDir: dir })).rejects.toThrow(/already served by an emulator of this process/)
    await first.stop()
    const second = await startEmulator({ port: 0, dataDir: dir })
    expect(await adminCall(second, 'database.calculateDocument', { collectionName: 'c', query: '{}' })).toMatchObject({ data: { total: 0 } })
    await second.stop()
  })

  it('another process holding the dir is named by its PID; a lock whose process is gone is taken over', async () => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
    try {
      writeFileSync(join(dir, 'mpcloud.lock'), JSON.stringify({ pid: holder.pid, started: '2026-01-01T00:00:00.000Z' }))
      await expect(startEmulator({ port: 0, dataDir: dir })).rejects.toThrow(new RegExp(`in use by another emulator \\(PID ${holder.pid}`))
    } finally {
      holder.kill('SIGKILL')
      await new Promise((resolve) => holder.once('exit', resolve))
    }
    const next = await startEmulator({ port: 0, dataDir: dir })
    await next.stop()
    expect(existsSync(join(dir, 'mpcloud.lock'))).toBe(false)
  })

  it('a start that fails on a taken port releases the lock and the store', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    try {
      await expect(startEmulator({ port, dataDir: dir })).rejects.toThrow(/EADDRINUSE/)
    } finally {
      taken.close()
    }
    const after = await startEmulator({ port: 0, dataDir: dir })
    await after.stop()
  })
})
