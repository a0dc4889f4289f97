/**
 * Durability: an emulator in a child process is killed with SIGKILL in the middle of a stream of writes,
 * then restarted on the same data dir. Every acknowledged write must be there, whole, and no batch may be
 * half-written.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadAdminKey } from '../../emulator/auth/admin-key'
import { connectHttp, createCloud, nodePlatform, type Database } from '../helpers/sdk'

const tcb = createRequire(import.meta.url)('@cloudbase/node-sdk') as any

const CHILD = new URL('../helpers/emulator-process.ts', import.meta.url).pathname
const children: ChildProcess[] = []
const dirs: string[] = []

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

interface Child {
  child: ChildProcess
  /** A client signed in anonymously: the writer. */
  db: Database
  /** The official server SDK with the data dir's admin key: it reads every document, whoever wrote it. */
  admin: any
  /** Settles when the process is gone (listening from the spawn on, so the event cannot be missed). */
  exited: Promise<void>
}

function start(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    exited.then(() => reject(new Error('the emulator exited before it served')))
    child.stdout!.once('data', (chunk: Buffer) => {
      const url = chunk.toString().trim()
      const cloud = createCloud({ platform: nodePlatform, connect: connectHttp })
      cloud.init({ env: 'demo-env', endpoint: url, timeout: 5000 }) // signs in anonymously
      const admin = tcb.init({ env: 'demo-env', serviceUrl: `${url}/admin`, ...loadAdminKey(dataDir) }).database()
      resolve({ child, db: cloud.database(), admin, exited })
    })
  })
}

/** A document whose fields check each other, so a torn write would show. */
const entry = (batch: number, i: number) => ({ batch, i, payload: `batch-${batch}-item-${i}-`.repeat(20), check: batch * 1000 + i })

describe('durability across SIGKILL', () => {
  for (const seed of [1, 2, 3]) {
    it(`trial ${seed}: every acknowledged write survives, no batch is torn`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-durability-'))
      dirs.push(dataDir)
      const first = await start(dataDir)
      const acknowledged = new Map<number, string[]>()
      let batch = 0
      let stopped = false
      // Four writers stream batches of 3 documents; the kill lands while requests are in flight.
      const writer = async () => {
        while (!stopped) {
          const id = ++batch
          const data = [0, 1, 2].map((i) => entry(id, i))
          try {
            const { _ids } = await first.db.collection('log').add({ data })
            acknowledged.set(id, _ids as string[])
          } catch (error) {
            if (!stopped) console.error('writer failed before the kill', error)
            return // the emulator died: this batch was never acknowledged
          }
        }
      }
      const writers = Promise.all([writer(), writer(), writer(), writer()])
      const killAfter = 40 + seed * 25
      const killed = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (acknowledged.size >= killAfter) {
            clearInterval(poll)
            first.child.kill('SIGKILL')
            stopped = true
            resolve()
          }
        }, 1)
      })
      // A writer failing before the kill fails the test instead of leaving it waiting.
      await Promise.race([killed, writers])
      expect(stopped).toBe(true)
      await writers
      await first.exited

      const second = await start(dataDir)
      const { total } = await second.admin.collection('log').count()
      const docs: Record<string, unknown>[] = []
      for (let skip = 0; skip < total; skip += 1000) {
        docs.push(...(await second.admin.collection('log').orderBy('check', 'asc').skip(skip).limit(1000).get()).data)
      }
      expect(docs).toHaveLength(total)
      const byBatch = new Map<number, Record<string, unknown>[]>()
      for (const doc of docs) {
        const batchOf = doc.batch as number
        expect(doc).toEqual({ _id: doc._id, _openid: expect.any(String), ...entry(batchOf, doc.i as number) })
        byBatch.set(batchOf, (byBatch.get(batchOf) || []).concat(doc))
      }
      for (const [id, ids] of acknowledged) {
        expect(byBatch.get(id)?.map((d) => d._id), `acknowledged batch ${id}`).toEqual(ids)
      }
      for (const [id, items] of byBatch) expect(items.length, `batch ${id} is whole`).toBe(3)
      expect(acknowledged.size).toBeGreaterThanOrEqual(killAfter)
    }, 30_000)
  }
})
