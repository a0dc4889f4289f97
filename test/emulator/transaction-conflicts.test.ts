/**
 * A transaction conflict answered as CloudBase answers it, seen through the official server SDKs over `/admin`:
 * the write that meets another transaction's uncommitted write fails with DATABASE_TRANSACTION_CONFLICT and
 * CloudBase's message, and ends the transaction (a later rollback finds none: DATABASE_TRANSACTION_FAIL, tag
 * TransactionNotExist). The expected texts are those node-sdk's own tests assert against the service
 * (TencentCloudBase/node-sdk test/database/unit/transaction.test.ts, docs/transactions.md). Then what each
 * SDK's runTransaction does with it: @cloudbase/node-sdk retries; wx-server-sdk's document wrapper turns it into
 * −501001 (the tag kept in errMsg) and its runTransaction does not retry.
 */
import { createRequire } from 'node:module'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'

const require = createRequire(import.meta.url)
const tcb = require('@cloudbase/node-sdk') as any
const cloud = require('wx-server-sdk') as any

/** CloudBase's conflict message, as node-sdk's tests against the service expect it. */
const CLOUDBASE_CONFLICT = '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.'

let emulator: RunningEmulator
let db: any
let wx: any

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['accounts'] })
  db = tcb.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials }).database()
  cloud.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
  wx = cloud.database()
})
afterAll(async () => {
  await emulator.stop()
})
beforeEach(async () => {
  await db.collection('accounts').doc('alice').set({ balance: 100 })
})

const balance = async () => (await db.collection('accounts').doc('alice').get()).data[0].balance as number

describe('a conflicting write in a transaction', () => {
  it('fails with CloudBase’s code and message; the other transaction commits', async () => {
    const first = await db.startTransaction()
    const second = await db.startTransaction()
    await first.collection('accounts').doc('alice').get()
    await second.collection('accounts').doc('alice').update({ balance: 1 })
    await expect(first.collection('accounts').doc('alice').update({ balance: 2 })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: CLOUDBASE_CONFLICT })
    await second.commit()
    expect(await balance()).toBe(1)
  })

  it('ends its transaction, as CloudBase’s aborts itself: a rollback then finds none', async () => {
    const first = await db.startTransaction()
    const second = await db.startTransaction()
    await second.collection('accounts').doc('alice').update({ balance: 1 })
    await expect(first.collection('accounts').doc('alice').update({ balance: 2 })).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    await expect(first.rollback()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: expect.stringMatching(/^\[ResourceUnavailable\.TransactionNotExist\] /) })
    await second.rollback()
  })
})

/** Runs `run` with a first attempt whose write meets another transaction's uncommitted write of alice. */
function conflictingFirstAttempt(begin: () => Promise<any>, update: (tx: any, data: object) => Promise<unknown>) {
  let attempts = 0
  const callback = async (tx: any) => {
    attempts += 1
    if (attempts > 1) return update(tx, { balance: 105 })
    const other = await begin()
    await update(other, { balance: 1 })
    try {
      await update(tx, { balance: 2 })
    } finally {
      // The other commits before the retry starts: a retry succeeds.
      await other.commit()
    }
  }
  return { callback, attempts: () => attempts }
}

describe('runTransaction and the conflict', () => {
  it('@cloudbase/node-sdk retries the callback, which then commits', async () => {
    const run = conflictingFirstAttempt(() => db.startTransaction(), (tx, data) => tx.collection('accounts').doc('alice').update(data))
    await db.runTransaction(run.callback)
    expect(run.attempts()).toBe(2)
    expect(await balance()).toBe(105)
  })

  it('wx-server-sdk does not: its wrapper reports errCode −501001, CloudBase’s tag in errMsg (what examples/cloudfunctions/transfer hands back)', async () => {
    const run = conflictingFirstAttempt(() => wx.startTransaction(), (tx, data) => tx.collection('accounts').doc('alice').update({ data }))
    const failure = await wx.runTransaction(run.callback).catch((error: unknown) => error)
    expect(failure).toMatchObject({ errCode: -501001, errMsg: expect.stringContaining('[ResourceUnavailable.TransactionConflict]') })
    expect(run.attempts()).toBe(1)
    expect(await balance()).toBe(1)
  })
})
