/**
 * The socket's life: one socket for every watch, the sign, heartbeats, reconnecting and resuming, the
 * app's background cycle, close(), and how errors reach listeners (each once).
 */
import { describe, it } from 'vitest'
import { event, events, initial, spec } from './spec'

const a = { _id: 'a', n: 1 }

/** One watch `w`, logged in, first result [a] at event 5. */
const watching = () =>
  spec()
    .userWatches('w')
    .serverAcceptsLogin()
    .expectSent('INIT_WATCH')
    .serverReplies('INIT_EVENT', initial('q1', 5, [a]))
    .expectSnapshots('w', { id: 5, type: 'init', docs: [a] })

describe('one socket', () => {
  it('carries every watch; pushes reach the watch they name', () =>
    spec()
      .userWatches('w1')
      .userWatches('w2', { query: { n: 2 } })
      .expectSockets(1)
      .expectSignRequests(1)
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH')
      .serverReplies('INIT_EVENT', initial('q1', 0, []))
      .expectSent('INIT_WATCH', { msgData: { query: '{"n":2}' } })
      .serverReplies('INIT_EVENT', initial('q2', 0, []))
      .serverPushes('w2', events('q2', 1, [event(1, 'add', 'enqueue', 'x', { _id: 'x', n: 2 })]))
      .expectSnapshots('w1', { type: 'init', docs: [] })
      .expectSnapshots('w2', { type: 'init', docs: [] }, { id: 1, docs: [{ _id: 'x', n: 2 }] })
      .userWatches('w3')
      .expectSent('INIT_WATCH')
      .expectSockets(1)
      .run())

  it('LOGIN carries the sign; the sign is asked for once and reused when reconnecting', () =>
    watching()
      .socketDrops()
      .expectSockets(2)
      .socketOpens()
      .expectSent('LOGIN', { msgData: { envId: 'env' }, exMsgData: { signStr: 'sign-1', secretVersion: 1 } })
      .expectSignRequests(1)
      .run())

  it('a refused sign is renewed once; refused again, every watch fails once', () =>
    watching()
      .userWatches('w2')
      .expectSent('INIT_WATCH')
      .socketDrops()
      .socketOpens()
      .expectSent('LOGIN')
      .serverReplies('ERROR', { code: 'SIGN_EXPIRED_ERROR', message: 'expired' })
      .expectSignRequests(2)
      .expectSockets(3)
      .socketOpens()
      .expectSent('LOGIN', { exMsgData: { signStr: 'sign-2' } })
      .serverReplies('ERROR', { code: 'SIGN_INVALID_ERROR', message: 'bad' })
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_ERROR', -402008)
      .expectError('w2', 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_ERROR')
      .expectSockets(3, 3001)
      .run())

  it('a sign the server refuses outright fails the watch at once, without minutes of retries', () =>
    spec()
      .signFails('PERMISSION_DENIED')
      .userWatches('w')
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_ERROR')
      .expectSockets(0)
      .run())
})

describe('heartbeats', () => {
  // CHECK_LAST is pushed far away so only heartbeats talk. (A 0 ms timer set inside a fake-timer tick
  // runs 1 ms later, hence the odd extra millisecond.)
  const quiet = { check: 1e9 }

  it('PING after 10 s of silence; two missed PONGs reconnect', () =>
    watching()
      .withTimings(quiet)
      .advance(9_999)
      .expectNothingSent()
      .advance(1)
      .expectSent('PING', { msgData: null })
      .advance(5_000)
      .expectSent('PING')
      .advance(4_999)
      .expectSockets(1)
      .advance(2)
      .expectSockets(2)
      .run())

  it('any message resets the missed-pong count (the official client never does)', () =>
    watching()
      .withTimings(quiet)
      .advance(10_000)
      .expectSent('PING')
      .advance(5_000)
      .expectSent('PING')
      .serverReplies('PONG', null)
      .advance(10_000)
      .expectSent('PING')
      .advance(5_000)
      // Missed one, answered, missed one: never two in a row, so no reconnect.
      .expectSent('PING')
      .expectSockets(1)
      .advance(5_001)
      .expectSockets(2)
      .run())
})

describe('reconnecting', () => {
  it('resumes every watch from its last event: nothing lost, nothing repeated', () =>
    watching()
      .userWatches('w2')
      .expectSent('INIT_WATCH')
      .serverPushes('w', events('q1', 6, [event(6, 'add', 'enqueue', 'b', { _id: 'b' })]))
      .expectSnapshots('w', { id: 6 })
      .socketDrops()
      .expectSockets(2)
      .serverAcceptsLogin()
      // w resumes from event 6; w2 never got its INIT_EVENT, so it starts over.
      .expectSent('REBUILD_WATCH', { msgData: { queryID: 'q1', eventID: 6 } })
      .serverReplies('NEXT_EVENT', events('q1', 8, [event(6, 'add', 'enqueue', 'b', { _id: 'b' }), event(7, 'remove', 'dequeue', 'a'), event(8, 'add', 'enqueue', 'c', { _id: 'c' })]))
      .expectSnapshots('w', { id: 7, changes: ['remove/dequeue a'] }, { id: 8, changes: ['add/enqueue c'], docs: [{ _id: 'b' }, { _id: 'c' }] })
      .expectSent('INIT_WATCH')
      .serverReplies('INIT_EVENT', initial('q2', 0, []))
      .expectSnapshots('w2', { type: 'init' })
      .run())

  it('backs off between attempts and, after the last one, fails every watch once', () =>
    watching()
      .withTimings({ backoff: [0, 1_000], attempts: 3 })
      .socketDrops()
      .expectSockets(2)
      .socketDrops()
      .advance(799)
      .expectSockets(2)
      .advance(1_201)
      .expectSockets(3)
      .socketDrops()
      .advance(1_200)
      .expectSockets(4)
      .socketDrops()
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_ERROR')
      .advance(60_000)
      .expectSockets(4)
      .run())

  it('a server that lost the watch (QUERYID_INVALID) gets a new INIT_WATCH, and the listener only the difference', () =>
    watching()
      .socketDrops()
      .serverAcceptsLogin()
      .expectSent('REBUILD_WATCH')
      .serverReplies('ERROR', { code: 'QUERYID_INVALID_ERROR', message: 'gone' })
      .expectSent('INIT_WATCH')
      .serverReplies('INIT_EVENT', initial('q9', 2, [{ _id: 'a', n: 2 }, { _id: 'z' }]))
      .expectSnapshots('w', { id: 2, changes: ['replace/update a', 'add/enqueue z'], docs: [{ _id: 'a', n: 2 }, { _id: 'z' }] })
      .serverPushes('w', events('q9', 3, [event(3, 'remove', 'dequeue', 'z')]))
      .expectSnapshots('w', { id: 3, docs: [{ _id: 'a', n: 2 }] })
      .run())

  it('an unanswered INIT_WATCH means a dead socket: reconnect; the third time, the watch fails', () =>
    spec()
      .userWatches('w')
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH')
      .advance(10_001)
      .expectSockets(2)
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH')
      .advance(10_000)
      .expectSockets(2, 3000)
      .advance(1_200)
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH')
      .advance(10_000)
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL', -402002)
      .run())
})

describe('the app in the background', () => {
  it('closes the socket on hide, stays closed, and resumes every watch on show', () =>
    watching()
      .appHides()
      .expectSockets(1, 1000)
      .advance(120_000)
      .expectSockets(1)
      .appShows()
      .expectSockets(2)
      .serverAcceptsLogin()
      .expectSent('REBUILD_WATCH', { msgData: { queryID: 'q1', eventID: 5 } })
      .serverReplies('NEXT_EVENT', events('q1', 6, [event(6, 'remove', 'dequeue', 'a')]))
      .expectSnapshots('w', { id: 6, docs: [] })
      .run())
})

describe('close() and errors', () => {
  it('close() sends CLOSE_WATCH, nothing reaches the listener after it, the last close() closes the socket', () =>
    watching()
      .userWatches('w2')
      .expectSent('INIT_WATCH')
      .userCloses('w')
      .expectSent('CLOSE_WATCH', { msgData: null })
      .serverPushes('w', events('q1', 6, [event(6, 'remove', 'dequeue', 'a')]))
      .expectSockets(1)
      .userCloses('w2')
      .expectSent('CLOSE_WATCH')
      .expectSockets(1, 3001)
      .userCloses('w2')
      // Watching again opens a new socket with the cached sign.
      .userWatches('w3')
      .expectSockets(2)
      .expectSignRequests(1)
      .run())

  it('a server ERROR reaches onError once (the official client reports it twice) and ends that watch only', () =>
    watching()
      .userWatches('w2')
      .expectSent('INIT_WATCH')
      .serverPushes('w', { code: 'COLLECTION_PERMISSION_DENIED', message: 'no permission' }, 'ERROR')
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_SERVER_ERROR_MSG', -402006)
      .expectSent('CLOSE_WATCH')
      .serverPushes('w', { code: 'SYS_ERR', message: 'again' }, 'ERROR')
      .expectSockets(1)
      .run())

  it('an INIT_WATCH refused reports INIT_WATCH_FAIL with the server code', () =>
    spec()
      .userWatches('w')
      .serverAcceptsLogin()
      .expectSent('INIT_WATCH')
      .serverReplies('ERROR', { code: 'DATABASE_COLLECTION_NOT_EXIST', message: 'collection todos not exists' })
      .expectError('w', 'SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL')
      .check('w', ({ errors }) => {
        if (!/DATABASE_COLLECTION_NOT_EXIST: collection todos not exists/.test(errors[0]!.errMsg)) throw new Error(errors[0]!.errMsg)
      })
      .run())

  it('a frame that is not JSON is a broken connection: reconnect and resume', () =>
    watching()
      .serverSendsRaw('garbage')
      .expectSockets(2)
      .serverAcceptsLogin()
      .expectSent('REBUILD_WATCH')
      .run())
})
