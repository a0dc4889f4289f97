/**
 * Loopback HTTP throughput, each server in its own process (its own core), 50 concurrent clients:
 * (a) the client: mpcloud/node against the raw `node:http` keep-alive loop, both against a bare server
 *     answering one fixed CloudBase body;
 * (b) the emulator, driven by that raw loop (so the client is not the bottleneck), against the bare server
 *     answering the same bytes the emulator answered: a query (where + orderBy + limit over 1,000
 *     documents), a count, an add (durable: SQLite WAL, synchronous=FULL), and a watch fan-out (one
 *     write, 100 mpcloud/node watchers on 100 sockets; the bare side pushes the emulator's change frame
 *     to 100 raw `ws` sockets).
 * The bodies the raw loop sends are the SDK's own requests, recorded (with a real access token).
 *
 * `node --import tsx bench/http.ts` prints (a) alone (the emulator only records the query once).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { connectHttp, createCloud, createCommand, createRealtime } from '../src/index'
import { nodePlatform } from '../adapters/node/platform'
import { startChild } from './child-process'
import { keepAlive, perSecond, rawPost } from './raw-loop'
import { recorder, type Exchange } from './recorder'
import { generate } from './documents'

const CLIENTS = 50
const SECONDS = 2
/** Rounds of (a), its rows taking turns, so that a busy machine slows them alike; medians are shown. */
const ROUNDS = 3
const WATCHERS = 100
const WRITES = 30

const script = (path: string) => new URL(path, import.meta.url).pathname
const median = (samples: number[]) => samples.slice().sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

type Db = ReturnType<ReturnType<typeof createCloud>['database']>

const sdkQuery = (db: Db) => db.collection('todos').where({ cat: 'book', price: db.command.gte(50) }).orderBy('price', 'desc').limit(10).get()

/** The same bytes, again and again, from the raw loop. */
const replay = (exchange: Exchange): (() => Promise<string>) => {
  const agent = keepAlive()
  const body = Buffer.from(exchange.request)
  return () => rawPost(agent, exchange.url, body)
}

async function bare(body: string) {
  return startChild(['--import', 'tsx', script('./canned-server.ts'), body])
}

/** The client side: mpcloud/node and the raw loop asking a bare server for the same query answer. */
async function client(query: Exchange): Promise<void> {
  // One fixed body must also satisfy the SDK's sign-in, which goes first: the token fields ride along.
  const answer = JSON.parse(query.response) as { data: Record<string, unknown> }
  Object.assign(answer.data, { refresh_token: 'bench', access_token: 'bench', access_token_expire: 7_200_000 })
  const server = await bare(JSON.stringify(answer))
  try {
    const url = `${server.url}/web?env=demo-env`
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, commands: createCommand })
    cloud.init({ env: 'demo-env', endpoint: server.url })
    const db = cloud.database()
    const raw = replay({ ...query, url })
    const rows: Record<string, () => Promise<unknown>> = {
      'raw node:http keep-alive loop': raw,
      // What any client that reads the answer pays on top of the raw loop: the floor under the SDK's figure.
      'raw loop + JSON.parse of the answer': () => raw().then((text) => JSON.parse(text)),
      // The Node platform's request primitive alone, on the same bytes: the transport without the SDK's own work.
      'mpcloud/node platform.request (same bytes)': () => nodePlatform.request({ url, data: query.request, headers: { 'content-type': 'application/json;charset=UTF-8' }, timeout: 15_000 }),
      'mpcloud/node (where+orderBy+limit().get())': () => sdkQuery(db),
    }
    const rates: Record<string, number[]> = {}
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(rows)) (rates[name] = rates[name] || []).push(await perSecond(CLIENTS, SECONDS, rows[name]!))
    }
    const base = median(rates['raw node:http keep-alive loop']!)
    const table: Record<string, { 'requests/s': number; 'x raw': string }> = {}
    for (const name of Object.keys(rows)) table[name] = { 'requests/s': median(rates[name]!), 'x raw': (base / median(rates[name]!)).toFixed(2) }
    console.log(`\n## (a) the client: ${CLIENTS} concurrent, a bare node:http server in its own process answering one fixed query answer (${answer.data.list instanceof Array ? answer.data.list.length : 0} documents); medians of ${ROUNDS} rounds`)
    console.table(table)
  } finally {
    server.process.kill()
  }
}

/** Milliseconds from each write's start and from its answer until every watcher heard of it. */
interface FanOut {
  fromWrite: number
  fromAnswer: number
}

async function timeWrites(write: () => Promise<unknown>, heard: () => Promise<void>): Promise<FanOut> {
  const fromWrite: number[] = []
  const fromAnswer: number[] = []
  for (let i = 0; i < WRITES; i++) {
    const all = heard()
    const start = performance.now()
    await write()
    const answered = performance.now()
    await all
    const end = performance.now()
    fromWrite.push(end - start)
    fromAnswer.push(end - answered)
  }
  return { fromWrite: median(fromWrite), fromAnswer: median(fromAnswer) }
}

/** A counter that resolves once `count` arrivals came in since it was armed. */
function arrivals(count: number) {
  let seen = 0
  let done: (() => void) | undefined
  return {
    arrive() {
      if (++seen === count && done) done()
    },
    arm: () =>
      new Promise<void>((resolve) => {
        seen = 0
        done = resolve
      }),
  }
}

async function emulatorFanOut(url: string): Promise<{ figures: FanOut; frame: string; add: Exchange }> {
  const rec = recorder(nodePlatform)
  const counter = arrivals(WATCHERS)
  const listeners = await Promise.all(
    Array.from({ length: WATCHERS }, (_, i) => {
      const cloud = createCloud({ platform: i === 0 ? rec.platform : nodePlatform, connect: connectHttp, realtime: createRealtime })
      cloud.init({ env: 'demo-env', endpoint: url })
      return new Promise<{ close(): Promise<void> }>((resolve, reject) => {
        let first = true
        const listener = cloud.database().collection('watched').where({ topic: 'fan' }).watch({
          onChange: () => {
            if (first) resolve(listener)
            else counter.arrive()
            first = false
          },
          onError: reject,
        })
      })
    }),
  )
  try {
    // One write through the SDK, recorded: its request is what the raw loop replays, and it is the frame.
    const writer = createCloud({ platform: rec.platform, connect: connectHttp })
    writer.init({ env: 'demo-env', endpoint: url })
    const warm = counter.arm()
    await writer.database().collection('watched').add({ data: { topic: 'fan', note: 'a change every watcher hears' } })
    await warm
    const add = rec.last('database.addDocument')
    const figures = await timeWrites(replay(add), counter.arm)
    return { figures, frame: rec.lastFrame(), add }
  } finally {
    await Promise.all(listeners.map((listener) => listener.close()))
  }
}

async function bareFanOut(frame: string, add: Exchange): Promise<FanOut> {
  const server = await startChild(['--import', 'tsx', script('./fan-out-server.ts'), frame, add.response])
  const counter = arrivals(WATCHERS)
  const sockets = await Promise.all(
    Array.from({ length: WATCHERS }, () => new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(server.url.replace('http', 'ws'))
      socket.on('message', () => counter.arrive())
      socket.once('open', () => resolve(socket))
      socket.once('error', reject)
    })),
  )
  try {
    return await timeWrites(replay({ ...add, url: server.url }), counter.arm)
  } finally {
    for (const socket of sockets) socket.close()
    server.process.kill()
  }
}

/** The emulator side: each operation from the raw loop, against the bare server answering its bytes. */
async function emulator(ops: Record<string, Exchange>, url: string): Promise<void> {
  const rows: Record<string, Record<string, string | number>> = {}
  for (const name of Object.keys(ops)) {
    const op = ops[name]!
    const ours = await perSecond(CLIENTS, SECONDS, replay(op))
    const server = await bare(op.response)
    try {
      const ceiling = await perSecond(CLIENTS, SECONDS, replay({ ...op, url: server.url }))
      rows[name] = { 'emulator req/s': ours, 'bare req/s': ceiling, 'emulator ÷ bare': (ours / ceiling).toFixed(2) }
    } finally {
      server.process.kill()
    }
  }
  console.log(`\n## (b) the emulator: ${CLIENTS} concurrent raw keep-alive clients, against a bare node:http server answering the same bytes`)
  console.table(rows)

  const watched = await emulatorFanOut(url)
  const ceiling = await bareFanOut(watched.frame, watched.add)
  const ms = (value: number) => value.toFixed(3)
  console.log(`\n## (b) watch fan-out: one write, ${WATCHERS} watchers on ${WATCHERS} sockets, median of ${WRITES} writes (ms until all heard the change)`)
  // Both servers push before they answer, so "from the answer" is near zero on both: no ratio for it.
  console.table({
    'from the write': { emulator: ms(watched.figures.fromWrite), bare: ms(ceiling.fromWrite), 'x bare': (watched.figures.fromWrite / ceiling.fromWrite).toFixed(1) },
    "from the write's answer": { emulator: ms(watched.figures.fromAnswer), bare: ms(ceiling.fromAnswer), 'x bare': '-' },
  })
}

/** Seeds the emulator at `url` with `docs` and records the SDK's query, count and add exchanges. */
async function record(url: string, docs: Record<string, unknown>[]): Promise<Record<'query' | 'count' | 'add', Exchange>> {
  const rec = recorder(nodePlatform)
  const cloud = createCloud({ platform: rec.platform, connect: connectHttp, commands: createCommand })
  cloud.init({ env: 'demo-env', endpoint: url })
  const db = cloud.database()
  await db.collection('todos').add({ data: docs })
  await sdkQuery(db)
  await db.collection('todos').where({ cat: 'book', price: db.command.gte(50) }).count()
  await db.collection('todos').add({ data: { cat: 'toy', price: 1, title: 'one more' } })
  return { query: rec.last('database.queryDocument'), count: rec.last('database.countDocument'), add: rec.last('database.addDocument') }
}

/** Starts an emulator in its own process on a fresh data dir for `run`, and removes both after it. */
async function withEmulator(run: (url: string) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-http-'))
  // `todos` keeps CloudBase's default (PRIVATE: the one client reads its own); the fan-out's watchers are other
  // users than its writer, so `watched` is READONLY (everyone reads, the writer writes its own), as a feed is.
  const rules = JSON.stringify({ database: { watched: 'READONLY' } })
  const server = await startChild(['--import', 'tsx', script('../test/helpers/emulator-process.ts'), dataDir, 'todos', 'watched'], { MPCLOUD_RULES: rules })
  try {
    await run(server.url)
  } finally {
    server.process.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Prints (a) and (b), seeding the emulator's `todos` with `docs` (which need `cat` and `price`). */
export async function httpFigures(docs: Record<string, unknown>[]): Promise<void> {
  await withEmulator(async (url) => {
    const ops = await record(url, docs)
    await client(ops.query)
    await emulator(ops, url)
  })
}

/** The documents bench/emulator.ts gives httpFigures: the same answer to the query. */
const seeded = () => generate(1000).map(({ _id, ...doc }) => doc)

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  let query: Exchange | undefined
  await withEmulator(async (url) => {
    query = (await record(url, seeded())).query
  })
  await client(query!)
}
