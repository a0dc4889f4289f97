/**
 * `npm run bench`: mpcloud against the official serializer (@cloudbase/database 0.12.1), in one run.
 * 1. Bundle size of "core + database, one where().get()": esbuild --bundle --minify, gzip -9.
 * 2. Build-and-serialize throughput over the same corpus, through transports that answer at once.
 * Figures are reported as ratios; nothing here is asserted.
 */
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { Bench } from 'tinybench'
import { Db } from '@cloudbase/database'
import { createCloud } from '../dist/index.js'
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

async function throughput(): Promise<void> {
  const ourDb = createCloud({ transport: { send: () => Promise.resolve({ requestId: 'r', data: { list: [], total: 0, updated: 1, deleted: 1, _id: 'x' } }) } }).database()
  Db.reqClass = class {
    send(): Promise<unknown> {
      return Promise.resolve({ requestId: 'r', data: { list: [], total: 0, updated: 1, deleted: 1, _id: 'x' } })
    }
  }
  const officialDb = new Db({ env: 'demo' })
  const bench = new Bench({ time: 1500, warmupTime: 300 })
  bench.add('mpcloud', async () => {
    for (const c of corpus) await c.ours(ourDb as never)
  })
  bench.add('@cloudbase/database@0.12.1', async () => {
    for (const c of corpus) await c.official(officialDb as never)
  })
  await bench.run()
  console.log(`\n## Build-and-serialize throughput (${corpus.length} requests per iteration: ${corpus.map((c) => c.name).join('; ')})`)
  console.table(bench.table())
  const [ours, official] = bench.tasks.map((t) => (t.result as { throughput: { mean: number } }).throughput.mean)
  console.log(`mpcloud is ${(ours! / official!).toFixed(1)}x faster`)
}

await sizes()
await throughput()
