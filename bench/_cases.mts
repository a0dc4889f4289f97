import { Db } from '@cloudbase/database'
import { Aggregate, createCloud, createCommand } from '../dist/index.js'
import { corpus } from './corpus.ts'
const answer = { requestId: 'r', data: { list: [], total: 0, updated: 1, deleted: 1, _id: 'x' } }
const ourDb = createCloud({ transport: { send: () => Promise.resolve(answer) }, commands: createCommand, aggregate: Aggregate }).database()
Db.reqClass = class { send() { return Promise.resolve(answer) } }
const off = new Db({ env: 'demo' })
async function time(f: () => Promise<unknown>, n = 20000) { for (let i = 0; i < 2000; i++) await f(); const t = performance.now(); for (let i = 0; i < n; i++) await f(); return (performance.now() - t) * 1000 / n }
for (let r = 0; r < 2; r++) for (const c of corpus) { const a = await time(() => c.ours(ourDb as never)); const b = await time(() => c.official(off as never)); console.log(c.name.padEnd(32), a.toFixed(2), b.toFixed(2), (b / a).toFixed(1) + 'x') }
