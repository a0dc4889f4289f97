/**
 * `npm run bench`, the watch client: mpcloud's realtime client against the official one (@cloudbase/realtime as
 * bundled in @cloudbase/js-sdk 3.7.0, driven through the js-sdk), in one run. Figures are reported as ratios;
 * nothing here is asserted.
 *
 * 1. Cost of applying one change to a watched result of 100, 1,000 and 10,000 documents. Both clients get the
 *    same frames in-process from a fake socket: an INIT_EVENT with N documents (~200 bytes each), then NEXT_EVENT
 *    frames, each one `update` of one random document carrying only `UpdatedFields`, with consecutive IDs. For
 *    each frame we time from handing its text to the client's socket handler to the end of the `onChange` it
 *    causes (both clients call `onChange` synchronously from the socket handler; the harness would also wait for
 *    a later one). A run is up to 2,000 such frames on a fresh watch, after a full GC; its figure is the mean µs
 *    per change, and each cell of the table is the median of 5 runs, the clients taking turns. Both clients'
 *    snapshots build `docs` on first read (ours walks a persistent tree; the official one deep-copies the whole
 *    result through JSON), so each client is measured with a listener that (a) reads only `snapshot.docChanges`,
 *    and (b) also reads `snapshot.docs.length`. Even in (a) the official client copies and scans its whole result
 *    array on every change. After each run the last snapshot's documents are checked against the frames' updates.
 * 2. Latency from a write to `onChange` over loopback: the emulator (in this process), a query watched by both
 *    clients, and one write at a time through mpcloud, waiting for both `onChange`s before the next. Measured per
 *    write: from just before the write call starts, and from the moment its Promise resolves (committed and
 *    acknowledged over HTTP). The push is sent at commit, before the HTTP reply, so "from the reply" can be
 *    negative. The emulator pushes to its sockets in subscription order, so each client subscribes first for half
 *    of the writes.
 *
 * The official client logs on every frame (e.g. `console.warn('nextevent … ignored', frame)`); console.log, .info
 * and .warn are silenced while it runs, so its figures leave out the cost of that logging.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import type { CloudbaseAdapter } from '@cloudbase/adapter-interface'
import { connectHttp, createCloud, createRealtime, type ProtocolResponse, type Snapshot, type SocketHandlers } from '../dist/index.js'
import { nodePlatform } from '../adapters/node/platform'
import { startEmulator, type RunningEmulator } from '../emulator/index'
import { emulatorAdapter, loadJsSdk } from '../test/helpers/js-sdk-adapter'
import { seededRandom as random } from '../test/helpers/random'

type Doc = Record<string, unknown> & { _id: string; n: number }

const CITIES = ['sh', 'bj', 'gz', 'sz', 'hz']

/** About 200 bytes of JSON. */
function makeDoc(i: number): Doc {
  return {
    _id: `d${i}`,
    n: i,
    title: `Watched document ${i}: a title of ordinary length`,
    done: i % 3 === 0,
    tags: ['alpha', 'beta', `t${i % 17}`],
    owner: { name: `user-${i % 50}`, city: CITIES[i % 5], level: i % 9 },
    nested: { score: (i * 7) % 100, note: 'lorem ipsum dolor sit amet' },
  }
}

const quietly = { log: console.log, info: console.info, warn: console.warn }
function silence(on: boolean): void {
  const noop = () => {}
  console.log = on ? noop : quietly.log
  console.info = on ? noop : quietly.info
  console.warn = on ? noop : quietly.warn
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms
  while (!condition()) {
    if (performance.now() > end) throw new Error(`bench: timed out waiting for ${what}`)
    await sleep(1)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. In-process: the same frames to both clients.

const QUERY_ID = 'q_bench'
const CURR_EVENT = 1

/** Answers a client's frames as the server would: LOGIN, INIT_WATCH (with `docs`), PING, CHECK_LAST. */
function fakeServer(docs: () => Doc[], reply: (text: string) => void) {
  const server = {
    watchId: undefined as string | undefined,
    current: CURR_EVENT,
    receive(text: string): void {
      const frame = JSON.parse(text) as { watchId?: string; requestId: string; msgType: string }
      const { requestId, watchId } = frame
      let answer: unknown
      switch (frame.msgType) {
        case 'LOGIN':
          answer = { requestId, msgType: 'LOGIN_RES', msgData: { envId: 'bench-env' } }
          break
        case 'INIT_WATCH': {
          server.watchId = watchId
          const events = docs().map((doc) => ({ ID: 0, DataType: 'init', QueueType: 'init', DocID: doc._id, Doc: JSON.stringify(doc) }))
          answer = { watchId, requestId, msgType: 'INIT_EVENT', msgData: { queryID: QUERY_ID, currEvent: CURR_EVENT, events } }
          break
        }
        case 'PING':
          answer = { requestId, msgType: 'PONG', msgData: null }
          break
        case 'CHECK_LAST':
          answer = { watchId, requestId, msgType: 'CHECK_EVENT', msgData: { queryID: QUERY_ID, currEvent: server.current } }
          break
        default:
          return // CLOSE_WATCH
      }
      const out = JSON.stringify(answer)
      queueMicrotask(() => reply(out))
    },
  }
  return server
}

interface Update {
  docId: string
  index: number
  value: number
}

/** `count` updates of random documents of a result of `size`, the same on every run. */
function updates(size: number, count: number): Update[] {
  const next = random(size)
  return Array.from({ length: count }, (_, k) => {
    const index = Math.floor(next() * size)
    return { docId: `d${index}`, index, value: 1_000_000 + k }
  })
}

/** The NEXT_EVENT frames for `list`, event IDs following CURR_EVENT. */
function nextFrames(watchId: string, list: Update[]): string[] {
  return list.map((u, k) => {
    const id = CURR_EVENT + 1 + k
    const event = { ID: id, DataType: 'update', QueueType: 'update', DocID: u.docId, Doc: '', UpdatedFields: JSON.stringify({ n: u.value }), removedFields: '[]' }
    return JSON.stringify({ watchId, requestId: `push-${id}`, msgType: 'NEXT_EVENT', msgData: { queryID: QUERY_ID, currEvent: id, events: [event] } })
  })
}

/** What a listener records: how many snapshots, when the last `onChange` ended, the last snapshot. */
class Probe {
  count = 0
  at = 0
  last: { docs: Doc[] } | undefined
  private wake: (() => void) | undefined

  constructor(readonly readDocs: boolean) {}

  onChange = (snapshot: { docChanges: unknown[]; docs: Doc[] }): void => {
    const changes = snapshot.docChanges
    if (this.count > 0 && changes.length !== 1) throw new Error(`bench: ${changes.length} changes in one snapshot`)
    if (this.readDocs && snapshot.docs.length < 0) throw new Error('unreachable')
    this.last = snapshot
    this.count++
    this.at = performance.now()
    const wake = this.wake
    this.wake = undefined
    if (wake) wake()
  }

  onError = (error: unknown): void => {
    throw new Error(`bench: a watch failed: ${String(error)}`)
  }

  /** Resolves once `onChange` was called more than `before` times. */
  after(before: number): Promise<void> | undefined {
    if (this.count > before) return undefined
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench: no onChange within 5 s')), 5000)
      this.wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

const ROUNDS = 5
const MAX_FRAMES = 2000
const MIN_FRAMES = 20
const BUDGET_MS = 400

/** A full collection (V8's `gc`, reached without a command-line flag). */
v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

/**
 * Hands `frames` to `deliver` one at a time; returns the mean µs from delivery to the end of the `onChange` it
 * causes, over up to MAX_FRAMES frames (fewer, but at least MIN_FRAMES, when a run exceeds BUDGET_MS). The
 * collections a run's own garbage causes fall inside it and are counted.
 */
async function perChange(deliver: (text: string) => void, frames: string[], probe: Probe): Promise<{ us: number; frames: number }> {
  // Start from a clean heap, so that a run does not pay for the garbage of the run before it or of its INIT_EVENT.
  collectGarbage()
  let total = 0
  let count = 0
  const start = performance.now()
  for (const text of frames) {
    const before = probe.count
    const t0 = performance.now()
    deliver(text)
    const pending = probe.after(before)
    if (pending) await pending
    total += probe.at - t0
    count++
    if (count >= MIN_FRAMES && performance.now() - start > BUDGET_MS) break
    // Between frames, let promise continuations, timers and I/O run as a real event loop would (not timed).
    await (count % 32 === 0 ? new Promise((resolve) => setImmediate(resolve)) : null)
  }
  return { us: (total / count) * 1000, frames: count }
}

/** The sum of `n` over a result of `size` after the first `applied` updates: both clients must agree with it. */
function expectedSum(size: number, list: Update[], applied: number): number {
  const n = Array.from({ length: size }, (_, i) => i)
  for (let k = 0; k < applied; k++) n[list[k]!.index] = list[k]!.value
  return n.reduce((a, b) => a + b, 0)
}

function check(probe: Probe, size: number, list: Update[], applied: number, who: string): void {
  const docs = probe.last!.docs
  const sum = docs.reduce((a, d) => a + d.n, 0)
  if (docs.length !== size || sum !== expectedSum(size, list, applied)) throw new Error(`bench: ${who} ended with a wrong result (${docs.length} docs)`)
}

type Runner = (size: number, readDocs: boolean) => Promise<{ us: number; frames: number }>

/** mpcloud's client over a fake socket that answers in a microtask. */
const runOurs: Runner = async (size, readDocs) => {
  const docs = Array.from({ length: size }, (_, i) => makeDoc(i))
  let handlers: SocketHandlers | undefined
  const server = fakeServer(
    () => docs,
    (text) => handlers!.onMessage(text),
  )
  const watch = createRealtime({
    env: 'bench-env',
    send: () => Promise.resolve({ data: { signStr: 'x', wsUrl: 'ws://fake', secretVersion: 1 } } as ProtocolResponse),
    platform: {
      connectSocket(_url, h) {
        handlers = h
        queueMicrotask(() => h.onOpen())
        return { send: (text) => server.receive(text), close() {} }
      },
    },
  })
  const probe = new Probe(readDocs)
  const listener = watch('bench', { collectionName: 'bench', query: {} }, { onChange: probe.onChange as (s: Snapshot<unknown>) => void, onError: probe.onError })
  await until(() => probe.count === 1, 'mpcloud INIT_EVENT')
  const list = updates(size, MAX_FRAMES)
  const result = await perChange((text) => handlers!.onMessage(text), nextFrames(server.watchId!, list), probe)
  check(probe, size, list, result.frames, 'mpcloud')
  await listener.close()
  return result
}

/**
 * The official client's socket: the browser WebSocket interface its wsClass must have, answering in-process.
 * While `fakeSockets` is false, the js-sdk gets the adapter's real `ws` socket instead (section 2).
 */
let fakeSockets = true
let fakeDocs: Doc[] = []
let lastFake: FakeWebSocket | undefined

class FakeWebSocket {
  readyState = 0
  onopen: ((event: unknown) => void) | undefined
  onmessage: ((event: { data: string }) => void) | undefined
  onclose: ((event: { code: number; reason: string }) => void) | undefined
  onerror: ((event: unknown) => void) | undefined
  readonly server = fakeServer(
    () => fakeDocs,
    (text) => this.readyState === 1 && this.onmessage!({ data: text }),
  )

  constructor(readonly url: string) {
    lastFake = this
    setTimeout(() => {
      this.readyState = 1
      if (this.onopen) this.onopen({})
    }, 0)
  }

  send(text: string): void {
    this.server.receive(text)
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState > 1) return
    this.readyState = 3
    setTimeout(() => this.onclose && this.onclose({ code, reason }), 0)
  }
}

/** An adapter like the tests' one, whose socket class is the fake one while `fakeSockets` is true. */
function switchingAdapter(url: string): CloudbaseAdapter {
  const base = emulatorAdapter(url)
  const real = (base.genAdapter() as { wsClass: new (url: string) => unknown }).wsClass
  const wsClass = function (this: unknown, url: string) {
    return fakeSockets ? new FakeWebSocket(url) : new real(url)
  }
  return Object.assign({}, base, { genAdapter: (options?: unknown) => Object.assign({}, base.genAdapter(options), { wsClass }) })
}

/** Closes an official listener and the ACK timer it leaves behind (it would re-arm itself forever). */
async function closeOfficial(listener: any): Promise<void> {
  await listener.close()
  listener.virtualClient.clearACKSchedule()
}

function officialRunner(db: any): Runner {
  return async (size, readDocs) => {
    fakeDocs = Array.from({ length: size }, (_, i) => makeDoc(i))
    lastFake = undefined
    const probe = new Probe(readDocs)
    silence(true)
    try {
      const listener = db.collection('bench').where({ kind: 'w' }).watch({ onChange: probe.onChange, onError: probe.onError })
      await until(() => probe.count === 1 && listener.virtualClient.watchStatus === 'ACTIVE', 'the official INIT_EVENT')
      const socket = lastFake!
      const list = updates(size, MAX_FRAMES)
      const result = await perChange((text) => socket.onmessage!({ data: text }), nextFrames(socket.server.watchId!, list), probe)
      check(probe, size, list, result.frames, 'the official client')
      await closeOfficial(listener)
      await sleep(5) // the socket's close event
      return result
    } finally {
      silence(false)
    }
  }
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function changeCost(officialDb: any): Promise<void> {
  const official = officialRunner(officialDb)
  // Warm both up: the same work, unreported.
  for (const readDocs of [false, true]) {
    await official(1000, readDocs)
    await runOurs(1000, readDocs)
  }
  const rows: Record<string, Record<string, string>> = {}
  const counts: string[] = []
  const flat: number[] = []
  let large = 0
  for (const size of [100, 1000, 10_000]) {
    // Rounds alternate the clients, so that JIT, GC and the machine's other work hit both alike; each cell's
    // figure is the median of its rounds' means.
    const cells = { oa: [] as number[], a: [] as number[], ob: [] as number[], b: [] as number[] }
    const frames = { oa: 0, a: 0, ob: 0, b: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [cell, run] of [['oa', () => official(size, false)], ['a', () => runOurs(size, false)], ['ob', () => official(size, true)], ['b', () => runOurs(size, true)]] as const) {
        const result = await run()
        cells[cell].push(result.us)
        frames[cell] += result.frames
      }
    }
    const [oa, a, ob, b] = [median(cells.oa), median(cells.a), median(cells.ob), median(cells.b)]
    rows[size.toLocaleString('en-US')] = {
      'official (a) µs': oa.toFixed(1),
      'mpcloud (a) µs': a.toFixed(1),
      'official (b) µs': ob.toFixed(1),
      'mpcloud (b) µs': b.toFixed(1),
      'official/mpcloud (a)': `${(oa / a).toFixed(1)}x`,
      'official/mpcloud (b)': `${(ob / b).toFixed(1)}x`,
    }
    counts.push(`${size.toLocaleString('en-US')}: ${frames.oa}/${frames.a}/${frames.ob}/${frames.b}`)
    flat.push(a)
    large = oa / a
  }
  console.log(`\n## Cost of one change to a watched result of N documents (same frames in-process; µs from frame to end of onChange, median of ${ROUNDS} rounds' means)`)
  console.log('(a) onChange reads snapshot.docChanges; (b) it also reads snapshot.docs.length (both clients build docs on first read)')
  console.table(rows)
  console.log(`changes timed per cell over the ${ROUNDS} rounds, official (a) / mpcloud (a) / official (b) / mpcloud (b): ${counts.join('; ')}`)
  console.log(`mpcloud (a) is ${large.toFixed(1)}x cheaper than the official client at 10,000 documents; its cost at 1,000 and 10,000 is ${(flat[1]! / flat[0]!).toFixed(1)}x and ${(flat[2]! / flat[0]!).toFixed(1)}x its cost at 100`)
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Over loopback: write → push → onChange.

/** What both clients' snapshots have in common, as far as this section reads them. */
interface Changes {
  docChanges: { doc: unknown }[]
}

const WATCHED = 100
const WRITES = 200
const WARMUP = 20

function quantile(values: number[], q: number): number {
  const sorted = values.slice().sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

async function latency(emulator: RunningEmulator, officialDb: any): Promise<void> {
  fakeSockets = false
  const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, realtime: createRealtime })
  cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-bench') })
  const db = cloud.database()
  await db.collection('bench').add({ data: Array.from({ length: WATCHED }, (_, i) => ({ _id: `w${i}`, kind: 'w', n: 0, title: `watched ${i}` })) })

  /** Arrival times by the value written. */
  const arrivals = new Map<number, { ours?: number; official?: number; done: () => void }>()
  const seen = (who: 'ours' | 'official', snapshot: Changes) => {
    const at = performance.now()
    for (const change of snapshot.docChanges) {
      const n = (change.doc as { n?: unknown } | undefined)?.n
      const entry = typeof n === 'number' ? arrivals.get(n) : undefined
      if (!entry || entry[who] !== undefined) continue
      entry[who] = at
      if (entry.ours !== undefined && entry.official !== undefined) entry.done()
    }
  }
  const failed = (error: unknown) => {
    throw new Error(`bench: a watch failed: ${String(error)}`)
  }

  const samples = { ours: [] as number[], official: [] as number[], oursAck: [] as number[], officialAck: [] as number[], write: [] as number[] }
  const early = { ours: 0, official: 0 }
  let value = 0
  const phase = async (oursFirst: boolean, writes: number): Promise<void> => {
    const started = { ours: false, official: false }
    const listen = (who: 'ours' | 'official') => (snapshot: Changes) => {
      started[who] = true
      seen(who, snapshot)
    }
    const watchOurs = async () => {
      const listener = db.collection('bench').where({ kind: 'w' }).watch({ onChange: listen('ours'), onError: failed })
      await until(() => started.ours, 'the mpcloud watch to start')
      return listener
    }
    const watchOfficial = async () => {
      const listener = officialDb.collection('bench').where({ kind: 'w' }).watch({ onChange: listen('official'), onError: failed })
      await until(() => started.official && listener.virtualClient.watchStatus === 'ACTIVE', 'the official watch to start')
      return listener
    }
    silence(true)
    try {
      // One after the other: the emulator pushes in the order the watches started.
      const ours = oursFirst ? await watchOurs() : undefined
      const official = await watchOfficial()
      const oursLater = ours || (await watchOurs())
      for (let i = 0; i < WARMUP + writes; i++) {
        const n = ++value
        const arrived = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`bench: write ${n} reached ${JSON.stringify(arrivals.get(n))} within 5 s`)), 5000)
          arrivals.set(n, { done: () => (clearTimeout(timer), resolve()) })
        })
        const start = performance.now()
        await db.collection('bench').doc(`w${n % WATCHED}`).update({ data: { n } })
        const ack = performance.now()
        await arrived
        const entry = arrivals.get(n)!
        arrivals.delete(n)
        if (i < WARMUP) continue
        samples.ours.push(entry.ours! - start)
        samples.official.push(entry.official! - start)
        samples.oursAck.push(entry.ours! - ack)
        samples.officialAck.push(entry.official! - ack)
        samples.write.push(ack - start)
        if (entry.ours! < ack) early.ours++
        if (entry.official! < ack) early.official++
      }
      await oursLater.close()
      await closeOfficial(official)
      await sleep(20)
    } finally {
      silence(false)
    }
  }
  await phase(true, WRITES / 2)
  await phase(false, WRITES / 2)

  const ms = (v: number) => v.toFixed(2)
  console.log(`\n## Write to onChange over loopback (emulator in this process, ${WRITES} sequential update()s through mpcloud, a watch of ${WATCHED} documents in each client)`)
  console.log('"from start": from just before the write call; "from reply": from when its Promise resolved (negative: the push came first)')
  console.table({
    mpcloud: { 'median from start (ms)': ms(quantile(samples.ours, 0.5)), 'p95 from start (ms)': ms(quantile(samples.ours, 0.95)), 'median from reply (ms)': ms(quantile(samples.oursAck, 0.5)), 'p95 from reply (ms)': ms(quantile(samples.oursAck, 0.95)), 'before the reply': `${early.ours}/${WRITES}` },
    '@cloudbase/js-sdk@3.7.0': { 'median from start (ms)': ms(quantile(samples.official, 0.5)), 'p95 from start (ms)': ms(quantile(samples.official, 0.95)), 'median from reply (ms)': ms(quantile(samples.officialAck, 0.5)), 'p95 from reply (ms)': ms(quantile(samples.officialAck, 0.95)), 'before the reply': `${early.official}/${WRITES}` },
  })
  console.log(`the write itself (call to resolved Promise): median ${ms(quantile(samples.write, 0.5))} ms, p95 ${ms(quantile(samples.write, 0.95))} ms`)
  console.log(`median from start: official/mpcloud ${(quantile(samples.official, 0.5) / quantile(samples.ours, 0.5)).toFixed(2)}x`)
}

// The official client and mpcloud watch as two users what a third writes: the collection is shared (READONLY:
// everyone reads, each writer its own), not CloudBase's default PRIVATE.
const emulator = await startEmulator({ port: 0, collections: ['bench'], rules: { database: { bench: 'READONLY' } } })
try {
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(switchingAdapter(emulator.url))
  silence(true)
  const app = cloudbase.init({ env: emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  await app.auth({ persistence: 'local' }).signInAnonymously()
  silence(false)
  const officialDb = app.database()
  await changeCost(officialDb)
  await latency(emulator, officialDb)
} finally {
  silence(false)
  await emulator.stop()
}
