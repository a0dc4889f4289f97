/**
 * @cloudbase/node-sdk 3.18.3 (the admin dialect through its own @cloudbase/database 1.4.3) against the
 * emulator's `/admin`: the calls wx-server-sdk does not expose (updateAndReturn → modifyAndReturnDoc,
 * startTransaction), checked against values computed from the fixture.
 */
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { accounts } from '../fixtures/todos'

const require = createRequire(import.meta.url)
const tcb = require('@cloudbase/node-sdk') as any

let emulator: RunningEmulator
let db: any

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['accounts'] })
  const app = tcb.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
  db = app.database()
  const { ids } = await db.collection('accounts').add(accounts)
  expect(ids).toEqual(accounts.map((a) => a._id))
})
afterAll(async () => {
  await emulator.stop()
})

describe('@cloudbase/node-sdk against /admin', () => {
  it('updateAndReturn (modifyAndReturnDoc) returns the updated document', async () => {
    const _ = db.command
    const result = await db.collection('accounts').where({ _id: 'bob' }).updateAndReturn({ balance: _.inc(5) })
    expect(result).toMatchObject({ updated: 1, doc: { _id: 'bob', owner: 'Bob', balance: accounts[1]!.balance + 5 } })
  })

  it('startTransaction: reads inside see the writes, commit applies them, rollback does not', async () => {
    const tx = await db.startTransaction()
    await tx.collection('accounts').doc('alice').update({ balance: 1 })
    expect((await tx.collection('accounts').doc('alice').get()).data).toMatchObject({ balance: 1 })
    expect((await db.collection('accounts').doc('alice').get()).data[0].balance).toBe(accounts[0]!.balance)
    await tx.commit()
    expect((await db.collection('accounts').doc('alice').get()).data[0].balance).toBe(1)

    const aborted = await db.startTransaction()
    await aborted.collection('accounts').doc('alice').update({ balance: 999 })
    await aborted.rollback()
    expect((await db.collection('accounts').doc('alice').get()).data[0].balance).toBe(1)
  })

  it('count and where().get() with a Date round trip', async () => {
    const at = new Date(Date.UTC(2024, 5, 1))
    await db.collection('accounts').doc('alice').update({ openedAt: at })
    const { data } = await db.collection('accounts').where({ openedAt: db.command.lte(at) }).get()
    expect(data).toEqual([expect.objectContaining({ _id: 'alice', openedAt: at })])
    expect((await db.collection('accounts').count()).total).toBe(accounts.length)
  })
})
