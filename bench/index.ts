/**
 * `npm run bench`: mpcloud against the official serializer (@cloudbase/database 0.12.1), in one run.
 * 1. Bundle size of "core + database, one where().get()": esbuild --bundle --minify, gzip -9.
 * 2. Build-and-serialize throughput over the same corpus, through transports that answer at once.
 * Figures are reported as ratios; nothing here is asserted.
 */
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { Db } from '@cloudbase/database'
import { Aggregate, createCloud, createCommand } from '../dist/index.js'
import { corpus } from './corpus'

async function gzipSize(entry: string): Promise<{ raw: number; gzip: number }> {
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' })
  const code = result.outputFiles[0]!.contents
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

async function sizes(): Promise<void> {
  const ours = await gzipSize(new URL('./size/mpcloud-where-get.js', import.meta.url).pathname)
  const official = await gzipSize(new URL('./size/official-where-get.js', import.meta.url).pathname)
  console.log('\n## Bundle: core + database, one where().get() (esbuild minify, gzip -9)')
  console.table({
    mpcloud: { minified: kb(ours.raw), gzip: kb(ours.gzip) },
    '@cloudbase/database@0.12.1': { minified: kb(official.raw), gzip: kb(official.gzip) },
  })
  console.log(`mpcloud is ${(official.gzip / ours.gzip).toFixed(1)}x smaller (gzip)`)
}

/** Runs `iteration` repeatedly for `ms` milliseconds; returns iterations per second. */
async function rate(iteration: () => Promise<void>, ms: number): Promise<number> {
  let count = 0
  const start = performance.now()
  while (performance.now() - start < ms) {
    await iteration()
    count++
  }
  return (count * 1000) / (performance.now() - start)
}

const median = (values: number[]) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function throughput(): Promise<void> {
  const answer = { requestId: 'r', data: { list: [], total: 0, updated: 1, deleted: 1, _id: 'x' } }
  const ourDb = createCloud({ transport: { send: () => Promise.resolve(answer) }, commands: createCommand, aggregate: Aggregate }).database()
  Db.reqClass = class {
    send(): Promise<unknown> {
      return Promise.resolve(answer)
    }
  }
  const officialDb = new Db({ env: 'demo' })
  const ours = async () => {
    for (const c of corpus) await c.ours(ourDb as never)
  }
  const official = async () => {
    for (const c of corpus) await c.official(officialDb as never)
  }
  // Warm both up, then alternate short rounds so that JIT, GC and machine noise hit both alike.
  await rate(ours, 500)
  await rate(official, 500)
  const rounds: { ours: number[]; official: number[] } = { ours: [], official: [] }
  for (let round = 0; round < 9; round++) {
    rounds.ours.push(await rate(ours, 300))
    rounds.official.push(await rate(official, 300))
  }
  const a = median(rounds.ours)
  const b = median(rounds.official)
  console.log(`\n## Build-and-serialize throughput (${corpus.length} requests per iteration: ${corpus.map((c) => c.name).join('; ')})`)
  console.table({
    mpcloud: { 'iterations/s (median of 9 rounds)': Math.round(a), 'µs per request': ((1e6 / a) / corpus.length).toFixed(2) },
    '@cloudbase/database@0.12.1': { 'iterations/s (median of 9 rounds)': Math.round(b), 'µs per request': ((1e6 / b) / corpus.length).toFixed(2) },
  })
  console.log(`mpcloud is ${(a / b).toFixed(1)}x faster`)
}

await sizes()
await throughput()
