/**
 * One real emulator per test file, driven through its public surface by two clients:
 * - `server`: the official server SDK, @cloudbase/node-sdk (the admin dialect, signed), with
 *   `options({ raw: true })` so queries, updates and pipelines go to the wire as MongoDB syntax;
 * - `ours`: mpcloud's SDK signed in as a user (the client dialect), which sends raw `$` operators as given
 *   and offers wx's 16 aggregation stages (other stages have no builder there, as in wx.cloud).
 * The collections a file uses get `{ read: true, write: true }`, so the cases hold whatever security-rule
 * defaults the emulator starts with; seeding goes through the server SDK, which bypasses rules anyway.
 */
import { createRequire } from 'node:module'
import { startEmulator, type RunningEmulator } from '../../../emulator/index'
import { signedIn } from '../../helpers/emulator'
import type { Database } from '../../helpers/sdk'

const require = createRequire(import.meta.url)
const tcb = require('@cloudbase/node-sdk') as any

type AnyObject = Record<string, unknown>

/** What a client answers: the documents, or the error the emulator sent. */
export type Outcome = { docs: AnyObject[] } | { error: { code: string; message: string } }

/** One way of reaching the emulator. */
export interface Client {
  name: 'server' | 'ours'
  find(collection: string, query: AnyObject, order?: [string, 'asc' | 'desc'][], projection?: AnyObject): Promise<Outcome>
  aggregate(collection: string, pipeline: AnyObject[]): Promise<Outcome>
  /** Updates the documents `query` matches with raw update operators; answers them afterwards. */
  update(collection: string, query: AnyObject, update: AnyObject): Promise<Outcome>
}

export interface Semantics {
  emulator: RunningEmulator
  server: Client
  ours: Client
  /** Both clients, for cases that run through each. */
  clients: Client[]
  /** Inserts `docs` (through the server SDK). */
  seed(collection: string, docs: AnyObject[]): Promise<void>
  stop(): Promise<void>
}

/** The 16 stage builders our SDK has (wx.cloud's); a pipeline with another stage is for the server SDK only. */
const OUR_STAGES = ['addFields', 'bucket', 'bucketAuto', 'count', 'geoNear', 'group', 'limit', 'lookup', 'match', 'project', 'replaceRoot', 'sample', 'skip', 'sort', 'sortByCount', 'unwind']

/** Can our SDK send `pipeline`? */
export function oursCanSend(pipeline: AnyObject[]): boolean {
  return pipeline.every((stage) => OUR_STAGES.indexOf(Object.keys(stage)[0]!.slice(1)) >= 0)
}

/** An SDK's rejection as `{ code, message }`: node-sdk resolves with `{ code, message }`, ours rejects a CloudError. */
function failure(error: unknown): Outcome {
  const e = error as { code?: unknown; errCode?: unknown; message?: unknown; errMsg?: unknown }
  return { error: { code: String(e.code ?? e.errCode), message: String(e.message ?? e.errMsg) } }
}

async function settle(run: () => Promise<AnyObject[]>): Promise<Outcome> {
  try {
    return { docs: await run() }
  } catch (error) {
    return failure(error)
  }
}

/** node-sdk answers a server error as a resolved `{ code, message }`; turns it into a rejection. */
function checked<T>(answer: T): T {
  const reply = answer as { code?: unknown; message?: unknown }
  if (reply && typeof reply === 'object' && typeof reply.code === 'string' && reply.code) throw reply
  return answer
}

function serverClient(db: any): Client {
  const raw = (collection: string) => db.collection(collection).options({ raw: true })
  return {
    name: 'server',
    find: (collection, query, order = [], projection) =>
      settle(async () => {
        let q = raw(collection).where(query)
        for (const [field, direction] of order) q = q.orderBy(field, direction)
        if (projection) q = q.field(projection)
        return checked(await q.limit(1000).get()).data
      }),
    aggregate: (collection, pipeline) => settle(async () => checked(await raw(collection).aggregate(pipeline).end()).data),
    update: (collection, query, update) =>
      settle(async () => {
        checked(await raw(collection).where(query).update(update))
        return checked(await raw(collection).where(sameDocuments(query)).limit(1000).get()).data
      }),
  }
}

/** What finds the updated documents again: their `_id` when the query names it (the update may change the rest). */
const sameDocuments = (query: AnyObject): AnyObject => ('_id' in query ? { _id: query._id } : query)

function ourClient(db: Database): Client {
  const collection = (name: string) => db.collection(name) as any
  return {
    name: 'ours',
    find: (name, query, order = [], projection) =>
      settle(async () => {
        let q = collection(name).where(query)
        for (const [field, direction] of order) q = q.orderBy(field, direction)
        if (projection) q = q.field(projection)
        return (await q.limit(1000).get()).data
      }),
    aggregate: (name, pipeline) =>
      settle(async () => {
        if (!oursCanSend(pipeline)) throw new Error(`our SDK has no builder for ${JSON.stringify(pipeline.map((s) => Object.keys(s)[0]))}`)
        let builder = collection(name).aggregate()
        for (const stage of pipeline) {
          const key = Object.keys(stage)[0]!
          builder = builder[key.slice(1)](stage[key])
        }
        return (await builder.end()).list
      }),
    update: (name, query, update) =>
      settle(async () => {
        await collection(name).where(query).update({ data: update })
        return (await collection(name).where(sameDocuments(query)).limit(1000).get()).data
      }),
  }
}

/** Starts an emulator whose `collections` are open to clients, with both clients ready. */
export async function startSemantics(collections: string[]): Promise<Semantics> {
  const database: Record<string, { read: boolean; write: boolean }> = {}
  for (const name of collections) database[name] = { read: true, write: true }
  const emulator = await startEmulator({ port: 0, collections, rules: { database } })
  const app = tcb.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
  const db = app.database()
  const server = serverClient(db)
  const ours = ourClient(signedIn(emulator, 'o-semantics'))
  return {
    emulator,
    server,
    ours,
    clients: [server, ours],
    async seed(collection, docs) {
      // In batches: one insert carries at most what a request may.
      for (let i = 0; i < docs.length; i += 500) checked(await db.collection(collection).add(docs.slice(i, i + 500)))
    },
    stop: () => emulator.stop(),
  }
}

/** The documents of an outcome, failing with the emulator's error when there was one. */
export function docsOf(outcome: Outcome): AnyObject[] {
  if ('error' in outcome) throw new Error(`the emulator answered ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.docs
}


/**
 * Starts every task, at most `concurrency` at a time, and answers each one's promise at once: a suite sends
 * its requests together (node-sdk takes tens of ms per request) and each test awaits its own answer.
 */
export function inParallel<T>(tasks: (() => Promise<T>)[], concurrency = 8): Promise<T>[] {
  const results = tasks.map(() => {
    let settle!: (value: Promise<T>) => void
    const promise = new Promise<T>((resolve) => (settle = resolve))
    return { promise, settle }
  })
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++
      const running = tasks[i]!()
      results[i]!.settle(running)
      await running.catch(() => undefined)
    }
  }
  for (let k = 0; k < Math.min(concurrency, tasks.length); k++) void worker()
  return results.map((r) => r.promise)
}
