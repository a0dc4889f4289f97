/**
 * Regular expressions from requests match in linear time (emulator/query/regex.ts). Figures, in one run:
 * 1. `(a+)+$` over 27 "a"s and a "!": V8's backtracking RegExp (what the emulator ran before) against the
 *    emulator answering the same query now, through HTTP;
 * 2. a heavy but linear regex query through the emulator (in its own process): 2,000 documents of 50 KB,
 *    100 MB of text scanned per query, next to V8 scanning the same strings in this process;
 * 3. the latency of an unrelated request (a count on another collection) sent beside that query, next to
 *    the same request to the emulator idle and to a bare `node:http` server in its own process (the
 *    physical ceiling). The emulator evaluates a query in one synchronous pass, so a request that arrives
 *    during it waits for the pass: the figure to watch is that it waits for no more than that.
 * Reported as ratios; nothing here is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectHttp, createCloud } from '../dist/index.js'
import { nodePlatform } from '../adapters/node/platform'
import { startChild } from './child-process'

const DOCS = 2000
const DOC_BYTES = 50_000
const HEAVY = '(i|o)+r(e|i)m [xyz]+$'
const EVIL = 'a'.repeat(27) + '!'
const RUNS = 7

const text = (i: number) => `${'lorem ipsum dolor sit amet '.repeat(Math.ceil(DOC_BYTES / 27) + 1)}#${i}`.slice(-DOC_BYTES)
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

async function post(url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/web`, { method: 'POST', body: JSON.stringify(body) })
  return (await response.json()) as Record<string, unknown>
}

/** The unrelated request, as raw as it travels: a count on another collection. */
async function signedCount(url: string): Promise<() => Promise<number>> {
  const signIn = await post(url, { action: 'auth.signInAnonymously' })
  const refresh_token = (signIn.data as { refresh_token: string }).refresh_token
  const fetched = await post(url, { action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token })
  const access_token = (fetched.data as { access_token: string }).access_token
  return async () => {
    const started = performance.now()
    await post(url, { action: 'database.countDocument', env: 'demo-env', access_token, collectionName: 'other' })
    return performance.now() - started
  }
}

/** Median latency of `request` alone, after a warm-up. */
async function idle(request: () => Promise<number>): Promise<number> {
  await request()
  const samples: number[] = []
  for (let i = 0; i < 50; i++) samples.push(await request())
  return median(samples)
}

async function bareServer(): Promise<number> {
  const source = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.setHeader('content-type', 'application/json'); res.end('{"data":{"total":0}}') }) }).listen(0, '127.0.0.1', function () { console.log('http://127.0.0.1:' + this.address().port) })`
  const { process: server, url } = await startChild(['-e', source])
  try {
    return await idle(async () => {
      const started = performance.now()
      await post(url, { action: 'database.countDocument', env: 'demo-env', collectionName: 'other' })
      return performance.now() - started
    })
  } finally {
    server.kill()
  }
}

function v8Figures(): { evilMs: number; scanMs: number } {
  let started = performance.now()
  new RegExp('(a+)+$').test(EVIL)
  const evilMs = performance.now() - started
  const strings = Array.from({ length: DOCS }, (_, i) => text(i))
  const heavy = new RegExp(HEAVY)
  const samples: number[] = []
  for (let run = 0; run < RUNS; run++) {
    started = performance.now()
    for (const s of strings) heavy.test(s)
    samples.push(performance.now() - started)
  }
  return { evilMs, scanMs: median(samples) }
}

async function emulatorFigures(): Promise<{ evilMs: number; queryMs: number; besideMs: number; idleMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-regex-'))
  const script = new URL('../test/helpers/emulator-process.ts', import.meta.url).pathname
  const { process: server, url } = await startChild(['--import', 'tsx', script, dataDir, 'long', 'evil', 'other'])
  try {
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp })
    cloud.init({ env: 'demo-env', endpoint: url, timeout: 60_000 })
    const db = cloud.database()
    for (let i = 0; i < DOCS; i += 150) {
      await db.collection('long').add({ data: Array.from({ length: Math.min(150, DOCS - i) }, (_, j) => ({ n: i + j, body: text(i + j) })) })
    }
    await db.collection('evil').add({ data: { s: EVIL } })
    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now()
      await run()
      return performance.now() - started
    }
    const evil = () => db.collection('evil').where({ s: db.RegExp({ regexp: '(a+)+$' }) }).get()
    const heavy = () => db.collection('long').where({ body: db.RegExp({ regexp: HEAVY }) }).get()
    await evil()
    await heavy()
    const count = await signedCount(url)
    const evilSamples: number[] = []
    const querySamples: number[] = []
    const besideSamples: number[] = []
    for (let run = 0; run < RUNS; run++) {
      evilSamples.push(await timed(evil))
      const query = timed(heavy)
      // Sent once the query is on its way, as a second client would.
      await new Promise((resolve) => setTimeout(resolve, 5))
      const [queryMs, besideMs] = await Promise.all([query, count()])
      querySamples.push(queryMs)
      besideSamples.push(besideMs)
    }
    return { evilMs: median(evilSamples), queryMs: median(querySamples), besideMs: median(besideSamples), idleMs: await idle(count) }
  } finally {
    server.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const v8 = v8Figures()
const ours = await emulatorFigures()
const bare = await bareServer()
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 0)

console.log(`\n## (a+)+$ over 27 "a"s and a "!" (median of ${RUNS})`)
console.table({
  'V8 RegExp, one test (before)': { ms: ms(v8.evilMs) },
  'emulator query over HTTP (now)': { ms: ms(ours.evilMs), 'x faster': Math.round(v8.evilMs / ours.evilMs) },
})

console.log(`\n## heavy but linear: ${HEAVY} over ${DOCS} documents of ${DOC_BYTES / 1000} KB (${(DOCS * DOC_BYTES) / 1e6} MB scanned, no match; median of ${RUNS})`)
console.table({
  'V8 RegExp over the same strings, in process': { ms: ms(v8.scanMs), 'x V8': '1.0' },
  'emulator query over HTTP (RE2)': { ms: ms(ours.queryMs), 'x V8': (ours.queryMs / v8.scanMs).toFixed(1) },
})

console.log('\n## an unrelated request (count on another collection), latency')
console.table({
  'bare node:http server (the ceiling)': { ms: ms(bare), 'x bare': '1.0' },
  'emulator, idle': { ms: ms(ours.idleMs), 'x bare': (ours.idleMs / bare).toFixed(1) },
  'emulator, beside the heavy regex query': { ms: ms(ours.besideMs), 'x bare': (ours.besideMs / bare).toFixed(0) },
})
console.log(`beside the query, the unrelated request waits ${((ours.besideMs / ours.queryMs) * 100).toFixed(0)}% of the query's own time (it is evaluated in one synchronous pass)`)
process.exit(0)
