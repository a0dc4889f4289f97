/**
 * How frames become snapshots: the first snapshot, incremental updates, event order, duplicates, gaps,
 * CHECK_LAST, windows, and invalid server data.
 */
import { describe, it } from 'vitest'
import { event, events, initial, spec } from './spec'

const a = { _id: 'a', n: 1, tags: ['x'], meta: { k: 'v', keep: true } }
const b = { _id: 'b', n: 2 }

/** A watch that is logged in and has its first result `docs` at event `currEvent`. */
const watching = (docs = [a, b], currEvent = 5, request = {}) =>
  spec()
    .userWatches('w', request)
    .serverAcceptsLogin()
    .expectSent('INIT_WATCH')
    .serverReplies('INIT_EVENT', initial('q1', currEvent, docs))

describe('first snapshot', () => {
  it('is type init, with the documents and their dates revived', () =>
    spec()
      .userWatches('w', { query: { n: { $gt: 0 } }, order: [{ field: 'n', direction: 'desc' }], limit: 10 })
      .expectSockets(1)
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH', { msgData: { envId: 'env', collName: 'todos', query: '{"n":{"$gt":0}}', limit: 10, orderBy: { n: 'desc' } } })
      .serverReplies('INIT_EVENT', initial('q1', 3, [{ _id: 'a', n: 2, at: { $date: 0 } }]))
      .expectSnapshots('w', { id: 3, type: 'init', changes: ['init/init a'], docs: [{ _id: 'a', n: 2, at: new Date(0) }] })
      .run())

  it('is type init when the result is empty too', () =>
    watching([], 0)
      .expectSnapshots('w', { id: 0, type: 'init', changes: [], docs: [] })
      .run())
})

describe('changes', () => {
  it('apply updated and removed fields to a copy: earlier snapshots keep their documents', () =>
    watching()
      .expectSnapshots('w', { type: 'init', docs: [a, b] })
      .serverPushes('w', events('q1', 6, [event(6, 'update', 'update', 'a', undefined, { updated: { n: 10, 'meta.k': 'w', 'tags.1': 'y' }, removed: ['meta.keep'] })]))
      .expectSnapshots('w', { id: 6, changes: ['update/update a'], docs: [{ _id: 'a', n: 10, tags: ['x', 'y'], meta: { k: 'w' } }, b] })
      .check('w', ({ snapshots }) => {
        if (JSON.stringify(snapshots[0]!.docs) !== JSON.stringify([a, b])) throw new Error('the first snapshot changed')
        const change = snapshots[1]!.docChanges[0]!
        if (JSON.stringify(change.updatedFields) !== '{"n":10,"meta.k":"w","tags.1":"y"}' || change.removedFields![0] !== 'meta.keep') throw new Error('fields not reported')
        if (snapshots[1]!.docs[1] !== snapshots[0]!.docs[1]) throw new Error('an untouched document was copied')
      })
      .run())

  it('add, replace and remove: one snapshot per event ID, several events of one ID in one snapshot', () =>
    watching()
      .serverPushes(
        'w',
        events('q1', 8, [
          event(6, 'add', 'enqueue', 'c', { _id: 'c', n: 3 }),
          event(7, 'replace', 'update', 'b', { _id: 'b', n: 20 }),
          event(8, 'remove', 'dequeue', 'a'),
          event(8, 'add', 'enqueue', 'd', { _id: 'd', n: 4 }),
        ]),
      )
      .expectSnapshots(
        'w',
        { type: 'init' },
        { id: 6, changes: ['add/enqueue c'], docs: [a, b, { _id: 'c', n: 3 }] },
        { id: 7, changes: ['replace/update b'], docs: [a, { _id: 'b', n: 20 }, { _id: 'c', n: 3 }] },
        { id: 8, changes: ['remove/dequeue a', 'add/enqueue d'], docs: [{ _id: 'b', n: 20 }, { _id: 'c', n: 3 }, { _id: 'd', n: 4 }] },
      )
      .check('w', ({ snapshots }) => {
        // A document leaving the result is reported with its last value.
        if (JSON.stringify(snapshots[3]!.docChanges[0]!.doc) !== JSON.stringify(a)) throw new Error('removed doc not reported')
      })
      .run())

  it('drops an event it already applied', () =>
    watching()
      .serverPushes('w', events('q1', 6, [event(6, 'add', 'enqueue', 'c', { _id: 'c' })]))
      .serverPushes('w', events('q1', 6, [event(6, 'add', 'enqueue', 'c', { _id: 'c' })]))
      .serverPushes('w', events('q1', 5, [event(5, 'remove', 'dequeue', 'a')]))
      .expectSnapshots('w', { type: 'init' }, { id: 6, changes: ['add/enqueue c'] })
      .expectNothingSent()
      .run())

  it('keeps orderBy order as documents enter, move and leave a window', () =>
    watching([{ _id: 'p', n: 1 }, { _id: 'q', n: 5 }], 1, { order: [{ field: 'n', direction: 'asc' }], limit: 3 })
      .serverPushes('w', events('q1', 2, [event(2, 'add', 'enqueue', 'r', { _id: 'r', n: 3 })]))
      .serverPushes('w', events('q1', 3, [event(3, 'update', 'update', 'p', undefined, { updated: { n: 9 }, removed: [] })]))
      .serverPushes('w', events('q1', 5, [event(4, 'limit', 'dequeue', 'p'), event(5, 'limit', 'enqueue', 's', { _id: 's', n: 0 })]))
      .expectSnapshots(
        'w',
        { type: 'init' },
        { id: 2, docs: [{ _id: 'p', n: 1 }, { _id: 'r', n: 3 }, { _id: 'q', n: 5 }] },
        { id: 3, docs: [{ _id: 'r', n: 3 }, { _id: 'q', n: 5 }, { _id: 'p', n: 9 }] },
        { id: 4, changes: ['limit/dequeue p'], docs: [{ _id: 'r', n: 3 }, { _id: 'q', n: 5 }] },
        { id: 5, changes: ['limit/enqueue s'], docs: [{ _id: 's', n: 0 }, { _id: 'r', n: 3 }, { _id: 'q', n: 5 }] },
      )
      .run())
})

describe('gaps', () => {
  it('a missing event holds the later ones back and asks for it once; the answer applies everything in order, once', () =>
    watching()
      .expectSnapshots('w', { type: 'init' })
      .serverPushes('w', events('q1', 7, [event(7, 'add', 'enqueue', 'd', { _id: 'd' })]))
      .expectSnapshots('w')
      .expectSent('REBUILD_WATCH', { msgData: { envId: 'env', collName: 'todos', queryID: 'q1', eventID: 5 } })
      .serverPushes('w', events('q1', 8, [event(8, 'add', 'enqueue', 'e', { _id: 'e' })]))
      .expectNothingSent()
      .serverReplies('NEXT_EVENT', events('q1', 8, [event(6, 'add', 'enqueue', 'c', { _id: 'c' }), event(7, 'add', 'enqueue', 'd', { _id: 'd' }), event(8, 'add', 'enqueue', 'e', { _id: 'e' })]))
      .expectSnapshots('w', { id: 6, changes: ['add/enqueue c'] }, { id: 7, changes: ['add/enqueue d'] }, { id: 8, changes: ['add/enqueue e'], docs: [a, b, { _id: 'c' }, { _id: 'd' }, { _id: 'e' }] })
      .run())

  it('CHECK_LAST after a quiet period; a server ahead of us means lost events: REBUILD at once', () =>
    watching()
      .expectSnapshots('w', { type: 'init' })
      .advance(9_999)
      .expectNothingSent()
      .advance(1)
      .expectSent('PING')
      .expectSent('CHECK_LAST', { msgData: { queryID: 'q1', eventID: 5 } })
      .serverReplies('CHECK_EVENT', { queryID: 'q1', currEvent: 5 })
      .expectNothingSent()
      .advance(10_000)
      .expectSent('PING')
      .expectSent('CHECK_LAST')
      .serverReplies('CHECK_EVENT', { queryID: 'q1', currEvent: 6 })
      .expectSent('REBUILD_WATCH', { msgData: { eventID: 5 } })
      .serverReplies('NEXT_EVENT', events('q1', 6, [event(6, 'remove', 'dequeue', 'b')]))
      .expectSnapshots('w', { id: 6, changes: ['remove/dequeue b'], docs: [a] })
      .run())
})

describe('invalid server data', () => {
  it('ends the watch with one RECEIVE_INVALID_SERVER_DATA error', () =>
    watching()
      .expectSnapshots('w', { type: 'init' })
      .serverPushes('w', events('q1', 6, [{ ID: 6, DataType: 'add', QueueType: 'enqueue', DocID: 'x', Doc: '{not json' }]))
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_RECEIVE_INVALID_SERVER_DATA', -402007)
      .expectSent('CLOSE_WATCH', { msgData: null })
      .expectSockets(1, 3001)
      .serverPushes('w', events('q1', 7, [event(7, 'add', 'enqueue', 'y', { _id: 'y' })]))
      .run())

  it('an update for a document it never had is an error, not a silent divergence', () =>
    watching()
      .serverPushes('w', events('q1', 6, [event(6, 'update', 'update', 'zz', undefined, { updated: { n: 1 }, removed: [] })]))
      .expectSnapshots('w', { type: 'init' })
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_RECEIVE_INVALID_SERVER_DATA')
      .expectSent('CLOSE_WATCH')
      .run())
})
