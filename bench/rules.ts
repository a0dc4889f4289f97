/**
 * What security rules cost per request: the emulator in its own process, driven by the raw keep-alive loop
 * (50 concurrent) with the SDK's own recorded request, the same allowed query (the caller's books of price
 * >= 50, newest first, 10 of 1,000 documents) under four rule sets: none (`open`), the PRIVATE preset
 * (filters), a custom owner rule (the query is proved inside it), and the owner rule with a `get()` (one
 * document read per request). Reported as requests/s and as the ratio to `open`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectHttp, createCloud, createCommand } from '../src/index'
import { nodePlatform } from '../adapters/node/platform'
import { startChild } from './child-process'
import { keepAlive, perSecond, rawPost } from './raw-loop'
import { recorder } from './recorder'

const CLIENTS = 50
const SECONDS = 2
const OWNER = 'doc._openid == auth.openid'

const RULE_SETS: Record<string, unknown> = {
  'no rules (open)': 'open',
  'PRIVATE preset (filter)': { database: { todos: 'PRIVATE', settings: { read: true, write: true } } },
  'custom owner rule (proof)': { database: { todos: { read: OWNER, write: OWNER }, settings: { read: true, write: true } } },
  'owner rule + get() (proof, one read)': { database: { todos: { read: `${OWNER} && get('database.settings.public').open == true`, write: OWNER }, settings: { read: true, write: true } } },
}

async function measure(rules: unknown): Promise<{ perSecond: number; documents: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-rules-'))
  const script = new URL('../test/helpers/emulator-process.ts', import.meta.url).pathname
  const server = await startChild(['--import', 'tsx', script, dataDir, 'todos', 'settings'], { MPCLOUD_RULES: typeof rules === 'string' ? rules : JSON.stringify(rules) })
  try {
    const rec = recorder(nodePlatform)
    const cloud = createCloud({ platform: rec.platform, connect: connectHttp, commands: createCommand })
    cloud.init({ env: 'demo-env', endpoint: server.url })
    const db = cloud.database()
    await db.collection('settings').add({ data: { _id: 'public', open: true } })
    const cats = ['book', 'toy', 'food', 'tool']
    for (let i = 0; i < 1000; i += 250) {
      await db.collection('todos').add({ data: Array.from({ length: 250 }, (_, j) => ({ cat: cats[(i + j) % 4], price: (i + j) % 100, title: `item ${i + j}` })) })
    }
    const { data } = await db.collection('todos').where({ _openid: '{openid}', cat: 'book', price: db.command.gte(50) }).orderBy('price', 'desc').limit(10).get()
    const query = rec.last('database.queryDocument')
    const agent = keepAlive()
    const body = Buffer.from(query.request)
    const answer = await rawPost(agent, query.url, body)
    if (!answer.includes('"list"')) throw new Error(`the query was not allowed: ${answer.slice(0, 200)}`)
    return { perSecond: await perSecond(CLIENTS, SECONDS, () => rawPost(agent, query.url, body)), documents: data.length }
  } finally {
    server.process.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

const rows: Record<string, { 'requests/s': number; 'x open': string; documents: number }> = {}
let open = 0
for (const [name, rules] of Object.entries(RULE_SETS)) {
  const { perSecond: rate, documents } = await measure(rules)
  // Every rule set allows the same query: the same 10 documents, or the comparison means nothing.
  if (documents !== 10) throw new Error(`${name}: the query returned ${documents} documents, not 10`)
  if (rules === 'open') open = rate
  rows[name] = { 'requests/s': rate, 'x open': (open / rate).toFixed(2), documents }
}
console.log(`\n## security rules per request: the emulator driven by the raw loop, ${CLIENTS} concurrent, one allowed query (10 of 1,000 documents)`)
console.table(rows)
