/**
 * The bypass corpus: as user B (and as nobody), every read and write path to user A's data, under each
 * preset and two custom rules, through our SDK and through the official js-sdk in both its dialects (the
 * classic `/web` and its default, the gateway's REST), against a real emulator.
 * A path is a bypass when B sees a document or file of A's that the rule keeps from B, or when A's data is
 * different afterwards (checked as the administrator after every write attempt), or when a refused function
 * ran. The expected number of bypasses is 0; the corpus also checks that it is not vacuous (A's data is
 * there, B's own reads work).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RulesSource } from '../../emulator/index'
import { createTestEnvironment, isPermissionDenied, type TestContext, type TestEnvironment } from '../../testing/index'
import { writeFunction } from '../helpers/functions'
import { emulatorAdapterWithFiles, loadJsSdk } from '../helpers/js-sdk-adapter'

const A = 'o-alice'
const B = 'o-bob'
const OWNER = 'doc._openid == auth.openid'
const FILE_OWNER = 'resource.openid == auth.openid'

type Doc = Record<string, unknown> & { _id: string }

/** One rule set under test: the rule of `secrets` and of the bucket, and whether B may read A's data under it. */
interface RuleSet {
  name: string
  secrets: NonNullable<RulesSource['database']>[string]
  storage: NonNullable<RulesSource['storage']>
  bReadsA: boolean
}

const RULE_SETS: RuleSet[] = [
  { name: 'PRIVATE', secrets: 'PRIVATE', storage: 'PRIVATE', bReadsA: false },
  { name: 'READONLY', secrets: 'READONLY', storage: 'READONLY', bReadsA: true },
  { name: 'ADMINWRITE', secrets: 'ADMINWRITE', storage: 'ADMINWRITE', bReadsA: true },
  { name: 'ADMINONLY', secrets: 'ADMINONLY', storage: 'ADMINONLY', bReadsA: false },
  { name: 'custom: the owner', secrets: { read: OWNER, write: OWNER }, storage: { read: FILE_OWNER, write: FILE_OWNER }, bReadsA: false },
  {
    // Readers with a grant of level 'all' read everything; B has none (carol has one).
    name: "custom: the owner or a get() grant",
    secrets: { read: `${OWNER} || get('database.grants.' + auth.openid).level == 'all'`, write: OWNER },
    storage: { read: FILE_OWNER, write: FILE_OWNER },
    bReadsA: false,
  },
]

/** What one attempt let its caller see or do; `undefined` fields were not observed. */
interface Seen {
  docs?: Doc[]
  total?: number
  /** A temporary URL (or the bytes of a download) of A's file. */
  fileRead?: boolean
  /** A refused function ran anyway. */
  ran?: boolean
}

/** What one client does, the same paths through our SDK and js-sdk. Each resolves with what it saw; a refusal rejects. */
interface Client {
  get(where?: object): Promise<Seen>
  docGet(id: string): Promise<Seen>
  count(where?: object): Promise<Seen>
  aggregate(stages: object[], collection?: string): Promise<Seen>
  /** Watches, lets A add a document, and resolves with every document the watch delivered. */
  watch(target: { where: object } | { doc: string }, meanwhile: () => Promise<unknown>): Promise<Seen>
  update(target: { doc: string } | { where: object }, data: object): Promise<Seen>
  set(id: string, data: object): Promise<Seen>
  remove(target: { doc: string } | { where: object }): Promise<Seen>
  add(data: object): Promise<Seen>
  tempUrl(fileID: string): Promise<Seen>
  download(fileID: string): Promise<Seen>
  upload(cloudPath: string, content: string): Promise<Seen>
  deleteFile(fileID: string): Promise<Seen>
  invoke(name: string): Promise<Seen>
  /** A transaction that reads and updates A's document (js-sdk only: our SDK has no transactions). */
  transaction?(id: string): Promise<Seen>
}

let env: TestEnvironment
let dir: string
let local: (content: string) => string

/** The documents of a database answer (our SDK and js-sdk alike). */
const docsOf = (answer: unknown): Doc[] => {
  const data = (answer as { data?: unknown; list?: unknown }).data ?? (answer as { list?: unknown }).list
  return (Array.isArray(data) ? data : data ? [data] : []) as Doc[]
}

/** js-sdk resolves a refusal as `{ code, message }`: make it a rejection, as our SDK's. */
const official = async (answer: Promise<unknown>): Promise<unknown> => {
  const value = await answer
  if (value && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') throw value
  return value
}

/** Collects a watch's documents while `meanwhile` writes, for 400 ms after its first snapshot (or its error). */
function collect(start: (onChange: (snapshot: { docs: Doc[]; docChanges: { doc: Doc }[] }) => void, onError: (e: unknown) => void) => { close(): unknown }, meanwhile: () => Promise<unknown>): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const docs: Doc[] = []
    let listener: { close(): unknown } | undefined
    let first = true
    const finish = (error?: unknown) => {
      // js-sdk closes its socket once its last watch is closed, and forgets the socket's LOGIN only when the
      // close completes: a watch started before that sends INIT_WATCH on a new socket without LOGIN (a race
      // in js-sdk 3.7.0's realtime client). Waiting for the close keeps each attempt on its own session.
      Promise.resolve(listener && listener.close())
        .catch(() => {})
        .then(() => new Promise((settled) => setTimeout(settled, 100)))
        .then(() => (error !== undefined ? reject(error) : resolve({ docs })))
    }
    listener = start(
      (snapshot) => {
        docs.push(...snapshot.docs, ...snapshot.docChanges.map((change) => change.doc).filter(Boolean))
        if (!first) return
        first = false
        meanwhile().then(() => setTimeout(() => finish(), 400), finish)
      },
      (error) => finish(error),
    )
  })
}

function ourClient(context: TestContext): Client {
  const db = context.database()
  const secrets = () => db.collection('secrets')
  const targetOf = (target: { doc: string } | { where: object }) => ('doc' in target ? secrets().doc(target.doc) : secrets().where(target.where as never))
  return {
    get: async (where = {}) => ({ docs: docsOf(await secrets().where(where as never).get()) }),
    docGet: async (id) => ({ docs: docsOf(await secrets().doc(id).get()) }),
    count: async (where = {}) => ({ total: (await secrets().where(where as never).count()).total }),
    aggregate: async (stages, collection = 'secrets') => {
      let pipeline = db.collection(collection).aggregate() as unknown as Record<string, (arg: unknown) => unknown> & { end(): Promise<unknown> }
      for (const stage of stages) {
        const [name, arg] = Object.entries(stage)[0] as [string, unknown]
        pipeline = (pipeline[name.slice(1)] as (arg: unknown) => typeof pipeline).call(pipeline, arg)
      }
      return { docs: docsOf(await pipeline.end()) }
    },
    watch: (target, meanwhile) =>
      collect((onChange, onError) => ('doc' in target ? secrets().doc(target.doc) : secrets().where(target.where as never)).watch({ onChange: onChange as never, onError }), meanwhile),
    update: async (target, data) => (await targetOf(target).update({ data } as never), {}),
    set: async (id, data) => (await secrets().doc(id).set({ data } as never), {}),
    remove: async (target) => (await targetOf(target).remove(), {}),
    add: async (data) => (await secrets().add({ data } as never), {}),
    tempUrl: async (fileID) => {
      const [item] = (await context.cloud.getTempFileURL({ fileList: [fileID] })).fileList
      if (isPermissionDenied(item)) throw item
      return { fileRead: !!item && item.status === 0 }
    },
    download: async (fileID) => {
      const target = join(dir, `download-${Math.random()}`)
      const { tempFilePath } = await context.cloud.downloadFile({ fileID, tempFilePath: target } as never)
      return { fileRead: readFileSync(tempFilePath, 'utf8').length > 0 }
    },
    upload: async (cloudPath, content) => (await context.cloud.uploadFile({ cloudPath, filePath: local(content) }), {}),
    deleteFile: async (fileID) => {
      const [item] = (await context.cloud.deleteFile({ fileList: [fileID] })).fileList
      if (isPermissionDenied(item)) throw item
      return {}
    },
    invoke: async (name) => ({ ran: (await context.cloud.callFunction({ name })).result === `${name} ran` }),
  }
}

function jsSdkClient(app: any): Client {
  const db = app.database()
  const secrets = () => db.collection('secrets')
  const targetOf = (target: { doc: string } | { where: object }) => ('doc' in target ? secrets().doc(target.doc) : secrets().where(target.where))
  return {
    get: async (where = {}) => ({ docs: docsOf(await official(secrets().where(where).get())) }),
    docGet: async (id) => ({ docs: docsOf(await official(secrets().doc(id).get())) }),
    count: async (where = {}) => ({ total: ((await official(secrets().where(where).count())) as { total: number }).total }),
    aggregate: async (stages, collection = 'secrets') => {
      let pipeline = db.collection(collection).aggregate()
      for (const stage of stages) {
        const [name, arg] = Object.entries(stage)[0] as [string, unknown]
        pipeline = pipeline[name.slice(1)](arg)
      }
      return { docs: docsOf(await official(pipeline.end())) }
    },
    watch: (target, meanwhile) => collect((onChange, onError) => ('doc' in target ? secrets().doc(target.doc) : secrets().where(target.where)).watch({ onChange, onError }), meanwhile),
    update: async (target, data) => (await official(targetOf(target).update(data)), {}),
    set: async (id, data) => (await official(secrets().doc(id).set(data)), {}),
    remove: async (target) => (await official(targetOf(target).remove()), {}),
    add: async (data) => (await official(secrets().add(data)), {}),
    tempUrl: async (fileID) => {
      const [item] = (await app.getTempFileURL({ fileList: [fileID] })).fileList
      if (isPermissionDenied(item)) throw item
      return { fileRead: item.code === 'SUCCESS' }
    },
    download: async (fileID) => {
      const target = join(dir, `download-${Math.random()}`)
      await app.downloadFile({ fileID, tempFilePath: target })
      return { fileRead: readFileSync(target, 'utf8').length > 0 }
    },
    upload: async (cloudPath, content) => (await app.uploadFile({ cloudPath, filePath: local(content) }), {}),
    deleteFile: async (fileID) => {
      const [item] = (await app.deleteFile({ fileList: [fileID] })).fileList
      if (isPermissionDenied(item)) throw item
      return {}
    },
    invoke: async (name) => ({ ran: (await app.callFunction({ name })).result === `${name} ran` }),
    transaction: async (id) => {
      let docs: Doc[] = []
      await db.runTransaction(async (transaction: any) => {
        docs = docsOf(await official(transaction.collection('secrets').doc(id).get()))
        await official(transaction.collection('secrets').doc(id).update({ taken: B }))
      })
      return { docs }
    },
  }
}

/** A js-sdk app signed in as `openid` with a custom ticket, in the classic dialect (`CLOUD_API`) or js-sdk's default, the gateway. */
async function jsSdkApp(openid: string | undefined, mode: 'CLOUD_API' | 'GATEWAY'): Promise<any> {
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapterWithFiles(env.emulator.url))
  const app = cloudbase.init({ env: env.emulator.env, region: 'ap-shanghai', ...(mode === 'CLOUD_API' ? { endPointMode: 'CLOUD_API' } : {}) })
  if (openid) await app.auth({ persistence: 'none' }).signInWithCustomTicket(() => Promise.resolve(env.emulator.createTicket(openid)))
  return app
}

/** A's documents and file as the administrator sees them: what no attempt of B's may change. */
async function aliceData(): Promise<{ docs: Doc[]; file: string | undefined }> {
  return env.withRulesDisabled(async (admin) => {
    const { data } = await admin.database().collection('secrets').where({ _openid: A }).orderBy('_id', 'asc').get()
    const [item] = (await admin.cloud.getTempFileURL({ fileList: [aliceFile] })).fileList
    const file = item && item.status === 0 ? await (await fetch(encodeURI(item.tempFileURL))).text() : undefined
    return { docs: data as Doc[], file }
  })
}

let aliceFile = ''
let aliceIds: string[] = []
let bobIds: string[] = []

/** Empties everything, then A and B add their own documents and A uploads her file (with rules open), then `set` is in force. */
async function seed(set: RuleSet): Promise<void> {
  await env.clearDatabase()
  await env.clearStorage()
  env.setRules('open')
  const alice = env.authenticatedContext(A)
  const bob = env.authenticatedContext(B)
  await alice.database().collection('secrets').add({ data: [1, 2, 3].map((n) => ({ n, secret: `alice's ${n}` })) })
  aliceIds = ((await alice.database().collection('secrets').where({ _openid: A }).get()).data as Doc[]).map((doc) => doc._id).sort()
  await bob.database().collection('secrets').add({ data: [{ n: 10, secret: "bob's" }, { n: 11, secret: "bob's too" }] })
  bobIds = ((await bob.database().collection('secrets').where({ _openid: B }).get()).data as Doc[]).map((doc) => doc._id).sort()
  aliceFile = (await alice.cloud.uploadFile({ cloudPath: 'private/alice.txt', filePath: local("alice's file") })).fileID
  await env.withRulesDisabled(async (admin) => {
    await admin.database().collection('grants').add({ data: { _id: 'o-carol', level: 'all' } })
    await admin.database().collection('public').add({ data: aliceIds.map((ref) => ({ ref })) })
  })
  env.setRules({
    database: { secrets: set.secrets, grants: 'ADMINWRITE', public: 'READONLY' },
    storage: set.storage,
    functions: { '*': { invoke: 'auth != null' }, payroll: { invoke: false } },
  })
}

/** Every path of B's (or a guest's) to A's data, each named. */
function attempts(client: Client, set: RuleSet): Array<[string, () => Promise<Seen>]> {
  const [a1, a2] = aliceIds as [string, string]
  const [b1] = bobIds as [string]
  const reads: Array<[string, () => Promise<Seen>]> = [
    ['where({}).get()', () => client.get({})],
    ['where({ _openid: A }).get()', () => client.get({ _openid: A })],
    ['where({ _id: A\'s id }).get()', () => client.get({ _id: a1 })],
    ['where({ _id: { $in: [A\'s, B\'s] } }).get()', () => client.get({ _id: { $in: [a1, b1] } })],
    ['where({ $or: [{ _openid: B }, { _openid: A }] }).get()', () => client.get({ $or: [{ _openid: B }, { _openid: A }] })],
    ['where({ _openid: { $ne: B } }).get()', () => client.get({ _openid: { $ne: B } })],
    ['doc(A\'s id).get()', () => client.docGet(a1)],
    ['where({}).count()', () => client.count({})],
    ['where({ _openid: A }).count()', () => client.count({ _openid: A })],
    ['aggregate().match({}).end()', () => client.aggregate([{ $match: {} }])],
    ['aggregate().match({ _openid: A }).end()', () => client.aggregate([{ $match: { _openid: A } }])],
    ['aggregate().project({ secret: 1 }).end() (no $match)', () => client.aggregate([{ $project: { secret: 1, _openid: 1 } }])],
    ['aggregate().group({ _id: null, all: $push($$ROOT) })', async () => {
      const { docs = [] } = await client.aggregate([{ $group: { _id: null, all: { $push: '$$ROOT' } } }])
      return { docs: docs.flatMap((group) => (group.all as Doc[]) || []) }
    }],
    ['public: aggregate().lookup({ from: secrets }) ', async () => {
      const { docs = [] } = await client.aggregate([{ $lookup: { from: 'secrets', localField: 'ref', foreignField: '_id', as: 'joined' } }], 'public')
      return { docs: docs.flatMap((row) => (row.joined as Doc[]) || []) }
    }],
    ['watch where({})', () => client.watch({ where: {} }, aliceAdds)],
    ['watch doc(A\'s id)', () => client.watch({ doc: a2 }, () => aliceUpdates(a2))],
    ['getTempFileURL(A\'s file)', () => client.tempUrl(aliceFile)],
    ['downloadFile(A\'s file)', () => client.download(aliceFile)],
  ]
  const writes: Array<[string, () => Promise<Seen>]> = [
    ['doc(A\'s id).update()', () => client.update({ doc: a1 }, { secret: 'changed by B' })],
    ['doc(A\'s id).set()', () => client.set(a1, { secret: 'replaced by B' })],
    ['doc(A\'s id).remove()', () => client.remove({ doc: a1 })],
    ['where({ _id: A\'s id }).update()', () => client.update({ where: { _id: a1 } }, { secret: 'changed by B' })],
    ['where({}).update()', () => client.update({ where: {} }, { secret: 'changed by B' })],
    ['where({ _openid: A }).update()', () => client.update({ where: { _openid: A } }, { secret: 'changed by B' })],
    ['where({}).remove()', () => client.remove({ where: {} })],
    ['where({ _openid: A }).remove()', () => client.remove({ where: { _openid: A } })],
    ['add({ _id: A\'s id }) over hers', () => client.add({ _id: a1, secret: 'overwritten by B' })],
    ['add({ _openid: A }) forged', () => client.add({ _openid: A, secret: 'forged by B' })],
    ['own doc(B\'s id).update({ _openid: A }) gives it to A', () => client.update({ doc: b1 }, { _openid: A, secret: 'forged by B' })],
    ['uploadFile over A\'s path', () => client.upload('private/alice.txt', 'overwritten by B')],
    ['deleteFile(A\'s file)', () => client.deleteFile(aliceFile)],
    ['callFunction(payroll: invoke false)', () => client.invoke('payroll')],
  ]
  if (client.transaction) writes.push(['runTransaction: get + update A\'s doc', () => client.transaction!(a1)])
  return [...reads.map(([name, run]) => [`read: ${name}`, run] as [string, () => Promise<Seen>]), ...writes.map(([name, run]) => [`write: ${name}`, run] as [string, () => Promise<Seen>])].filter(
    // Under a rule that lets B read A's data, reading it is no bypass: only the writes are tried.
    ([name]) => !set.bReadsA || name.startsWith('write:'),
  )
}

/** A writes while a watch is open (as the administrator, since some presets forbid her): a new document of hers. */
const aliceAdds = () => env.withRulesDisabled((admin) => admin.database().collection('secrets').add({ data: { _openid: A, secret: 'alice, while watched' } }))
/** A's document changes while a watch of it is open. */
const aliceUpdates = (id: string) => env.withRulesDisabled((admin) => admin.database().collection('secrets').doc(id).update({ data: { seen: true } }))

/** What makes `seen` a bypass of A's data (the empty list: none). */
function leaksOf(seen: Seen, bobCount: number): string[] {
  const leaks: string[] = []
  for (const doc of seen.docs || []) if (doc && doc._openid === A) leaks.push(`saw A's document ${doc._id}`)
  if (seen.total !== undefined && seen.total > bobCount) leaks.push(`counted ${seen.total} documents, B owns ${bobCount}`)
  if (seen.fileRead) leaks.push("read A's file")
  if (seen.ran) leaks.push('a refused function ran')
  return leaks
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-bypass-'))
  let files = 0
  local = (content) => {
    const file = join(dir, `upload-${files++}.txt`)
    writeFileSync(file, content)
    return file
  }
  const functions = join(dir, 'functions')
  writeFunction(functions, 'payroll', "exports.main = async () => 'payroll ran'")
  env = await createTestEnvironment({ collections: ['secrets', 'grants', 'public'], functions, functionTimeout: 10_000 })
})
afterAll(async () => {
  await env.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

for (const set of RULE_SETS) {
  describe(`under ${set.name}`, () => {
    for (const via of ['mpcloud', 'js-sdk (CLOUD_API)', 'js-sdk (GATEWAY)'] as const) {
      it(`as B through ${via}: no path reaches A's data`, async () => {
        await seed(set)
        const seeded = await aliceData()
        // Not vacuous: A's three documents and her file are there.
        expect(seeded.docs).toHaveLength(3)
        expect(seeded.file).toBe("alice's file")
        const client = via === 'mpcloud' ? ourClient(env.authenticatedContext(B)) : jsSdkClient(await jsSdkApp(B, via === 'js-sdk (GATEWAY)' ? 'GATEWAY' : 'CLOUD_API'))
        const bypasses: string[] = []
        let refused = 0
        const tried = attempts(client, set)
        for (const [name, run] of tried) {
          // A's data as it is now (the watches' writes change it): what a write attempt must leave alone.
          const before = name.startsWith('write:') ? await aliceData() : undefined
          let seen: Seen = {}
          try {
            seen = await run()
          } catch (error) {
            refused++
            // Refusals are what we want; any other failure is a broken attempt, not a pass.
            if (!isPermissionDenied(error) && !/does not exist|STORAGE_FILE_NONEXIST|DATABASE_DUPLICATE_WRITE|duplicate _id|INVALID_PARAM|_openid is set by the server/.test(JSON.stringify(error instanceof Error ? { ...error, message: error.message } : error))) {
              bypasses.push(`${name}: failed for another reason: ${error instanceof Error ? error.message : JSON.stringify(error)}`)
            }
          }
          // Under a rule that lets B read A's data, what a write attempt read along the way is no bypass.
          const shown = set.bReadsA ? { ...seen, docs: [] } : seen
          for (const leak of leaksOf(shown, bobIds.length)) bypasses.push(`${name}: ${leak}`)
          if (before) {
            const after = await aliceData()
            if (JSON.stringify(after.docs) !== JSON.stringify(before.docs)) bypasses.push(`${name}: changed A's documents`)
            if (after.file !== before.file) bypasses.push(`${name}: changed A's file`)
            // The forged owner: nothing of B's may now be A's.
            if (after.docs.length > before.docs.length) bypasses.push(`${name}: made a document A's`)
            if (bypasses.length) await seed(set)
          }
        }
        expect(bypasses.join('\n')).toBe('')
        expect(tried.length).toBeGreaterThanOrEqual(set.bReadsA ? 14 : 32)
        // Paths are refused (the presets' silent filtering answers the rest with B's own data).
        expect(refused).toBeGreaterThan(0)
      }, 60_000)
    }

    it('as nobody (not signed in): no read reaches A\'s data, no write changes it', async () => {
      await seed(set)
      const before = await aliceData()
      const client = ourClient(env.unauthenticatedContext())
      const bypasses: string[] = []
      for (const [name, run] of attempts(client, { ...set, bReadsA: false }).filter(([name]) => !name.includes('watch'))) {
        let seen: Seen = {}
        try {
          seen = await run()
        } catch {
          // refused
        }
        // Under READONLY and ADMINWRITE everyone reads: only the writes count there.
        if (!set.bReadsA) for (const leak of leaksOf(seen, 0)) bypasses.push(`${name}: ${leak}`)
        if (name.startsWith('write:')) {
          const after = await aliceData()
          if (JSON.stringify(after) !== JSON.stringify(before)) bypasses.push(`${name}: changed A's data`)
          if (bypasses.length) await seed(set)
        }
      }
      expect(bypasses.join('\n')).toBe('')
    }, 60_000)
  })
}

describe('the corpus is not vacuous', () => {
  it("B's own reads work under PRIVATE and the owner rule; A reads her own; carol's grant reads A's", async () => {
    await seed(RULE_SETS[5]!)
    const bob = ourClient(env.authenticatedContext(B))
    expect((await bob.get({ _openid: '{openid}' })).docs!.map((doc) => doc._id).sort()).toEqual(bobIds)
    const alice = ourClient(env.authenticatedContext(A))
    expect((await alice.docGet(aliceIds[0]!)).docs!.map((doc) => doc._id)).toEqual([aliceIds[0]])
    expect((await alice.tempUrl(aliceFile)).fileRead).toBe(true)
    const carol = ourClient(env.authenticatedContext('o-carol'))
    expect((await carol.get({})).docs!.length).toBe(5)
    expect((await carol.invoke('payroll').catch((error: unknown) => ({ refused: isPermissionDenied(error) })))).toEqual({ refused: true })
  })
})
