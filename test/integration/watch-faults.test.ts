/**
 * The watch that never loses a change: 1,000 writes by another user while the watcher's socket is cut at
 * random points (seeded, several trials). Afterwards the watcher's `docs` equal a fresh query, and the
 * changes it received are exactly the ones the writes imply, each once, in write order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { signedIn, sharedCollections } from '../helpers/emulator'
import type { Snapshot } from '../helpers/sdk'
import { unreliableNetwork } from '../helpers/unreliable-network'
import { seededRandom as random } from '../helpers/random'

let emulator: RunningEmulator

beforeAll(async () => {
  // One user writes what another watches: the collections are shared.
  emulator = await startEmulator({ port: 0, rules: sharedCollections('faults1', 'faults2', 'faults3') })
})
afterAll(async () => {
  await emulator.stop()
})

type Doc = { _id: string; g: number; v: number; _openid?: string }
const byId = (a: { _id: string }, b: { _id: string }) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)

describe('watch under a failing network', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 1,000 writes, random socket cuts, every change once and in order`, async () => {
      const rand = random(seed)
      const collection = `faults${seed}`
      const writer = signedIn(emulator, 'o-writer')
      await writer.createCollection(collection)
      // The model: what the collection holds, and the changes the watch (g == 1) must report.
      const model = new Map<string, Doc>()
      for (let i = 0; i < 30; i++) model.set(`d${i}`, { _id: `d${i}`, g: i % 3, v: 0 })
      await writer.collection(collection).add({ data: Array.from(model.values()) })

      const network = unreliableNetwork()
      const watcher = signedIn(emulator, 'o-watcher', { platform: network.platform })
      const snapshots: Snapshot<Doc>[] = []
      const errors: unknown[] = []
      const listener = watcher.collection<Doc>(collection).where({ g: 1 }).watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
      await vi.waitFor(() => expect(snapshots).toHaveLength(1))

      const expected: string[] = []
      let next = 30
      for (let i = 1; i <= 1000; i++) {
        // About 40 cut attempts per trial, some between writes, some while a push is on its way (a cut while
        // the client is already reconnecting finds no socket).
        if (rand() < 0.04) setTimeout(() => network.drop(), Math.floor(rand() * 4))
        const ids = Array.from(model.keys())
        const op = rand()
        if (op < 0.3 || !ids.length) {
          const doc = { _id: `d${next++}`, g: Math.floor(rand() * 3), v: i }
          model.set(doc._id, doc)
          await writer.collection(collection).add({ data: doc })
          if (doc.g === 1) expected.push(`enqueue ${doc._id}`)
        } else if (op < 0.8) {
          const id = ids[Math.floor(rand() * ids.length)]!
          const before = model.get(id)!
          const after = { _id: id, g: Math.floor(rand() * 3), v: i }
          model.set(id, after)
          await writer.collection(collection).doc(id).update({ data: { g: after.g, v: i } })
          if (before.g === 1 || after.g === 1) expected.push(`${before.g !== 1 ? 'enqueue' : after.g !== 1 ? 'dequeue' : 'update'} ${id}`)
        } else {
          const id = ids[Math.floor(rand() * ids.length)]!
          const before = model.get(id)!
          model.delete(id)
          await writer.collection(collection).doc(id).remove()
          if (before.g === 1) expected.push(`dequeue ${id}`)
        }
      }

      const received = () => snapshots.slice(1).flatMap((s) => s.docChanges.map((c) => `${c.queueType} ${c.docId}`))
      await vi.waitFor(() => expect(received().length).toBeGreaterThanOrEqual(expected.length), { timeout: 20_000 })
      expect(errors).toEqual([])
      expect(network.cuts).toBeGreaterThanOrEqual(5)
      expect(received()).toEqual(expected)
      // One snapshot per server event, with consecutive ids: nothing skipped, nothing twice.
      const idsSeen = snapshots.map((s) => s.id)
      expect(idsSeen).toEqual(idsSeen.map((_, k) => idsSeen[0]! + k))

      const fresh = (await writer.collection<Doc>(collection).where({ g: 1 }).limit(1000).get()).data
      const docs = snapshots[snapshots.length - 1]!.docs
      expect(docs.slice().sort(byId)).toEqual(fresh.slice().sort(byId))
      expect(fresh.map((d) => d._id).sort()).toEqual(Array.from(model.values()).filter((d) => d.g === 1).map((d) => d._id).sort())
      await listener.close()
    }, 60_000)
  }
})
