/**
 * The emulator's figures, in one run on the same 100,000 generated documents (peer-sdks.md §5.3):
 * 1. `match + sort + limit 10`, unindexed: the emulator's engine vs raw mingo vs a hand-written loop;
 * 2. indexed equality vs the same query unindexed;
 * 3. durable acknowledged writes per second (SQLite file, WAL, synchronous=FULL);
 * 4. loopback HTTP throughput with 50 concurrent clients, the client and the emulator each against a bare
 *    server (bench/http.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { find } from 'mingo'
import { findDocs } from '../emulator/query/engine'
import { IMPORT_ORIGIN, Store, type Doc } from '../emulator/store/store'
import { connectHttp, createCloud, createCommand } from '../src/index'
import { nodePlatform } from '../adapters/node/platform'
import { httpFigures } from './http'
import { startChild } from './child-process'
import { generate } from './documents'

/** Median milliseconds of `runs` timed runs after one warm-up. */
function time(run: () => unknown, runs = 15): number {
  run()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    run()
    samples.push(performance.now() - start)
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!
}

const FILTER = { cat: { $in: ['book', 'toy'] }, price: { $gte: 20, $lt: 80 }, 'owner.city': 'sh', done: false }

function handLoop(docs: Doc[]): string[] {
  const hits = docs.filter((d) => {
    const price = d.price as number
    return (d.cat === 'book' || d.cat === 'toy') && price >= 20 && price < 80 && (d.owner as { city: string }).city === 'sh' && d.done === false
  })
  hits.sort((a, b) => (b.price as number) - (a.price as number) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))
  return hits.slice(0, 10).map((d) => d._id)
}

function engine(): void {
  const docs = generate(100_000)
  const store = new Store(':memory:')
  store.createCollection('plain')
  store.createCollection('indexed')
  for (let i = 0; i < docs.length; i += 10_000) {
    const slice = docs.slice(i, i + 10_000)
    store.write(slice.map((doc) => ({ collection: 'plain', id: doc._id, doc })), IMPORT_ORIGIN)
    store.write(slice.map((doc) => ({ collection: 'indexed', id: doc._id, doc: structuredClone(doc) })), IMPORT_ORIGIN)
  }
  store.createIndex('indexed', { name: 'sku', keys: { sku: 1 }, unique: true })

  const order = [{ field: 'price', direction: 'desc' as const }, { field: '_id', direction: 'asc' as const }]
  const ids = (list: Record<string, unknown>[]) => list.map((d) => d._id as string)
  const expected = handLoop(docs)
  const viaEngine = ids(findDocs(store.select('plain', FILTER), FILTER, { order, limit: 10 }))
  const viaMingo = ids(find(docs, FILTER).sort({ price: -1, _id: 1 }).limit(10).all() as Record<string, unknown>[])
  if (JSON.stringify(viaEngine) !== JSON.stringify(expected) || JSON.stringify(viaMingo) !== JSON.stringify(expected)) {
    throw new Error('the three paths disagree: the figures below would compare different work')
  }
  const loop = time(() => handLoop(docs))
  const ours = time(() => findDocs(store.select('plain', FILTER), FILTER, { order, limit: 10 }))
  const mingo = time(() => find(docs, FILTER).sort({ price: -1, _id: 1 }).limit(10).all())
  console.log(`\n## match + sort + limit 10 over 100,000 documents, unindexed (${docs.filter((d) => FILTER.cat.$in.includes(d.cat as string) && (d.price as number) >= 20 && (d.price as number) < 80 && (d.owner as { city: string }).city === 'sh' && !d.done).length} matches; median of 15)`)
  console.table({
    'hand-written loop': { ms: loop.toFixed(2), 'x loop': '1.0' },
    'emulator engine': { ms: ours.toFixed(2), 'x loop': (ours / loop).toFixed(1) },
    'raw mingo': { ms: mingo.toFixed(2), 'x loop': (mingo / loop).toFixed(1) },
  })

  const equality = { sku: 'sku-54321' }
  const indexed = time(() => findDocs(store.select('indexed', equality), equality, { limit: 10 }), 51)
  const unindexed = time(() => findDocs(store.select('plain', equality), equality, { limit: 10 }), 7)
  console.log('\n## equality on sku, indexed vs unindexed (same 100,000 documents)')
  console.table({ indexed: { ms: indexed.toFixed(4) }, unindexed: { ms: unindexed.toFixed(2) } })
  console.log(`indexed is ${Math.round(unindexed / indexed)}x faster`)
  store.close()
}

/** The emulator in its own process (its own core), as `npx mpcloud emulator` runs it. */
async function emulatorProcess(dataDir: string): Promise<{ url: string; stop(): void }> {
  const script = new URL('../test/helpers/emulator-process.ts', import.meta.url).pathname
  const { process: child, url } = await startChild(['--import', 'tsx', script, dataDir, 'todos', 'writes'])
  return { url, stop: () => child.kill() }
}

async function durableWrites(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-'))
  const emulator = await emulatorProcess(dataDir)
  try {
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, commands: createCommand })
    cloud.init({ env: 'demo-env', endpoint: emulator.url })
    const db = cloud.database()

    const writes = async (concurrency: number) => {
      let acknowledged = 0
      const end = Date.now() + 2000
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (Date.now() < end) {
            await db.collection('writes').add({ data: { n: acknowledged, at: db.serverDate() } })
            acknowledged++
          }
        }),
      )
      return Math.round(acknowledged / 2)
    }
    console.log('\n## durable acknowledged writes (one add() each; SQLite file, WAL, synchronous=FULL)')
    console.table({ '1 client': { 'writes/s': await writes(1) }, '50 clients': { 'writes/s': await writes(50) } })
  } finally {
    emulator.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

engine()
await durableWrites()
await httpFigures(generate(1000).map(({ _id, ...doc }) => doc))
