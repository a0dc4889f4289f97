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
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { connectHttp, createCloud, createCommand, createRealtime } from '../src/index'
import { nodePlatform } from '../adapters/node/platform'
import { startChild } from './child-process'
import { keepAlive, perSecond, rawPost } from './raw-loop'
import { recorder, type Exchange } from './recorder'

const CLIENTS = 50
const SECONDS = 2
const WATCHERS = 100
const WRITES = 30

const script = (path: string) => new URL(path, import.meta.url).pathname
const median = (samples: number[]) => samples.slice().sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

type Db = ReturnType<ReturnType<typeof createCloud>['database']>

const sdkQuery = (db: Db) => db.collection('todos').where({ cat: 'book', price: db.command.gte(50) }).orderBy('price', 'desc').limit(10).get()

/** The same bytes, again and again, from the raw loop. */
const replay = (exchange: Exchange) => {
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
    const raw = await perSecond(CLIENTS, SECONDS, replay({ ...query, url }))
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, commands: createCommand })
    cloud.init({ env: 'demo-env', endpoint: server.url })
    const db = cloud.database()
    const sdk = await perSecond(CLIENTS, SECONDS, () => sdkQuery(db))
    // The Node platform's request primitive alone, on the same bytes: the transport without the SDK's own work.
    const transport = await perSecond(CLIENTS, SECONDS, () => nodePlatform.request({ url, data: query.request, headers: { 'content-type': 'application/json;charset=UTF-8' }, timeout: 15_000 }))
    console.log(`\n## (a) the client: ${CLIENTS} concurrent, a bare node:http server in its own process answering one fixed query answer (${answer.data.list instanceof Array ? answer.data.list.length : 0} documents)`)
    console.table({
      'raw node:http keep-alive loop': { 'requests/s': raw, 'x raw': '1.00' },
      'mpcloud/node platform.request (same bytes)': { 'requests/s': transport, 'x raw': (raw / transport).toFixed(2) },
      'mpcloud/node (where+orderBy+limit().get())': { 'requests/s': sdk, 'x raw': (raw / sdk).toFixed(2) },
    })
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

/** Prints (a) and (b), seeding the emulator's `todos` with `docs` (which need `cat` and `price`). */
export async function httpFigures(docs: Record<string, unknown>[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-http-'))
  const server = await startChild(['--import', 'tsx', script('../test/helpers/emulator-process.ts'), dataDir, 'todos', 'watched'])
  try {
    const rec = recorder(nodePlatform)
    const cloud = createCloud({ platform: rec.platform, connect: connectHttp, commands: createCommand })
    cloud.init({ env: 'demo-env', endpoint: server.url })
    const db = cloud.database()
    await db.collection('todos').add({ data: docs })
    await sdkQuery(db)
    await db.collection('todos').where({ cat: 'book', price: db.command.gte(50) }).count()
    await db.collection('todos').add({ data: { cat: 'toy', price: 1, title: 'one more' } })
    const ops = { query: rec.last('database.queryDocument'), count: rec.last('database.countDocument'), add: rec.last('database.addDocument') }
    await client(ops.query)
    await emulator(ops, server.url)
  } finally {
    server.process.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}
