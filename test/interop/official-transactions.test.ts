/**
 * The official client's transactions against the emulator: @cloudbase/database 0.12.1 (the serializer
 * inside @cloudbase/js-sdk, with its own `runTransaction`) sends real HTTP requests to `/web`, signed in
 * for real. The seed's account transfer commits; the insufficient-balance transfer rolls back; concurrent
 * transfers conflict and `runTransaction` retries them. Expected balances come from the fixture.
 */
import { Db } from '@cloudbase/database'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { accounts } from '../fixtures/todos'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall
/** The emulator's request log: which actions failed with which code. */
const log: EmulatorEvent[] = []

/** The official request class, over HTTP: it resolves with the response body, as js-sdk's does. */
class HttpRequest {
  send(action: string, data: Record<string, unknown> = {}): Promise<unknown> {
    return call(action, data)
  }
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['accounts'], onEvent: (event) => log.push(event) })
  call = await webCaller(emulator)
  ;(Db as unknown as { reqClass: unknown }).reqClass = HttpRequest
})
afterAll(async () => {
  await emulator.stop()
})

const db = () => new Db({ env: 'demo-env' }) as unknown as {
  collection(name: string): any
  command: any
  runTransaction(fn: (tx: any) => Promise<unknown>, times?: number): Promise<unknown>
}

beforeEach(async () => {
  await call('database.deleteDocument', { collectionName: 'accounts', queryType: 'WHERE', query: {}, multi: true })
  await call('database.addDocument', { collectionName: 'accounts', data: accounts })
})

async function balances(): Promise<Record<string, number>> {
  const { data } = await db().collection('accounts').get()
  return Object.fromEntries((data as { _id: string; balance: number }[]).map((a) => [a._id, a.balance]))
}

/** The seed's transfer: read both accounts, refuse an overdraft, move the money. */
function transfer(from: string, to: string, amount: number) {
  return db().runTransaction(async (tx) => {
    const { data: source } = await tx.collection('accounts').doc(from).get()
    const { data: target } = await tx.collection('accounts').doc(to).get()
    if (source.balance < amount) {
      await tx.rollback(`insufficient balance: ${from} has ${source.balance}`)
      return
    }
    await tx.collection('accounts').doc(from).update({ balance: source.balance - amount })
    await tx.collection('accounts').doc(to).update({ balance: target.balance + amount })
    return { moved: amount }
  })
}

const start = Object.fromEntries(accounts.map((a) => [a._id, a.balance]))

describe('official runTransaction against the emulator', () => {
  it('commits a transfer', async () => {
    expect(await transfer('alice', 'bob', 30)).toEqual({ moved: 30 })
    expect(await balances()).toEqual({ alice: start.alice! - 30, bob: start.bob! + 30 })
  })

  it('rolls back an insufficient-balance transfer: nothing changes', async () => {
    await expect(transfer('bob', 'alice', start.bob! + 1)).rejects.toBe(`insufficient balance: bob has ${start.bob}`)
    expect(await balances()).toEqual(start)
  })

  it('concurrent transfers conflict and retry: every unit of money is accounted for', async () => {
    log.length = 0
    const results = await Promise.allSettled([transfer('alice', 'bob', 10), transfer('alice', 'bob', 10), transfer('bob', 'alice', 5)])
    const done = results.filter((r) => r.status === 'fulfilled').length
    const after = await balances()
    expect(after.alice! + after.bob!).toBe(start.alice! + start.bob!)
    // Each committed transfer moved its amount exactly once.
    const moved = results.map((r, i) => (r.status === 'fulfilled' ? [10, 10, -5][i]! : 0)).reduce((a, b) => a + b, 0)
    expect(after.alice).toBe(start.alice! - moved)
    expect(done).toBeGreaterThanOrEqual(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    // They did overlap: the emulator refused at least one conflicting write, and runTransaction retried.
    expect(log.filter((event) => event.code === 'DATABASE_TRANSACTION_CONFLICT').length).toBeGreaterThan(0)
  })

  it('reads its own writes, and others do not see them before commit', async () => {
    const raw = db() as unknown as { startTransaction(): Promise<any> }
    const tx = await (raw as any).startTransaction()
    await tx.collection('accounts').doc('alice').update({ balance: 1 })
    expect((await tx.collection('accounts').doc('alice').get()).data.balance).toBe(1)
    expect((await balances()).alice).toBe(start.alice)
    await tx.commit()
    expect((await balances()).alice).toBe(1)
  })

  it('a write outside the transaction makes its commit conflict (no lost update)', async () => {
    const tx = await (db() as any).startTransaction()
    await tx.collection('accounts').doc('alice').update({ balance: 7 })
    await call('database.updateDocument', { collectionName: 'accounts', queryType: 'DOC', query: { _id: 'alice' }, data: { $inc: { balance: 1 } } })
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    expect((await balances()).alice).toBe(start.alice! + 1)
  })
})
