/**
 * What one request may make the emulator build or store (emulator/query/limits.ts, storable.ts):
 * - an aggregation's operators refuse values over 16 MB before building them (`$range: [0, 1e9]` grew the
 *   process past 1 GB), and a request's operators build at most 100 MB in all;
 * - the store commits only documents it can load again (a dotted `$set` 150 levels deep was committed,
 *   and the data dir could not be opened after), and none over 16 MB. A data dir written right up to
 *   each limit closes and opens again with its data intact.
 * Each refusal is a clear CloudBase error, and the emulator answers promptly afterwards.
 */
import { EJSON } from 'bson'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { MAX_DOCUMENT_BYTES } from '../../emulator/query/storable'
import { MAX_DEPTH, wireDepth } from '../../emulator/query/values'
import { IMPORT_ORIGIN, Store, type Doc } from '../../emulator/store/store'
import { webCaller, type WebCall } from '../helpers/web'
import { expectResponsive } from './hostile/responsive'

const stage = (stageKey: string, value: unknown) => ({ stageKey, stageValue: JSON.stringify(value) })
/** The documents of an aggregate answer: a JSON array of EJSON strings (docs/protocol.md §2.1). */
const documents = (answer: Record<string, unknown>) => (JSON.parse((answer.data as { list: string }).list) as string[]).map((text) => EJSON.parse(text) as Record<string, unknown>)

/** A document whose deepest value is `depth` levels down (the document is level 0): `{ a: { a: ... 1 } }`. */
function nested(id: string, depth: number): Doc {
  let value: unknown = 1
  for (let level = 1; level < depth; level++) value = { a: value }
  return { _id: id, a: value }
}
/** The dotted path `depth` segments long: a `$set` of it stores its value `depth` levels down. */
const dotted = (depth: number) => Array.from({ length: depth }, () => 'a').join('.')
/** A document whose stored form (its JSON row) is exactly `bytes` long. */
function sized(id: string, bytes: number): Doc {
  const overhead = JSON.stringify({ _id: id, s: '' }).length
  return { _id: id, s: 'x'.repeat(bytes - overhead) }
}

describe('an aggregation builds nothing larger than a document', () => {
  let emulator: RunningEmulator
  let call: WebCall
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, collections: ['c'] })
    call = await webCaller(emulator)
    await call('database.addDocument', { collectionName: 'c', data: { n: 1, text: 'a b', big: 'x'.repeat(1_000_000) } })
  })
  afterAll(async () => {
    await emulator.stop()
  })

  const doubling = (step: unknown, initialValue: unknown = 'a') => ({ $reduce: { input: { $range: [0, 60] }, initialValue, in: step } })
  const refused: Array<[string, unknown[], RegExp]> = [
    ['$range: [0, 1e9]', [stage('$project', { x: { $range: [0, 1e9] } })], /\$range would build an array of 1000000000 numbers larger than 16 MB \(about 11\.2 GB\); the emulator allows at most 16 MB per value/],
    ['$concat doubling a string in $reduce', [stage('$project', { x: doubling({ $concat: ['$$value', '$$value'] }) })], /\$concat would build a string larger than 16 MB/],
    ['$concatArrays doubling an array in $reduce', [stage('$project', { x: doubling({ $concatArrays: ['$$value', '$$value'] }, [1]) })], /\$concatArrays would build an array larger than 16 MB/],
    ['$replaceAll doubling a string in $reduce', [stage('$project', { x: doubling({ $replaceAll: { input: '$$value', find: 'a', replacement: '$$value' } }, 'ab') })], /\$replaceAll would build a string larger than 16 MB/],
    ['$replaceOne doubling a string in $reduce', [stage('$project', { x: doubling({ $replaceOne: { input: '$$value', find: 'a', replacement: '$$value' } }, 'ab') })], /\$replaceOne would build a string larger than 16 MB/],
    ['$reduce doubling by references (an array literal)', [stage('$project', { x: doubling(['$$value', '$$value']) })], /\$reduce would build a value larger than 16 MB/],
    ['$map over a large $range, each element a 1 MB string', [stage('$project', { x: { $map: { input: { $range: [0, 100] }, in: '$big' } } })], /\$map would build a value larger than 16 MB; the emulator allows at most 16 MB per value/],
    ['$zip of a long array with many empty ones', [stage('$project', { x: { $zip: { inputs: [{ $range: [0, 100_000] }, ...Array(200).fill([])], useLongestLength: true } } })], /\$zip would build an array of 100000 rows larger than 16 MB/],
    ['$split of a 10 MB string into characters', [stage('$project', { x: { $split: [{ $concat: Array(10).fill('$big') }, ''] } })], /\$split would build an array of 10000001 strings larger than 16 MB \(about 95\.4 MB\)/],
    ['$regexFindAll of every character of a 10 MB string', [stage('$project', { x: { $regexFindAll: { input: { $concat: Array(10).fill('$big') }, regex: '.' } } })], /\$regexFindAll would build a list of more than \d+ matches larger than 16 MB;/],
    ['$unwind multiplying documents', [stage('$project', { x: { $range: [0, 1_000_000] }, y: { $range: [0, 1000] } }), stage('$unwind', '$x'), stage('$unwind', '$y'), stage('$count', 'n')], /\$unwind: this request has built more than 100 MB of values, the most one request may build/],
    ['$sample of a billion (mingo samples with replacement)', [stage('$sample', { size: 1e9 }), stage('$count', 'n')], /\$sample: this request has built more than 100 MB/],
    ['$densify over a billion steps', [stage('$project', { n: 1 }), stage('$unionWith', { coll: 'c', pipeline: [{ $project: { n: { $literal: 1e9 } } }] }), stage('$densify', { field: 'n', range: { step: 1, bounds: 'full' } }), stage('$count', 'n')], /\$densify: this request has built more than 100 MB/],
    ['an answer document over 16 MB (one string referenced 20 times)', [stage('$project', { x: Array(20).fill('$big') })], /the aggregation would answer a document larger than 16 MB, the most a document may be/],
    ['an answer over 64 MB in all', [stage('$project', { x: Array(10).fill('$big') }), stage('$unionWith', { coll: 'c', pipeline: [{ $project: { x: Array(10).fill('$big') } }] }), ...Array(6).fill(stage('$unionWith', { coll: 'c', pipeline: [{ $project: { x: Array(10).fill('$big') } }] }))], /the aggregation would answer more than 64 MB of documents/],
  ]
  for (const [name, stages, message] of refused) {
    it(`${name} is refused`, async () => {
      const answer = await call('database.aggregate', { collectionName: 'c', stages })
      expect(answer).toMatchObject({ code: 'DATABASE_REQUEST_FAILED' })
      expect(answer.message).toMatch(message)
      await expectResponsive(emulator)
    }, 20_000)
  }

  it('a query whose $expr builds an array of a billion is refused too', async () => {
    const answer = await call('database.queryDocument', { collectionName: 'c', query: { $expr: { $gt: [{ $size: { $range: [0, 1e9] } }, 0] } } })
    expect(answer).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/\$range would build an array of 1000000000 numbers/) })
    await expectResponsive(emulator)
  })

  it("a query whose projection references a 1 MB string 20 times is refused before it is encoded", async () => {
    const answer = await call('database.queryDocument', { collectionName: 'c', projection: { x: Array(20).fill('$big') } })
    expect(answer).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: "the query would answer a document larger than 16 MB, the most a document may be (MongoDB's limit)" })
    await expectResponsive(emulator)
  })

  it('values under the bounds are built as before', async () => {
    const answer = await call('database.aggregate', {
      collectionName: 'c',
      stages: [stage('$project', { _id: 0, r: { $range: [0, 5] }, s: { $concat: ['$text', '!'] }, z: { $zip: { inputs: [[1, 2], ['a', 'b']] } }, p: { $split: ['$text', ' '] }, m: { $map: { input: [1, 2], in: { $multiply: ['$$this', 2] } } } })],
    })
    expect(documents(answer)).toEqual([{ r: [0, 1, 2, 3, 4], s: 'a b!', z: [[1, 'a'], [2, 'b']], p: ['a', 'b'], m: [2, 4] }])
  })
})

describe('an update refuses to pad or nest a document past what the store keeps', () => {
  let emulator: RunningEmulator
  let call: WebCall
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, collections: ['c'] })
    call = await webCaller(emulator)
  })
  afterAll(async () => {
    await emulator.stop()
  })

  it('a dotted $set 150 levels deep is refused early, naming the path and counting its segments', async () => {
    const { data } = await call('database.addDocument', { collectionName: 'c', data: { a: 1 } })
    const id = (data as { _id: string })._id
    const answer = await call('database.updateDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id }, data: { $set: { [dotted(150)]: 1 } } })
    expect(answer).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/^\$set of "a\.a\.a.*…" would nest the document 150 levels deep; at most 100 \(a dotted path counts one level per segment\)$/) })
    const upsert = await call('database.updateDocument', { collectionName: 'c', query: { [dotted(101)]: 1 }, upsert: true, data: { $set: { b: 1 } } })
    expect(upsert).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/would nest the document 101 levels deep/) })
    const push = await call('database.updateDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id }, data: { $push: { [dotted(100)]: 1 } } })
    expect(push).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/^\$push of .* would nest the document 101 levels deep/) })
    await expectResponsive(emulator)
  })

  it('a $set of a far array index (which pads the array) is refused before the document is encoded', async () => {
    const { data } = await call('database.addDocument', { collectionName: 'c', data: { list: [1] } })
    const id = (data as { _id: string })._id
    const started = performance.now()
    const answer = await call('database.updateDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id }, data: { $set: { 'list.2000000000': 1 } } })
    expect(answer).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/^document \w+ would be at least 4000000\d{3} bytes \(3\.7 GB\) stored; a document is at most 16777216 bytes \(16 MB\)$/) })
    expect(performance.now() - started).toBeLessThan(1000)
    const doc = (await call('database.queryDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: id } })).data as { list: Record<string, unknown>[] }
    expect(doc.list[0]).toMatchObject({ list: [1] })
    await expectResponsive(emulator)
  })
})

describe('what the store accepts, it can always open again', () => {
  const dirs: string[] = []
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-limits-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('Store: right up to each limit it reopens intact; one past it is refused whole and leaves the file reopenable', () => {
    const file = join(dataDir(), 'env.sqlite')
    const deepest = nested('deepest', MAX_DEPTH)
    const largest = sized('largest', MAX_DOCUMENT_BYTES)
    expect(wireDepth(deepest)).toBe(MAX_DEPTH)
    expect(Buffer.byteLength(JSON.stringify(largest))).toBe(MAX_DOCUMENT_BYTES)

    let store = new Store(file)
    store.createCollection('c')
    store.write([{ collection: 'c', id: 'deepest', doc: deepest }], IMPORT_ORIGIN)
    store.write([{ collection: 'c', id: 'largest', doc: largest }], IMPORT_ORIGIN)
    // One past each limit, in a batch with a good document: nothing of the batch is committed.
    const good = { _id: 'good', ok: true }
    expect(() => store.write([{ collection: 'c', id: 'good', doc: good }, { collection: 'c', id: 'deeper', doc: nested('deeper', MAX_DEPTH + 1) }], IMPORT_ORIGIN)).toThrow(
      expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: 'document deeper is nested 101 levels deep; at most 100' }),
    )
    expect(() => store.write([{ collection: 'c', id: 'good', doc: good }, { collection: 'c', id: 'larger', doc: sized('larger', MAX_DOCUMENT_BYTES + 1) }], IMPORT_ORIGIN)).toThrow(
      expect.objectContaining({ code: 'DATABASE_REQUEST_FAILED', message: `document larger would be at least ${MAX_DOCUMENT_BYTES + 1} bytes (16 MB) stored; a document is at most ${MAX_DOCUMENT_BYTES} bytes (16 MB)` }),
    )
    expect([...store.documents('c')!.keys()].sort()).toEqual(['deepest', 'largest'])
    store.close()

    store = new Store(file)
    expect(store.documents('c')!.get('deepest')).toEqual(deepest)
    expect(store.documents('c')!.get('largest')).toEqual(largest)
    expect([...store.documents('c')!.keys()].sort()).toEqual(['deepest', 'largest'])
    store.close()
  })

  it('the emulator: a data dir written up to each limit (nested, dotted $set, just under 16 MB) restarts with its data', async () => {
    const dir = dataDir()
    let emulator = await startEmulator({ port: 0, dataDir: dir, collections: ['c'] })
    // One named user across the restart: its documents are its own to read back.
    let call = await webCaller(emulator, 'o-writer')
    const id = async (answer: Promise<Record<string, unknown>>) => ((await answer).data as { _id: string })._id
    const update = (docId: string, data: unknown) => call('database.updateDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: docId }, data })

    const nestedId = await id(call('database.addDocument', { collectionName: 'c', data: { a: nested('x', MAX_DEPTH).a } }))
    const dottedId = await id(call('database.addDocument', { collectionName: 'c', data: { b: 1 } }))
    expect(await update(dottedId, { $set: { [dotted(MAX_DEPTH)]: 'deepest' } })).toMatchObject({ data: { updated: 1 } })
    expect(await update(dottedId, { $set: { [dotted(MAX_DEPTH + 1)]: 'deeper' } })).toMatchObject({ code: 'INVALID_PARAM' })
    // 16 MB arrive in two requests (a request body is at most 10 MB), the second filling the document to the byte.
    const get = async (docId: string) => ((await call('database.queryDocument', { collectionName: 'c', queryType: 'DOC', query: { _id: docId } })).data as { list: Record<string, unknown>[] }).list[0]!
    const bigId = await id(call('database.addDocument', { collectionName: 'c', data: { s: 'x'.repeat(8_000_000) } }))
    // The answer is the stored form, members in order: `t` is appended to it.
    const filler = MAX_DOCUMENT_BYTES - JSON.stringify(await get(bigId)).length - ',"t":""'.length
    expect(await update(bigId, { $set: { t: 'y'.repeat(filler) } })).toMatchObject({ data: { updated: 1 } })
    expect(await update(bigId, { $set: { u: 1 } })).toMatchObject({ code: 'DATABASE_REQUEST_FAILED', message: expect.stringMatching(/^document \w+ would be at least 16777222 bytes \(16 MB\) stored; a document is at most 16777216 bytes/) })
    await expectResponsive(emulator)
    await emulator.stop()

    emulator = await startEmulator({ port: 0, dataDir: dir })
    call = await webCaller(emulator, 'o-writer')
    const deep = (value: unknown, depth: number): unknown => (depth ? deep((value as { a: unknown }).a, depth - 1) : value)
    expect(deep(await get(nestedId), MAX_DEPTH)).toBe(1)
    expect(deep(await get(dottedId), MAX_DEPTH)).toBe('deepest')
    const big = await get(bigId)
    expect([(big.s as string).length, (big.t as string).length, big.u]).toEqual([8_000_000, filler, undefined])
    await expectResponsive(emulator)
    await emulator.stop()
  }, 60_000)
})
