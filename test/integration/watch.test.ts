/**
 * mpcloud's watch against the emulator over real HTTP and WebSocket: first snapshots, every kind of
 * change from several writers, windows, document watches, close(), the background cycle, and a socket
 * cut in the middle of a stream of writes. Expected documents come from the fixture and a fresh query.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { todos } from '../fixtures/todos'
import { signedIn, sharedCollections } from '../helpers/emulator'
import type { Database, Snapshot } from '../helpers/sdk'
import { unreliableNetwork } from '../helpers/unreliable-network'

let emulator: RunningEmulator
let db: Database

beforeAll(async () => {
  // Several users write what one watches: the collections are shared.
  emulator = await startEmulator({ port: 0, collections: ['todos', 'notes'], rules: sharedCollections('todos', 'notes') })
  db = signedIn(emulator, 'o-ann')
  await db.collection('todos').add({ data: todos })
})
afterAll(async () => {
  await emulator.stop()
})

type Doc = Record<string, any>

/** Watches `query` and collects its snapshots and errors. */
function follow(query: { watch(options: { onChange(s: Snapshot<any>): void; onError(e: unknown): void }): { close(): Promise<void> } }) {
  const snapshots: Snapshot<Doc>[] = []
  const errors: unknown[] = []
  const listener = query.watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
  return { snapshots, errors, close: () => listener.close(), last: () => snapshots[snapshots.length - 1]! }
}

const ids = (docs: Doc[]) => docs.map((d) => d._id)

describe('watch against the emulator', () => {
  it('follows a query: init with revived dates, then add, update, leave and delete from another user, in order', async () => {
    const _ = db.command
    const w = follow(db.collection('todos').where({ done: false, priority: _.gte(2) }))
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(1))
    const first = w.snapshots[0]!
    expect(first.type).toBe('init')
    expect(ids(first.docs).sort()).toEqual(['t2', 't3', 't5'])
    expect(first.docs.find((d) => d._id === 't2')!.createdAt).toEqual(todos[1]!.createdAt)

    const bob = signedIn(emulator, 'o-bob')
    await bob.collection('todos').add({ data: { _id: 'n1', title: 'new', done: false, priority: 5, tags: [], createdAt: new Date(1) } })
    await bob.collection('todos').doc('t3').update({ data: { title: 'Typed', 'owner.level': 9 } })
    await bob.collection('todos').doc('t5').update({ data: { done: true } })
    await bob.collection('todos').doc('n1').remove()
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(5))
    // t5 leaves the query by an update: CloudBase labels it update/dequeue; only the delete is a remove.
    expect(w.snapshots.slice(1).map((s) => s.docChanges.map((c) => `${c.dataType}/${c.queueType} ${c.docId}`))).toEqual([
      ['add/enqueue n1'],
      ['update/update t3'],
      ['update/dequeue t5'],
      ['remove/dequeue n1'],
    ])
    expect(w.snapshots[3]!.docChanges[0]!.updatedFields).toEqual({ done: true })
    expect(w.snapshots[1]!.docChanges[0]!.doc.createdAt).toEqual(new Date(1))
    expect(w.snapshots[2]!.docChanges[0]!.updatedFields).toEqual({ title: 'Typed', 'owner.level': 9 })
    const fresh = (await db.collection('todos').where({ done: false, priority: _.gte(2) }).get()).data
    expect(w.last().docs.slice().sort((a, b) => (a._id < b._id ? -1 : 1))).toEqual(fresh.slice().sort((a, b) => (a._id < b._id ? -1 : 1)))
    // Restore the fixture for the next tests; t5 coming back by an update is update/enqueue, with its document.
    await bob.collection('todos').doc('t3').update({ data: { title: 'Type the paths', 'owner.level': 2 } })
    await bob.collection('todos').doc('t5').update({ data: { done: false } })
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(7))
    expect(w.last().docChanges).toMatchObject([{ dataType: 'update', queueType: 'enqueue', docId: 't5', doc: { _id: 't5', done: false }, updatedFields: { done: false } }])
    expect(ids(w.last().docs).sort()).toEqual(['t2', 't3', 't5'])
    expect(w.errors).toEqual([])
    await w.close()
  })

  it('keeps an orderBy + limit window in order as documents move in and out', async () => {
    const query = db.collection('todos').orderBy('priority', 'desc').orderBy('createdAt', 'asc').limit(3)
    const w = follow(query)
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(1))
    expect(ids(w.last().docs)).toEqual(['t1', 't2', 't3'])
    await db.collection('todos').doc('t6').update({ data: { priority: 10 } })
    await vi.waitFor(() => expect(ids(w.last().docs)).toEqual(['t6', 't1', 't2']))
    await db.collection('todos').doc('t1').remove()
    await vi.waitFor(() => expect(ids(w.last().docs)).toEqual(['t6', 't2', 't3']))
    expect(ids(w.last().docs)).toEqual(ids((await query.get()).data))
    await w.close()
    await db.collection('todos').doc('t6').update({ data: { priority: 1 } })
    await db.collection('todos').add({ data: todos[0]! })
  })

  it('watches one document: empty at first, then created, changed, deleted; close() ends it', async () => {
    const w = follow(db.collection('notes').doc('n'))
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(1))
    expect(w.snapshots[0]).toMatchObject({ type: 'init', docs: [], docChanges: [] })
    await db.collection('notes').doc('n').set({ data: { text: 'a' } })
    await db.collection('notes').doc('n').update({ data: { text: 'b' } })
    await db.collection('notes').doc('n').remove()
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(4))
    expect(w.snapshots.map((s) => s.docs.map((d) => d.text))).toEqual([[], ['a'], ['b'], []])
    await w.close()
    await db.collection('notes').doc('n').set({ data: { text: 'after close' } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(w.snapshots).toHaveLength(4)
  })

  it('an unknown collection fails the watch once with INIT_WATCH_FAIL', async () => {
    const w = follow(db.collection('missing'))
    await vi.waitFor(() => expect(w.errors).toHaveLength(1))
    expect(w.errors[0]).toMatchObject({ errCode: -402002, code: 'SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL' })
    expect((w.errors[0] as { errMsg: string }).errMsg).toMatch(/DATABASE_COLLECTION_NOT_EXIST/)
    expect(w.snapshots).toEqual([])
  })

  it('bad arguments are refused at once with a clear error', () => {
    expect(() => db.collection('todos').skip(1).watch({ onChange() {}, onError() {} })).toThrow(/remove skip\(\) and field\(\)/)
    expect(() => db.collection('todos').doc('t1').field({ title: true }).watch({ onChange() {}, onError() {} })).toThrow(/remove field\(\)/)
    expect(() => (db.collection('todos').watch as (o: unknown) => unknown)({ onChange() {} })).toThrow(/onChange\(snapshot\), onError\(error\)/)
  })

  it('in the background the socket closes; back in the foreground the watch resumes with what it missed, once', async () => {
    const network = unreliableNetwork()
    const mine = signedIn(emulator, 'o-ann', { platform: network.platform })
    const w = follow(mine.collection('notes').where({ topic: 'bg' }))
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(1))
    network.hide()
    await db.collection('notes').add({ data: [{ _id: 'bg1', topic: 'bg' }, { _id: 'bg2', topic: 'bg' }] })
    await db.collection('notes').doc('bg1').update({ data: { seen: true } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(w.snapshots).toHaveLength(1)
    network.show()
    await vi.waitFor(() => expect(w.snapshots).toHaveLength(3))
    // One snapshot per commit: the two documents added together arrive together.
    expect(w.snapshots.slice(1).map((s) => s.docChanges.map((c) => `${c.dataType} ${c.docId}`))).toEqual([['add bg1', 'add bg2'], ['update bg1']])
    expect(w.last().docs).toEqual([
      { _id: 'bg1', topic: 'bg', seen: true, _openid: 'o-ann' },
      { _id: 'bg2', topic: 'bg', _openid: 'o-ann' },
    ])
    expect(network.opened).toBe(2)
    await w.close()
  })
})
