/**
 * Database triggers (reference cloudbase-backend.md §3c, docs/triggers.md) in a real emulator: a client's
 * insert, update and delete each run the trigger's function with CloudBase's CloudEvents envelope (post-image
 * for an update with its dot-path `updatedFields` and capital-R `RemovedFields`, pre-image for a delete), as
 * the system with SOURCE `wx_trigger`; `events` and the conditions (all / any, each operator on its types)
 * choose what fires; a write's answer never waits for a trigger and never fails by one; a trigger-run
 * function's own writes (real wx-server-sdk) act for the system, source `trigger`; the loop guard stops a
 * function that triggers itself, with a notice; an event over 256 KB is dropped with a notice; mistakes in
 * the configuration fail the start, or mpcloud.json's reading, naming the trigger and the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readProject } from '../../emulator/cli/project'
import { startEmulator, type DatabaseTriggerConfig, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { MAX_TRIGGER_DEPTH, MAX_TRIGGER_EVENTS_PER_SECOND } from '../../emulator/triggers/database'
import { adminCall } from '../helpers/admin'
import { signedIn } from '../helpers/emulator'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'
import { connectHttp, createCloud, createCommand, nodePlatform, type Database } from '../helpers/sdk'

/** Prints what it got (the event, SOURCE, its request id) as one JSON line. */
const RECORD = `exports.main = async (event, context) => { console.log(JSON.stringify({ event, source: process.env.TCB_SOURCE || null, requestId: context.request_id })); return 'discarded' }`
const SDK = JSON.stringify(WX_SERVER_SDK)

interface Seen {
  event: {
    id: string
    source: string
    subject: string
    time: string
    data: { docId: string; doc: Record<string, unknown>; dataType: string; updatedFields: unknown; RemovedFields: unknown }
  } & Record<string, unknown>
  source: string | null
  requestId: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

const conditions: [string, DatabaseTriggerConfig['condition']][] = [
  ['eqString', { all: [{ field: 's', op: '=', value: 'a' }] }],
  ['eqNumber', { all: [{ field: 'n', op: '=', value: 10 }] }],
  ['eqBool', { all: [{ field: 'b', op: '=', value: true }] }],
  ['eqNull', { all: [{ field: 'z', op: '=', value: null }] }],
  ['neString', { all: [{ field: 's', op: '!=', value: 'a' }] }],
  ['neNull', { any: [{ field: 'z', op: '!=', value: null }] }],
  ['gtNumber', { all: [{ field: 'n', op: '>', value: 5 }] }],
  ['geString', { all: [{ field: 's', op: '>=', value: 'b' }] }],
  ['ltNumber', { all: [{ field: 'n', op: '<', value: 10 }] }],
  ['leNumber', { all: [{ field: 'n', op: '<=', value: 10 }] }],
  ['gtStringOnNumbers', { all: [{ field: 'n', op: '>', value: '0' }] }],
  ['allOf', { all: [{ field: 'meta.kind', op: '=', value: 'book' }, { field: 'n', op: '>=', value: 10 }] }],
  ['anyOf', { any: [{ field: 's', op: '=', value: 'b' }, { field: 'z', op: '=', value: 1 }] }],
]

describe('database triggers', () => {
  let emulator: RunningEmulator
  let db: Database
  const openid = 'o-trigger-user'

  const outputs = (fn: string): Seen[] =>
    emulator.events
      .recent()
      .filter((event) => event.kind === 'output' && event.action === fn)
      .map((event) => JSON.parse(event.message!) as Seen)
  const seenFor = (fn: string, subject: string) => outputs(fn).filter((seen) => seen.event.subject === subject)
  const notices = (pattern: RegExp) => emulator.events.recent().filter((event) => event.kind === 'notice' && pattern.test(event.message || ''))
  const invocations = (fn: string): EmulatorEvent[] => emulator.events.recent().filter((event) => event.kind === 'invocation' && event.action === fn)

  beforeAll(async () => {
    const dir = tempDir('mpcloud-dbtriggers-')
    writeFunction(dir, 'record', RECORD)
    writeFunction(dir, 'slow', `exports.main = async () => { await new Promise((r) => setTimeout(r, 1500)); console.log('slow done'); return 1 }`)
    writeFunction(dir, 'fails', `exports.main = async () => { throw new Error('the trigger broke') }`)
    writeFunction(
      dir,
      'copier',
      `const cloud = require(${SDK})
      exports.main = async (event) => {
        cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
        await cloud.database().collection('audit').add({ data: { orderId: event.data.docId } })
        return 'copied'
      }`,
    )
    writeFunction(
      dir,
      'bump',
      `const cloud = require(${SDK})
      exports.main = async (event) => {
        cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
        const db = cloud.database()
        await db.collection('loops').doc(event.data.docId).update({ data: { n: db.command.inc(1) } })
        return 'bumped'
      }`,
    )
    emulator = await startEmulator({
      port: 0,
      functions: dir,
      // No client may invoke anything: function rules never apply to a trigger.
      rules: { functions: { '*': { invoke: false } } },
      collections: ['orders', 'cond', 'slowpoke', 'failing', 'withCopy', 'audit', 'loops', 'big'],
      databaseTriggers: [
        { name: 'orderEvents', collection: 'orders', function: 'record' },
        { name: 'orderInsertsOnly', collection: 'orders', events: ['insert'], function: 'record' },
        { name: 'orderDeletesOnly', collection: 'orders', events: ['delete'], function: 'record' },
        ...conditions.map(([name, condition]) => ({ name, collection: 'cond', function: 'record', condition })),
        { name: 'slowOne', collection: 'slowpoke', function: 'slow' },
        { name: 'failingOne', collection: 'failing', function: 'fails' },
        { name: 'copyOrders', collection: 'withCopy', events: ['insert'], function: 'copier' },
        { name: 'selfBump', collection: 'loops', events: ['insert', 'update'], function: 'bump' },
        { name: 'bigOne', collection: 'big', function: 'record' },
      ],
    })
    db = signedIn(emulator, openid)
  })
  afterAll(() => emulator.stop())

  it('an insert, an update and a delete each run the function with the CloudEvents envelope, as CloudBase documents it', async () => {
    const at = new Date('2026-12-01T10:00:00.000Z')
    const { _id: id } = (await db.collection('orders').add({ data: { item: 'book', qty: 1, at, meta: { a: 1, b: 2 }, note: 'gift' } })) as { _id: string }
    const inserted = await until('the insert event', () => seenFor('record', `orderEvents.${id}`)[0])
    const doc = { _id: id, _openid: openid, item: 'book', qty: 1, at: { $date: at.getTime() }, meta: { a: 1, b: 2 }, note: 'gift' }
    expect(inserted.event).toEqual({
      specversion: '1.0',
      id: `${inserted.requestId}.${id}`,
      source: `tcb/database.ap-shanghai.${emulator.env}.orders`,
      type: 'com.tcb.database.insert',
      subject: `orderEvents.${id}`,
      datacontenttype: 'application/json',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { docId: id, doc, dataType: 'insert', updatedFields: null, RemovedFields: null },
    })
    expect(inserted.source).toBe('wx_trigger')

    const _ = db.command
    await db.collection('orders').doc(id).update({ data: { qty: 2, meta: { a: 5 }, note: _.remove() } })
    const updated = await until('the update event', () => outputs('record').find((seen) => seen.event.subject === `orderEvents.${id}` && seen.event.data.dataType === 'update'))
    const after = { _id: id, _openid: openid, item: 'book', qty: 2, at: { $date: at.getTime() }, meta: { a: 5, b: 2 } }
    expect(updated.event).toMatchObject({ type: 'com.tcb.database.update', id: `${updated.requestId}.${id}`, subject: `orderEvents.${id}` })
    expect(updated.event.data).toEqual({ docId: id, doc: after, dataType: 'update', updatedFields: { qty: 2, 'meta.a': 5 }, RemovedFields: ['note'] })

    // An update that only removes: no updated fields, null as CloudBase says ("null if not updated").
    await db.collection('orders').doc(id).update({ data: { meta: { b: _.remove() } } })
    const removal = await until('the removal event', () => outputs('record').find((seen) => seen.event.subject === `orderEvents.${id}` && seen.event.data.RemovedFields !== null && (seen.event.data.RemovedFields as string[])[0] === 'meta.b'))
    expect(removal.event.data).toMatchObject({ dataType: 'update', updatedFields: null, RemovedFields: ['meta.b'] })

    await db.collection('orders').doc(id).remove()
    const deleted = await until('the delete event', () => outputs('record').find((seen) => seen.event.subject === `orderEvents.${id}` && seen.event.data.dataType === 'delete'))
    const before = { _id: id, _openid: openid, item: 'book', qty: 2, at: { $date: at.getTime() }, meta: { a: 5 } }
    expect(deleted.event).toMatchObject({ type: 'com.tcb.database.delete', source: `tcb/database.ap-shanghai.${emulator.env}.orders` })
    expect(deleted.event.data).toEqual({ docId: id, doc: before, dataType: 'delete', updatedFields: null, RemovedFields: null })

    // Each run is the system's, dialect trigger, SOURCE wx_trigger, though no client may invoke a function.
    for (const run of invocations('record')) expect(run).toMatchObject({ dialect: 'trigger', principal: { kind: 'system', reason: 'trigger' }, outcome: 'ok' })

    // `events` chooses: the insert-only trigger saw the insert alone, the delete-only one the delete alone.
    await until('the delete-only event', () => seenFor('record', `orderDeletesOnly.${id}`)[0])
    await sleep(200)
    expect(seenFor('record', `orderEvents.${id}`).map((seen) => seen.event.data.dataType)).toEqual(['insert', 'update', 'update', 'delete'])
    expect(seenFor('record', `orderInsertsOnly.${id}`).map((seen) => seen.event.data.dataType)).toEqual(['insert'])
    expect(seenFor('record', `orderDeletesOnly.${id}`).map((seen) => seen.event.data.dataType)).toEqual(['delete'])
  })

  it('an update that changes nothing fires nothing', async () => {
    const { _id: id } = (await db.collection('orders').add({ data: { qty: 7 } })) as { _id: string }
    await until('the insert event', () => seenFor('record', `orderEvents.${id}`)[0])
    await db.collection('orders').doc(id).update({ data: { qty: 7 } })
    await sleep(300)
    expect(seenFor('record', `orderEvents.${id}`).map((seen) => seen.event.data.dataType)).toEqual(['insert'])
  })

  it('conditions: all of, any of, each operator on its types, with query semantics (= null matches a missing field)', async () => {
    const docs = {
      d1: { s: 'a', n: 5, b: true, z: null, meta: { kind: 'book' } },
      d2: { s: 'b', n: 10, b: false, meta: { kind: 'pen' } },
      d3: { s: 'c', n: 15, b: true, z: 1, meta: { kind: 'book' } },
    }
    const ids: Record<string, string> = {}
    for (const [key, data] of Object.entries(docs)) ids[key] = ((await db.collection('cond').add({ data })) as { _id: string })._id
    const expected: Record<string, string[]> = {
      eqString: ['d1'],
      eqNumber: ['d2'],
      eqBool: ['d1', 'd3'],
      eqNull: ['d1', 'd2'],
      neString: ['d2', 'd3'],
      neNull: ['d3'],
      gtNumber: ['d2', 'd3'],
      geString: ['d2', 'd3'],
      ltNumber: ['d1'],
      leNumber: ['d1', 'd2'],
      gtStringOnNumbers: [],
      allOf: ['d3'],
      anyOf: ['d2', 'd3'],
    }
    const total = Object.values(expected).reduce((sum, list) => sum + list.length, 0)
    const byId = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]))
    const fired = () => outputs('record').filter((seen) => seen.event.source.endsWith('.cond'))
    await until(`${total} condition events`, () => (fired().length >= total ? true : undefined))
    await sleep(300)
    const got: Record<string, string[]> = Object.fromEntries(conditions.map(([name]) => [name, [] as string[]]))
    for (const seen of fired()) {
      const [name, docId] = seen.event.subject.split('.') as [string, string]
      got[name]!.push(byId[docId]!)
    }
    for (const list of Object.values(got)) list.sort()
    expect(got).toEqual(expected)
  })

  it("a write's answer does not wait for a slow trigger", async () => {
    const started = Date.now()
    const { _id: id } = (await db.collection('slowpoke').add({ data: { a: 1 } })) as { _id: string }
    expect(Date.now() - started).toBeLessThan(1000)
    expect(invocations('slow')).toHaveLength(0)
    const run = await until('the slow run', () => invocations('slow')[0])
    expect(run).toMatchObject({ outcome: 'ok', principal: { kind: 'system', reason: 'trigger' } })
    expect(id).toBeTruthy()
  })

  it('a failing trigger does not affect the write; its failure is its invocation event', async () => {
    const { _id: id } = (await db.collection('failing').add({ data: { a: 1 } })) as { _id: string }
    const run = await until('the failed run', () => invocations('fails')[0])
    expect(run).toMatchObject({ outcome: 'error', code: 'FUNCTIONS_EXECUTE_FAIL', dialect: 'trigger' })
    expect(run.message).toMatch(/the trigger broke/)
    expect(((await db.collection('failing').doc(id).get()) as { data: unknown }).data).toMatchObject({ _id: id, a: 1 })
  })

  it("a trigger-run function's own writes (wx-server-sdk over /admin) act for the system: their commits' source is trigger", async () => {
    const { _id: id } = (await db.collection('withCopy').add({ data: { item: 'pen' } })) as { _id: string }
    const write = await until('the copier write', () =>
      emulator.events.recent().find((event) => event.kind === 'request' && event.dialect === 'admin' && event.action === 'database.insertDocument' && event.target === 'audit'),
    )
    // The principal a commit carries is the one its request acted for; sourceOf gives `trigger` for it (change-feed.test.ts).
    expect(write).toMatchObject({ outcome: 'ok', principal: { kind: 'system', reason: 'trigger' } })
    await until('the copier run', () => invocations('copier').find((run) => run.outcome === 'ok'))
    const { data } = (await db.collection('audit').where({ orderId: id }).get()) as { data: Record<string, unknown>[] }
    expect(data).toHaveLength(0) // PRIVATE: a client does not read the system's documents...
    // ...which the administrator does, and which have no _openid (the system is nobody's user).
    const admin = asAdministrator(emulator)
    const [audit] = ((await admin.collection('audit').where({ orderId: id }).get()) as { data: Record<string, unknown>[] }).data
    expect(audit).toMatchObject({ orderId: id })
    expect(audit).not.toHaveProperty('_openid')
  })

  it('the loop guard: a function that writes what triggers it stops after MAX_TRIGGER_DEPTH runs, with a notice', async () => {
    const { _id: id } = (await db.collection('loops').add({ data: { n: 0 } })) as { _id: string }
    const stop = await until('the loop guard notice', () => notices(/loop guard/).find((event) => (event.message || '').includes(`loops/${id}`)), 20_000)
    expect(stop).toMatchObject({ code: 'TRIGGER_LOOP' })
    expect(stop.message).toContain(`database trigger "selfBump" not fired for loops/${id}`)
    expect(stop.message).toContain(Array(MAX_TRIGGER_DEPTH).fill('selfBump').join(' → '))
    await sleep(300)
    // The client's insert fired the first run; each run's update fired the next, up to the limit.
    expect(invocations('bump').filter((run) => run.outcome === 'ok')).toHaveLength(MAX_TRIGGER_DEPTH)
    expect(((await db.collection('loops').doc(id).get()) as { data: Record<string, unknown> }).data).toMatchObject({ n: MAX_TRIGGER_DEPTH })
  })

  it('an event over 256 KB is dropped with a notice, as CloudBase drops it; the write stands', async () => {
    const { _id: id } = (await db.collection('big').add({ data: { blob: 'x'.repeat(300 * 1024) } })) as { _id: string }
    const dropped = await until('the drop notice', () => notices(/256 KB/).find((event) => (event.message || '').includes(`bigOne.${id}`)))
    expect(dropped).toMatchObject({ code: 'EXCEED_REQUEST_LIMIT' })
    expect(dropped.message).toMatch(/dropped: \d+ bytes, over CloudBase's 262144 \(256 KB\) per event/)
    await sleep(200)
    expect(seenFor('record', `bigOne.${id}`)).toHaveLength(0)
    // A small one on the same trigger still fires.
    const { _id: small } = (await db.collection('big').add({ data: { blob: 'x' } })) as { _id: string }
    await until('the small event', () => seenFor('record', `bigOne.${small}`)[0])
  })
})

/** A database of a session acting as the administrator (createAdminTicket): no rule applies. */
function asAdministrator(emulator: RunningEmulator): Database {
  const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, commands: createCommand })
  cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createAdminTicket() })
  return cloud.database()
}

describe('database trigger configuration', () => {
  it('a wrong trigger fails the start, naming the trigger and the field', async () => {
    const cases: [unknown, RegExp][] = [
      [[{ name: 'a', collection: 'c', function: 'f' }, { name: 'a', collection: 'd', function: 'f' }], /^databaseTriggers: trigger "a": the name is used by another trigger; names must be unique$/],
      [[{ name: '1x', collection: 'c', function: 'f' }], /^databaseTriggers: trigger "1x": "name" must be a name of letters/],
      [[{ name: 't', function: 'f' }], /^databaseTriggers: trigger "t": "collection" must be a collection's name, not nothing$/],
      [[{ name: 't', collection: 'c' }], /^databaseTriggers: trigger "t": "function" must be a function's name/],
      [[{ name: 't', collection: 'c', function: 'f', events: ['write'] }], /^databaseTriggers: trigger "t": "events" must be a non-empty list of distinct "insert", "update", "delete", not \["write"\]$/],
      [[{ name: 't', collection: 'c', function: 'f', events: [] }], /"events" must be a non-empty list/],
      [[{ name: 't', collection: 'c', function: 'f', when: 1 }], /^databaseTriggers: trigger "t": unknown field "when"; the fields are name, collection, events, condition, function$/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { field: 'a', op: '=', value: 1 } }], /^databaseTriggers: trigger "t": "condition" must be \{ "all": \[...\] \} or \{ "any": \[...\] \}/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { all: [] } }], /"condition.all" must be a non-empty list of \{ field, op, value \}, not \[\]$/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { any: [{ field: 'a', op: '==', value: 1 }] } }], /^databaseTriggers: trigger "t": "condition.any\[0\].op" must be one of = != > >= < <=, not "=="$/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { all: [{ field: 'a..b', op: '=', value: 1 }] } }], /"condition.all\[0\].field" must be a field's dot path/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { all: [{ field: 'a', op: '>', value: true }] } }], /^databaseTriggers: trigger "t": "condition.all\[0\].value" must be a string or number for ">" \(CloudBase's types for it\), not true$/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { all: [{ field: 'a', op: '<=', value: null }] } }], /"condition.all\[0\].value" must be a string or number for "<="/],
      [[{ name: 't', collection: 'c', function: 'f', condition: { all: [{ field: 'a', op: '=', value: { $gt: 1 } }] } }], /"condition.all\[0\].value" must be a string, number, boolean or null for "="/],
      [{ name: 't' }, /^databaseTriggers must be an array of triggers/],
    ]
    for (const [databaseTriggers, message] of cases) {
      await expect(startEmulator({ port: 0, databaseTriggers: databaseTriggers as DatabaseTriggerConfig[] })).rejects.toThrow(message)
    }
  })

  it('a trigger whose function is not in the folder is a notice at start, not a refusal', async () => {
    const dir = tempDir('mpcloud-dbtriggers-missing-')
    const emulator = await startEmulator({ port: 0, functions: dir, databaseTriggers: [{ name: 'later', collection: 'c', function: 'notYet' }] })
    try {
      const notice = emulator.events.recent().find((event) => event.kind === 'notice' && /database trigger "later"/.test(event.message || ''))
      expect(notice).toMatchObject({ code: 'FUNCTIONS_REQUEST_FAIL' })
      expect(notice!.message).toContain('function "notYet" is not in the functions folder')
    } finally {
      await emulator.stop()
    }
  })

  it("over CloudBase's 200 trigger events per second, the rest are dropped with one notice", async () => {
    const dir = tempDir('mpcloud-dbtriggers-burst-')
    const emulator = await startEmulator({ port: 0, functions: dir, collections: ['burst'], databaseTriggers: [{ name: 'burst', collection: 'burst', events: ['insert'], function: 'absent' }] })
    const seen: EmulatorEvent[] = []
    const unsubscribe = emulator.events.subscribe((event) => void (event.kind === 'notice' && seen.push(event)))
    try {
      // One commit of 250 documents: 250 events at once, sent early in a second so that they all fall in it. The
      // function is absent, so each admitted event is a notice that it did not run.
      const data = Array.from({ length: 250 }, (_, i) => JSON.stringify({ i }))
      await sleep(1000 - (Date.now() % 1000) + 20)
      expect(await adminCall(emulator, 'database.insertDocument', { collectionName: 'burst', data })).toMatchObject({ data: { inserted: 250 } })
      await until('the notices', () => (seen.filter((event) => /did not run/.test(event.message || '')).length >= MAX_TRIGGER_EVENTS_PER_SECOND ? true : undefined))
      await sleep(200)
      expect(seen.filter((event) => /did not run/.test(event.message || ''))).toHaveLength(MAX_TRIGGER_EVENTS_PER_SECOND)
      const drops = seen.filter((event) => /per second/.test(event.message || ''))
      expect(drops).toHaveLength(1)
      expect(drops[0]).toMatchObject({ code: 'EXCEED_REQUEST_LIMIT' })
      expect(drops[0]!.message).toMatch(/^database trigger "burst": event burst\.\S+ dropped: over CloudBase's 200 trigger events per second per environment/)
    } finally {
      unsubscribe()
      await emulator.stop()
    }
  })

  it('mpcloud.json\'s "databaseTriggers" is read and checked, a mistake one line naming the trigger and field', () => {
    const dir = tempDir('mpcloud-dbtriggers-project-')
    const triggers = [{ name: 'onOrderCreate', collection: 'orders', events: ['insert'], condition: { all: [{ field: 'status', op: '=', value: 'new' }] }, function: 'onOrderCreate' }]
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ databaseTriggers: triggers }))
    expect(readProject(dir).databaseTriggers).toEqual(triggers)
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ databaseTriggers: [{ ...triggers[0], condition: { all: [{ field: 'total', op: '>', value: null }] } }] }))
    expect(() => readProject(dir)).toThrow(/^mpcloud\.json: "databaseTriggers": trigger "onOrderCreate": "condition\.all\[0\]\.value" must be a string or number for ">"/)
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ databaseTriggers: {} }))
    expect(() => readProject(dir)).toThrow(/^mpcloud\.json: "databaseTriggers" must be an array of triggers/)
  })
})
