/**
 * The official realtime client (inside @cloudbase/js-sdk 3.7.0, through the Node adapter) watching a query on
 * the emulator's `/ws`, with js-sdk in each of its modes (CLOUD_API, and its default GATEWAY, whose writes
 * take the REST paths while the socket's sign stays on `/web`): its first snapshot is the query's result,
 * and writes from the same client, from another user and from the admin dialect arrive as add / update /
 * remove changes. Expected documents come from the fixture and the writes made here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { todos } from '../fixtures/todos'
import { adminCall } from '../helpers/admin'
import { signedIn, sharedCollections } from '../helpers/emulator'
import { DIALECT_OF, emulatorAdapter, JS_SDK_MODES, loadJsSdk, modeConfig } from '../helpers/js-sdk-adapter'

interface Snapshot {
  id: number
  docs: { _id: string; [key: string]: unknown }[]
  docChanges: { dataType: string; queueType: string; docId: string; updatedFields?: Record<string, unknown>; removedFields?: string[] }[]
}

describe.each(JS_SDK_MODES)('js-sdk (%s)', (mode) => {
  let emulator: RunningEmulator
  let db: any

  beforeAll(async () => {
    // Other users and the administrator write what one watches: the collection is shared.
    emulator = await startEmulator({ port: 0, env: `watch-${mode.toLowerCase().replace('_', '-')}`, collections: ['todos'], rules: sharedCollections('todos') })
    const cloudbase = loadJsSdk()
    cloudbase.useAdapters(emulatorAdapter(emulator.url))
    const app = cloudbase.init({ env: emulator.env, region: 'ap-shanghai', ...modeConfig(mode) })
    await app.auth({ persistence: 'local' }).signInAnonymously()
    db = app.database()
    await db.collection('todos').add(todos)
  })
  afterAll(async () => {
    await emulator.stop()
  })

  /** The dialect the last request of `action` (or on todos, when none is named) came in. */
  const dialectOfLast = (action?: string) =>
    emulator.events
      .recent()
      .filter((event) => event.kind === 'request' && (action === undefined ? event.target === 'todos' : event.action === action))
      .pop()!.dialect

  describe('official watch against the emulator', () => {
    it('init, then add, update, leave and admin writes, in order', async () => {
      const snapshots: Snapshot[] = []
      const errors: unknown[] = []
      const listener = db.collection('todos').where({ done: false }).watch({
        onChange: (snapshot: Snapshot) => snapshots.push(snapshot),
        onError: (error: unknown) => errors.push(error),
      })
      const open = todos.filter((x) => !x.done).map((x) => x._id).sort()
      await vi.waitFor(() => expect(snapshots.length).toBe(1), { timeout: 5000 })
      expect(snapshots[0]!.docs.map((d) => d._id).sort()).toEqual(open)

      // The socket's sign is a /web action in both modes; the official client's writes take its mode's dialect.
      expect(dialectOfLast('auth.wsWebSign')).toBe('web')
      await db.collection('todos').add({ _id: 'n1', title: 'new', done: false })
      expect(dialectOfLast()).toBe(DIALECT_OF[mode])
      await vi.waitFor(() => expect(snapshots.length).toBe(2))
      expect(snapshots[1]!.docChanges).toMatchObject([{ dataType: 'add', queueType: 'enqueue', docId: 'n1' }])

      // Another user, through mpcloud: the watch follows every writer.
      const other = signedIn(emulator, 'o-bob')
      await other.collection('todos').doc('n1').update({ data: { title: 'renamed', extra: { k: 1 } } })
      await vi.waitFor(() => expect(snapshots.length).toBe(3))
      expect(snapshots[2]!.docChanges[0]).toMatchObject({ dataType: 'update', docId: 'n1', updatedFields: { title: 'renamed', extra: { k: 1 } } })
      expect(snapshots[2]!.docs.find((d) => d._id === 'n1')).toMatchObject({ title: 'renamed', extra: { k: 1 } })

      await other.collection('todos').doc('t2').update({ data: { done: true } })
      await vi.waitFor(() => expect(snapshots.length).toBe(4))
      // Left by an update: update/dequeue, as CloudBase labels it; the official client drops it from docs.
      expect(snapshots[3]!.docChanges).toMatchObject([{ dataType: 'update', queueType: 'dequeue', docId: 't2' }])
      expect(snapshots[3]!.docs.map((d) => d._id)).not.toContain('t2')

      // The admin dialect (server SDKs) feeds the same change stream.
      expect(await adminCall(emulator, 'database.removeDocument', { collectionName: 'todos', query: '{"_id":"n1"}', queryType: 'DOC', multi: false })).toMatchObject({ data: { deleted: 1 } })
      await vi.waitFor(() => expect(snapshots.length).toBe(5))
      expect(snapshots[4]!.docs.map((d) => d._id).sort()).toEqual(open.filter((id) => id !== 't2'))
      expect(snapshots.map((s) => s.id)).toEqual([...snapshots.map((s) => s.id)].sort((a, b) => a - b))
      expect(errors).toEqual([])
      await listener.close()
    })
  })

  describe('nested changes', () => {
    it('a nested change reports its dot path', async () => {
      const snapshots: Snapshot[] = []
      const listener = db.collection('todos').doc('t3').watch({ onChange: (s: Snapshot) => snapshots.push(s), onError: () => {} })
      await vi.waitFor(() => expect(snapshots.length).toBe(1))
      await db.collection('todos').doc('t3').update({ owner: { level: 9 } })
      await vi.waitFor(() => expect(snapshots.length).toBe(2))
      expect(snapshots[1]!.docChanges[0]).toMatchObject({ dataType: 'update', updatedFields: { 'owner.level': 9 } })
      await listener.close()
    })
  })

  describe('orderBy + limit windows', () => {
    it('the official client keeps the top 2 by priority as documents enter, leave and get pushed out', async () => {
      const snapshots: Snapshot[] = []
      const listener = db.collection('todos').where({ tags: 'w' }).orderBy('priority', 'desc').limit(2).watch({ onChange: (s: Snapshot) => snapshots.push(s), onError: () => {} })
      await vi.waitFor(() => expect(snapshots.length).toBe(1))
      expect(snapshots[0]!.docs).toEqual([])
      const ids = () => snapshots[snapshots.length - 1]!.docs.map((d) => d._id).sort()

      await db.collection('todos').add([{ _id: 'w1', tags: ['w'], priority: 1 }, { _id: 'w2', tags: ['w'], priority: 2 }])
      await vi.waitFor(() => expect(ids()).toEqual(['w1', 'w2']))
      // A third with a higher priority pushes w1 out of the window: limit / dequeue.
      await db.collection('todos').add({ _id: 'w3', tags: ['w'], priority: 3 })
      await vi.waitFor(() => expect(ids()).toEqual(['w2', 'w3']))
      expect(snapshots.flatMap((s) => s.docChanges).find((c) => c.docId === 'w1' && c.queueType === 'dequeue')).toMatchObject({ dataType: 'limit' })
      // Removing w3 pulls w1 back in: remove / dequeue, then limit / enqueue.
      await db.collection('todos').doc('w3').remove()
      await vi.waitFor(() => expect(ids()).toEqual(['w1', 'w2']))
      const last = snapshots.slice(-2).flatMap((s) => s.docChanges)
      expect(last).toEqual(expect.arrayContaining([expect.objectContaining({ docId: 'w3', dataType: 'remove', queueType: 'dequeue' }), expect.objectContaining({ docId: 'w1', dataType: 'limit', queueType: 'enqueue' })]))
      await listener.close()
    })
  })

  describe('the official client and mpcloud side by side', () => {
    it('watching the same queries through the same writes, they see the same changes and the same documents', async () => {
      const ours = signedIn(emulator, 'o-carol')
      const _ = ours.command
      type Side = { snapshots: Snapshot[]; errors: unknown[]; close(): Promise<void> | void }
      const side = (query: any): Side => {
        const snapshots: Snapshot[] = []
        const errors: unknown[] = []
        const listener = query.watch({ onChange: (s: Snapshot) => snapshots.push(s), onError: (e: unknown) => errors.push(e) })
        return { snapshots, errors, close: () => listener.close() }
      }
      const watchBoth = (official: any, mine: any): [Side, Side] => [side(official), side(mine)]
      const dbCommand = db.command
      const pairs = [
        watchBoth(db.collection('todos').where({ priority: dbCommand.gte(2) }), ours.collection('todos').where({ priority: _.gte(2) })),
        watchBoth(db.collection('todos').where({ tags: 'side' }).orderBy('priority', 'desc').limit(2), ours.collection('todos').where({ tags: 'side' }).orderBy('priority', 'desc').limit(2)),
        watchBoth(db.collection('todos').doc('s1'), ours.collection('todos').doc('s1')),
      ]
      await vi.waitFor(() => pairs.forEach(([a, b]) => expect([a.snapshots.length, b.snapshots.length]).toEqual([1, 1])))

      const writer = signedIn(emulator, 'o-dave')
      const writes = [
        () => writer.collection('todos').add({ data: { _id: 's1', title: 'side', tags: ['side'], priority: 2 } }),
        () => writer.collection('todos').add({ data: { _id: 's2', tags: ['side'], priority: 5, owner: { name: 'eve', level: 1 } } }),
        () => writer.collection('todos').doc('s1').update({ data: { 'owner.level': 4, title: _.remove() } }),
        () => writer.collection('todos').add({ data: { _id: 's3', tags: ['side'], priority: 9 } }),
        () => writer.collection('todos').doc('s2').update({ data: { priority: 1 } }),
        () => writer.collection('todos').doc('s3').remove(),
        () => writer.collection('todos').doc('s1').set({ data: { tags: ['side'], priority: 7, replaced: true } }),
      ]
      for (const write of writes) await write()

      // Both reach the same last event of each watch; then compare everything they were told.
      const lastId = (side: Side) => side.snapshots[side.snapshots.length - 1]!.id
      await vi.waitFor(() => pairs.forEach(([a, b]) => expect(lastId(a)).toBe(lastId(b))), { timeout: 5000 })
      await new Promise((resolve) => setTimeout(resolve, 100))
      const changes = (side: Side) => side.snapshots.map((s) => [s.id, s.docChanges.map((c) => `${c.dataType}/${c.queueType} ${c.docId}`)])
      // The official client leaves dates as {$date} (docs/protocol.md §14 item 6); ours are Dates: compare as ISO text.
      const revive = (_key: string, value: any) => (value && typeof value.$date === 'number' ? new Date(value.$date).toISOString() : value)
      const sorted = (docs: Snapshot['docs']) => JSON.parse(JSON.stringify(docs), revive).sort((x: { _id: string }, y: { _id: string }) => (x._id < y._id ? -1 : 1))
      for (const [official, mine] of pairs) {
        expect(mine.errors).toEqual([])
        // The official client, reusing its socket after the previous test closed it, sends INIT_WATCH before
        // LOGIN; it recovers, but reports the server's CHECK_LOGIN_FAILED frame to onError on the way.
        expect(official.errors.map((e: any) => e.msgData && e.msgData.code).filter((code) => code !== 'CHECK_LOGIN_FAILED')).toEqual([])
        expect(changes(mine)).toEqual(changes(official))
        official.snapshots.forEach((snapshot, i) => expect(sorted(mine.snapshots[i]!.docs)).toEqual(sorted(snapshot.docs)))
        expect(mine.snapshots.length).toBeGreaterThan(1)
      }
      // The window's documents: ours in orderBy order; the official client appends entering documents.
      expect(pairs[1]![1].snapshots.map((s) => s.docs.map((d) => d._id))).toEqual([[], ['s1'], ['s2', 's1'], ['s2', 's1'], ['s3', 's2'], ['s3', 's1'], ['s1', 's2'], ['s1', 's2']])
      for (const [official, mine] of pairs) {
        await official.close()
        await mine.close()
      }
    })
  })
})
