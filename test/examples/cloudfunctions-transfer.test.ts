/**
 * The guide's transfer (examples/cloudfunctions/cloudfunctions/transfer) in the emulator, called through mpcloud
 * and through the official js-sdk: db.runTransaction under wx-server-sdk commits a transfer, rolls back an
 * overdraft, and two concurrent transfers both complete because the one whose write conflicted was retried, as
 * CloudBase answers a conflict (DATABASE_TRANSACTION_CONFLICT, "[ResourceUnavailable.TransactionConflict] ...")
 * and runTransaction retries on it. Balances expected from mpcloud.json's seed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import { adminDatabase, jsSdkCaller, mpcloudCaller, seedOf, startGuideProject, type Call } from './guide-project'

let emulator: RunningEmulator
let ours: Call
let official: Call
let db: any
const seed = Object.fromEntries(seedOf('accounts').map((account) => [account._id as string, account.balance as number]))

beforeAll(async () => {
  emulator = await startGuideProject()
  db = adminDatabase(emulator)
  ours = mpcloudCaller(emulator, 'o-payer')
  official = (await jsSdkCaller(emulator)).call
}, 30_000)
afterAll(async () => {
  await emulator.stop()
})

/** The accounts' balances, read as the administrator (ADMINONLY keeps clients out). */
async function balances(): Promise<Record<string, number>> {
  const { data } = await db.collection('accounts').get()
  return Object.fromEntries((data as { _id: string; balance: number }[]).map((account) => [account._id, account.balance]))
}

/** Puts the seed's balances back. */
async function reset(): Promise<void> {
  for (const [_id, balance] of Object.entries(seed)) await db.collection('accounts').doc(_id).update({ data: { balance } })
}

beforeEach(reset)

describe('transfer', () => {
  it.each([
    ['mpcloud', () => ours],
    ['js-sdk', () => official],
  ])('through %s: commits a transfer', async (_label, caller) => {
    expect(await caller()('transfer', { fromAccount: 'alice', toAccount: 'bob', amount: 30 })).toEqual({ success: true, attempts: 1 })
    expect(await balances()).toEqual({ alice: seed.alice! - 30, bob: seed.bob! + 30 })
  }, 30_000)

  it('an overdraft rolls back with the reason, and nothing moves', async () => {
    expect(await ours('transfer', { fromAccount: 'bob', toAccount: 'alice', amount: seed.bob! + 1 })).toEqual({ success: false, error: 'Insufficient balance', attempts: 1 })
    expect(await balances()).toEqual(seed)
  }, 30_000)

  it('two concurrent transfers both complete, the conflicting one retried by runTransaction', async () => {
    const conflicts = () => emulator.events.recent().filter((event) => event.code === 'DATABASE_TRANSACTION_CONFLICT').length
    let retried = false
    let moved = 0
    // Two instances of transfer run at once; their transactions overlap in most rounds (each is a few requests long).
    for (let round = 0; round < 10 && !retried; round++) {
      const before = conflicts()
      const results = await Promise.all([ours('transfer', { fromAccount: 'alice', toAccount: 'bob', amount: 1 }), official('transfer', { fromAccount: 'alice', toAccount: 'bob', amount: 2 })])
      for (const result of results) expect(result).toMatchObject({ success: true })
      moved += 3
      expect(await balances()).toEqual({ alice: seed.alice! - moved, bob: seed.bob! + moved })
      const attempts = results.map((result) => result.attempts as number)
      if (attempts.some((n) => n > 1)) {
        retried = true
        // A retry follows a conflict the emulator answered.
        expect(conflicts()).toBeGreaterThan(before)
      }
    }
    expect(retried).toBe(true)
  }, 60_000)
})
