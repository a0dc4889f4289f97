/**
 * `_openid` belongs to the server: a client's writes are stamped with its own user, a guest's with none,
 * and no client update or replacement can change the owner. Index management is the administrator's.
 * Each refusal leaves the data as it was, and the emulator keeps answering.
 */
import { EJSON } from 'bson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../../emulator/index'
import { adminCall } from '../../helpers/admin'
import { webCaller, type WebCall } from '../../helpers/web'
import { expectResponsive } from './responsive'

let emulator: RunningEmulator
let alice: WebCall
let aliceId: string

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['notes'] })
  alice = await webCaller(emulator)
  const added = await alice('database.addDocument', { collectionName: 'notes', data: { _id: 'probe' } })
  expect(added).toMatchObject({ data: { _id: 'probe' } })
  aliceId = (await stored('probe'))._openid as string
  expect(aliceId).toMatch(/^o/)
})
afterAll(async () => {
  await emulator.stop()
})

/** The document as stored, read by the administrator. */
async function stored(id: string): Promise<Record<string, unknown>> {
  const { data } = await adminCall(emulator, 'database.getDocument', { collectionName: 'notes', query: JSON.stringify({ _id: id }) })
  const [text] = (data as { list: string[] }).list
  return text === undefined ? {} : (EJSON.parse(text, { relaxed: true }) as Record<string, unknown>)
}

describe('a client cannot choose or change the owner', () => {
  it('add: the _openid a client sends is replaced by its own', async () => {
    await alice('database.addDocument', { collectionName: 'notes', data: [{ _id: 'a1', _openid: 'o-bob' }, { _id: 'a2' }] })
    expect(await stored('a1')).toEqual({ _id: 'a1', _openid: aliceId })
    expect(await stored('a2')).toEqual({ _id: 'a2', _openid: aliceId })
  })

  it('update operators on _openid, or a rename onto it, are refused and change nothing', async () => {
    await alice('database.addDocument', { collectionName: 'notes', data: { _id: 'u1', x: 'keep' } })
    for (const data of [{ $set: { _openid: 'o-bob' } }, { $set: { '_openid.x': 1 } }, { $unset: { _openid: '' } }, { $rename: { x: '_openid' } }]) {
      const answer = await alice('database.updateDocument', { collectionName: 'notes', query: { _id: 'u1' }, queryType: 'DOC', data })
      expect(answer).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/_openid is set by the server/) })
    }
    expect(await stored('u1')).toEqual({ _id: 'u1', x: 'keep', _openid: aliceId })
    await expectResponsive(emulator)
  })

  it('a replacement (set) keeps the owner, and one naming another owner is refused', async () => {
    await alice('database.addDocument', { collectionName: 'notes', data: { _id: 's1', v: 1 } })
    expect(await alice('database.updateDocument', { collectionName: 'notes', query: { _id: 's1' }, queryType: 'DOC', merge: false, data: { v: 2 } })).toMatchObject({ data: { updated: 1 } })
    expect(await stored('s1')).toEqual({ _id: 's1', v: 2, _openid: aliceId })
    const refused = await alice('database.updateDocument', { collectionName: 'notes', query: { _id: 's1' }, queryType: 'DOC', merge: false, data: { v: 3, _openid: 'o-bob' } })
    expect(refused).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await stored('s1')).toEqual({ _id: 's1', v: 2, _openid: aliceId })
  })

  it('an upsert, and an insert inside a transaction, are stamped with the client’s user', async () => {
    await alice('database.updateDocument', { collectionName: 'notes', query: { _id: 'up1', _openid: 'o-bob' }, data: { $set: { n: 1 } }, upsert: true })
    expect(await stored('up1')).toEqual({ _id: 'up1', n: 1, _openid: aliceId })
    const { transactionId } = (await alice('database.startTransaction', {})) as { transactionId: string }
    await alice('database.insertDocInTransaction', { transactionId, collectionName: 'notes', _id: 't1', data: JSON.stringify({ _openid: 'o-bob' }) })
    await alice('database.commitTransaction', { transactionId })
    expect(await stored('t1')).toEqual({ _id: 't1', _openid: aliceId })
  })

  it('a guest’s documents have no owner at all', async () => {
    const open = await startEmulator({ port: 0, collections: ['notes'], allowUnauthenticated: true })
    try {
      const response = await fetch(`${open.url}/web`, {
        method: 'POST',
        body: JSON.stringify({ action: 'database.addDocument', env: open.env, collectionName: 'notes', data: { _id: 'g', _openid: 'o-bob' } }),
      })
      expect(await response.json()).toMatchObject({ data: { _id: 'g' } })
      const { data } = await adminCall(open, 'database.getDocument', { collectionName: 'notes', query: '{"_id":"g"}' })
      expect(JSON.parse((data as { list: string[] }).list[0]!)).toEqual({ _id: 'g' })
    } finally {
      await open.stop()
    }
  })

  it('the administrator writes the owner it is given', async () => {
    await adminCall(emulator, 'database.insertDocument', { collectionName: 'notes', data: [JSON.stringify({ _id: 'adm', _openid: 'o-bob' })] })
    expect(await stored('adm')).toEqual({ _id: 'adm', _openid: 'o-bob' })
  })
})

describe('index management is the administrator’s', () => {
  it('a signed-in user cannot create or drop an index; the administrator can', async () => {
    const created = await alice('database.createIndex', { collectionName: 'notes', keys: { x: 1 }, name: 'x' })
    expect(created).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/administrator/) })
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'notes', keys: { x: 1 }, name: 'x' })).toMatchObject({ data: { name: 'x' } })
    expect(await alice('database.dropIndex', { collectionName: 'notes', name: 'x' })).toMatchObject({ code: 'PERMISSION_DENIED' })
    // Still there: creating it again is a duplicate.
    expect(await adminCall(emulator, 'database.createIndex', { collectionName: 'notes', keys: { x: 1 }, name: 'x' })).toMatchObject({ code: 'DATABASE_INDEX_ALREADY_EXIST' })
    await expectResponsive(emulator)
  })
})
