/**
 * Rules can change while the emulator runs (`setRules`, what a changed rules file does): new rules are in
 * force at once for every part (database, storage, functions), and rules that do not compile are refused
 * with their position while the rules in force stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { webCaller, type WebCall } from '../helpers/web'

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['notes'], rules: { database: { notes: 'ADMINONLY' } } })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

const read = () => call('database.countDocument', { collectionName: 'notes' })

describe('setRules', () => {
  it('new rules are in force at once; rules that do not compile change nothing; open lifts them', async () => {
    expect(await read()).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED', message: expect.stringMatching(/ADMINONLY/) })
    emulator.setRules({ database: { notes: { read: true, write: false } } })
    expect(await read()).toMatchObject({ data: { total: 0 } })
    expect(await call('database.addDocument', { collectionName: 'notes', data: { a: 1 } })).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })

    expect(() => emulator.setRules({ database: { notes: { read: 'doc.a = 1' } } })).toThrow(/notes.*read.*line 1, column 7/)
    expect(() => emulator.setRules({ database: { notes: 'READONLY' }, storage: 'NOPE' as never })).toThrow(/storage/)
    expect(await read()).toMatchObject({ data: { total: 0 } })
    expect(await call('database.addDocument', { collectionName: 'notes', data: { a: 1 } })).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })

    emulator.setRules('open')
    expect(await call('database.addDocument', { collectionName: 'notes', data: { a: 1 } })).toMatchObject({ data: { _id: expect.any(String) } })
  })
})
