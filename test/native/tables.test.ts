/**
 * The per-host tables' failure readers, the wx errCode reverse lookup, and the native watch's
 * normalisation, on small scripted hosts (the real hosts run in wx.test.ts and my.test.ts).
 */
import { describe, expect, it, vi } from 'vitest'
import { Aggregate, createCloud, createCommand, errCodeOf, type Snapshot } from '../../src/index'
import { codeIn, codeOfErrCode, createNativeTransport, createNativeWatch, readErrMsg, type HostDatabase } from '../../src/native/index'
import { wxDifferences } from '../../adapters/shared/wx-native'
import { myDifferences } from '../../adapters/shared/my-native'

const wxError = (errCode: number, errMsg: string) => Object.assign(new Error(errMsg), { errCode, errMsg })

describe('wx errCode → CloudBase code', () => {
  it('is the reverse of errCodeOf for every code wx documents, -1 and the realtime codes', () => {
    for (const code of ['SYS_ERR', 'INVALID_PARAM', 'INVALID_ENV', 'DATABASE_PERMISSION_DENIED', 'DATABASE_COLLECTION_NOT_EXIST', 'STORAGE_FILE_NONEXIST', 'FUNCTIONS_EXECUTE_FAIL']) {
      expect(codeOfErrCode(errCodeOf(code))).toBe(code)
    }
    expect(codeOfErrCode(-1)).toBe('SDK_ERROR')
    expect(codeOfErrCode(-402002)).toBe('SDK_DATABASE_REALTIME_LISTENER_INIT_WATCH_FAIL')
    expect(codeOfErrCode(-402011)).toBe('SDK_DATABASE_REALTIME_LISTENER_UNEXPECTED_FATAL_ERROR')
    expect(codeOfErrCode(-502013)).toBeUndefined()
  })

  it('finds the server code quoted in a message, never one of mpcloud\'s local codes', () => {
    expect(codeIn('write failed: DATABASE_TRANSACTION_CONFLICT (retry)')).toBe('DATABASE_TRANSACTION_CONFLICT')
    expect(codeIn('[INVALID_PARAM] bad query')).toBe('INVALID_PARAM')
    expect(codeIn('TIMEOUT after NETWORK_ERROR, SDK_ERROR')).toBeUndefined()
  })

  it('reads the forms of errMsg wx uses', () => {
    expect(readErrMsg('collection.get:fail -502005 database collection not exists. collection nocoll not exists')).toEqual({
      errCode: -502005,
      description: 'database collection not exists',
      message: 'collection nocoll not exists',
    })
    expect(readErrMsg('cloud.callFunction:fail Error: errCode: -501007 invalid parameters | errMsg: name is missing')).toEqual({ errCode: -501007, message: 'name is missing' })
    expect(readErrMsg('document.get:fail document with _id x does not exist')).toEqual({ message: 'document with _id x does not exist' })
  })
})

describe('the tables read their host\'s failures', () => {
  it('wx: known errCodes by code with the server message; unknown ones as SYS_ERR with wx\'s text', () => {
    expect(wxDifferences.failure(wxError(-502003, 'collection.get:fail -502003 database permission denied. Permission denied'))).toEqual({
      code: 'DATABASE_PERMISSION_DENIED',
      message: 'Permission denied',
    })
    const odd = 'collection.add:fail -502013 database document size exceeds limit. too big'
    expect(wxDifferences.failure(wxError(-502013, odd))).toEqual({ code: 'SYS_ERR', message: odd })
    expect(wxDifferences.failure(new Error('request:fail timeout'))).toEqual({ code: 'SYS_ERR', message: 'request:fail timeout' })
    expect(wxDifferences.missingDocument!(wxError(-1, 'document.get:fail document with _id x does not exist'))).toBe(true)
    expect(wxDifferences.missingDocument!(wxError(-502005, 'collection.get:fail -502005 database collection not exists. x'))).toBe(false)
  })

  it('Alipay: the CloudBase code the message names, else the closest to its number, else SYS_ERR; the message kept', () => {
    expect(myDifferences.failure({ error: 60002, errorMessage: '调用前，请先初始化云环境' })).toEqual({ code: 'RESOURCE_NOT_INITIAL', message: '调用前，请先初始化云环境' })
    expect(myDifferences.failure({ error: 60004, errorMessage: 'network' })).toEqual({ code: 'NETWORK_ERROR', message: 'network' })
    expect(myDifferences.failure({ error: 60005, errorMessage: '[DATABASE_PERMISSION_DENIED] no right' })).toEqual({ code: 'DATABASE_PERMISSION_DENIED', message: '[DATABASE_PERMISSION_DENIED] no right' })
    expect(myDifferences.failure({ error: 99, errorMessage: 'odd' })).toEqual({ code: 'SYS_ERR', message: 'odd' })
  })
})

/** A scripted host: `get()` answers from `answers`, in order; `watch()` hands its handlers to the test. */
function scripted(answers: (() => Promise<unknown>)[]) {
  const watchers: { onChange(s: unknown): void; onError(e: unknown): void; closed: number }[] = []
  const query: any = {
    where: () => query,
    orderBy: () => query,
    skip: () => query,
    limit: () => query,
    projection: () => query,
    get: () => answers.shift()!(),
    count: () => Promise.resolve({ total: 0 }),
    watch(options: { onChange(s: unknown): void; onError(e: unknown): void }) {
      const entry = { ...options, closed: 0 }
      watchers.push(entry)
      return { close: () => Promise.resolve(void entry.closed++) }
    },
  }
  const db: HostDatabase = { command: {}, collection: () => Object.assign(Object.create(query), { doc: () => ({}), add: () => Promise.resolve({}) }) }
  return { db, watchers }
}

describe('the native transport over a scripted Alipay host', () => {
  it('a network failure (60004) is a NETWORK_ERROR, which the pipeline retries for reads', async () => {
    const { db } = scripted([() => Promise.reject({ error: 60004, errorMessage: 'network down' }), () => Promise.resolve([{ _id: 'a', at: new Date(5) }])])
    const cloud = createCloud({ transport: createNativeTransport(() => db, myDifferences), commands: createCommand, aggregate: Aggregate })
    cloud.init({ env: 'e' })
    expect(await cloud.database().collection('todos').get()).toEqual({ data: [{ _id: 'a', at: new Date(5) }], errMsg: 'collection.get:ok' })
  })

  it('a result of the wrong shape names the host and its table', async () => {
    const { db } = scripted([() => Promise.resolve({ data: [] })])
    const cloud = createCloud({ transport: createNativeTransport(() => db, myDifferences), commands: createCommand, aggregate: Aggregate })
    cloud.init({ env: 'e' })
    await expect(cloud.database().collection('todos').get()).rejects.toMatchObject({
      code: 'SDK_ERROR',
      errMsg: 'collection.get:fail Alipay (my.cloud) get() resolved with {"data":[]}, not an array of documents: check its table of differences',
    })
  })
})

describe('the native watch normalises what the host delivers', () => {
  it('revives { $date } and host Geo values, types the first snapshot init, reports one error and closes the host listener', async () => {
    const { db, watchers } = scripted([])
    const watch = createNativeWatch(() => db, wxDifferences)
    const snapshots: Snapshot<any>[] = []
    const errors: unknown[] = []
    watch('collection.watch', { collectionName: 'todos', query: {} }, { onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
    const host = watchers[0]!
    const point = { toJSON: () => ({ type: 'Point', coordinates: [1, 2] }) }
    host.onChange({ id: 1, docs: [{ _id: 'a', at: { $date: 5 }, loc: point }], docChanges: [{ id: 1, dataType: 'init', queueType: 'init', docId: 'a', doc: { _id: 'a', at: { $date: 5 } } }] })
    host.onChange({ id: 2, type: 'init', docs: [], docChanges: [{ id: 2, dataType: 'update', queueType: 'update', docId: 'a', doc: {}, updatedFields: { at: { $date: 6 } }, removedFields: ['x'] }] })
    expect(snapshots).toEqual([
      {
        id: 1,
        type: 'init',
        msgType: 'INIT_EVENT',
        docs: [{ _id: 'a', at: new Date(5), loc: expect.objectContaining({ longitude: 1, latitude: 2 }) }],
        docChanges: [{ id: 1, dataType: 'init', queueType: 'init', docId: 'a', doc: { _id: 'a', at: new Date(5) } }],
      },
      { id: 2, type: undefined, msgType: 'NEXT_EVENT', docs: [], docChanges: [{ id: 2, dataType: 'update', queueType: 'update', docId: 'a', doc: {}, updatedFields: { at: new Date(6) }, removedFields: ['x'] }] },
    ])
    // The official client reports a server error twice: first the frame, then its own error.
    host.onError({ msgType: 'ERROR', msgData: { code: 'SYS_ERR', message: 'gone' } })
    host.onError(Object.assign(new Error('Watch Error'), { errCode: 'SDK_DATABASE_REALTIME_LISTENER_SERVER_ERROR_MSG' }))
    host.onChange({ id: 3, docs: [], docChanges: [] })
    expect(errors).toEqual([
      expect.objectContaining({ errCode: -402006, code: 'SDK_DATABASE_REALTIME_LISTENER_SERVER_ERROR_MSG', errMsg: 'collection.watch:fail -402006 realtime listener server error msg. SYS_ERR: gone' }),
    ])
    expect(snapshots.length).toBe(2)
    await vi.waitFor(() => expect(host.closed).toBe(1))
  })

  it('wx realtime errCodes keep their number; close() stops the delivery', async () => {
    const { db, watchers } = scripted([])
    const watch = createNativeWatch(() => db, wxDifferences)
    const errors: unknown[] = []
    const snapshots: unknown[] = []
    const listener = watch('document.watch', { collectionName: 'todos', query: { done: false } }, { onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
    watchers[0]!.onError(wxError(-402009, 'watch:fail -402009 realtime listener websocket connection closed. socket closed'))
    expect(errors).toEqual([expect.objectContaining({ errCode: -402009, code: 'SDK_DATABASE_REALTIME_LISTENER_WEBSOCKET_CONNECTION_CLOSED' })])

    const second = watch('collection.watch', { collectionName: 'todos', query: {} }, { onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) })
    await second.close()
    watchers[1]!.onChange({ id: 1, docs: [], docChanges: [] })
    expect(snapshots).toEqual([])
    expect(watchers[1]!.closed).toBe(1)
    await listener.close()
  })
})
