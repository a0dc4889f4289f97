/**
 * `npm start`: the local cloud and the SDK together. Starts the emulator with a seeded `demo-env`, runs
 * the database walkthrough through `mpcloud/node` over real HTTP (each call, the protocol request it
 * becomes, and the result), then leaves the emulator running for you to point a mini program or script at.
 */
import cloud, { connectHttp, createCloud, nodePlatform, type ProtocolRequest } from 'mpcloud/node'
import { startEmulator } from 'mpcloud/emulator'

const port = Number(process.env.PORT || 9000)
const emulator = await startEmulator({ port, env: 'demo-env', collections: ['todos'] }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  // Port taken: any free port will do for a demo (the URL is printed below).
  console.log(`port ${port} is taken: the demo's emulator takes a free port instead (PORT=N npm start chooses one)`)
  return startEmulator({ port: 0, env: 'demo-env', collections: ['todos'] })
})
console.log(`the emulator serves env ${emulator.env} at ${emulator.url}`)
// Act as a named user, by a real sign-in with a ticket the emulator signs (anonymous without one).
cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-demo-user') })
const db = cloud.database()
const _ = db.command

async function step(title: string, run: () => Promise<unknown>): Promise<void> {
  console.log(`\n${title}`)
  try {
    console.log('  result:', JSON.stringify(await run()))
  } catch (error) {
    console.log('  error :', (error as { errMsg?: string }).errMsg || error)
  }
}

const day = 86_400_000
await step("db.collection('todos').add({ data: [...4 todos] })", () =>
  db.collection('todos').add({
    data: [
      { title: 'Write the SDK', done: true, priority: 3, tags: ['sdk'], createdAt: new Date(Date.UTC(2024, 0, 1)) },
      { title: 'Ship the emulator', done: false, priority: 3, tags: ['emulator'], createdAt: new Date(Date.UTC(2024, 0, 1) + day) },
      { title: 'Type the paths', done: false, priority: 2, tags: ['sdk', 'types'], createdAt: new Date(Date.UTC(2024, 0, 1) + 2 * day) },
      { title: 'Port to Alipay', done: false, priority: 1, tags: [], createdAt: db.serverDate() },
    ],
  }),
)
await step("where({ done: false, priority: _.gte(2) }).orderBy('createdAt', 'desc').limit(10).get()", () =>
  db.collection('todos').where({ done: false, priority: _.gte(2) }).orderBy('createdAt', 'desc').limit(10).get(),
)
await step("where({ tags: 'sdk' }).count()", () => db.collection('todos').where({ tags: 'sdk' }).count())
// Another user sees none of them: a collection's rule, unless you give one, is CloudBase's default PRIVATE.
const stranger = createCloud({ platform: nodePlatform, connect: connectHttp })
stranger.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-someone-else') })
await step("as another user: db.collection('todos').count()  (PRIVATE: only the creator reads)", () => stranger.database().collection('todos').count())
// A watch stays open while the next writes run: each write it concerns arrives as one snapshot.
console.log("\nwhere({ done: false }).watch({ onChange, onError })")
let watching: () => void
const ready = new Promise<void>((resolve) => (watching = resolve))
const watcher = db.collection('todos').where({ done: false }).watch({
  onChange(snapshot) {
    const changes = snapshot.docChanges.map((c) => `${c.dataType} "${c.doc.title}"`).join(', ')
    console.log(`  watch : event ${snapshot.id}${snapshot.type === 'init' ? ' (init)' : ''}: ${changes}; ${snapshot.docs.length} open todos`)
    watching()
  },
  onError: (error) => console.log('  watch error:', error.errMsg),
})
await ready
await step("where({ title: /alipay/i }).update({ data: { done: true, priority: _.inc(1) } })", () =>
  db.collection('todos').where({ title: /alipay/i }).update({ data: { done: true, priority: _.inc(1) } }),
)
await step("aggregate().group({ _id: '$done', count: $.sum(1), priority: $.avg('$priority') }).sort({ _id: 1 }).end()", () =>
  db.collection('todos').aggregate().group({ _id: '$done', count: _.aggregate.sum(1), priority: _.aggregate.avg('$priority') }).sort({ _id: 1 }).end(),
)
await step("where({ done: true }).remove()", () => db.collection('todos').where({ done: true }).remove())
await new Promise((resolve) => setTimeout(resolve, 100))
await watcher.close()
await step("db.collection('nocoll').get()  (collections must exist, as in CloudBase)", () => db.collection('nocoll').get())

const sample: ProtocolRequest = { action: 'database.queryDocument', env: emulator.env, collectionName: 'todos', queryType: 'WHERE', limit: 100 }
console.log(`\nThe emulator keeps running at ${emulator.url} (env ${emulator.env}); Ctrl+C stops it. Try (a new anonymous user: its own todos only, none yet):`)
console.log(`  TOKEN=$(curl -s ${emulator.url}/auth/v1/signin/anonymously -d '{}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`)
console.log(`  curl -s ${emulator.url}/web -d '${JSON.stringify(sample).replace(/}$/, ',"access_token":"\'$TOKEN\'"}')}'`)
const { secretId, secretKey } = emulator.adminCredentials
console.log(`Server SDKs (wx-server-sdk, @cloudbase/node-sdk) sign /admin with the admin key:`)
console.log(`  cloud.init({ env: '${emulator.env}', serviceUrl: '${emulator.url}/admin', secretId: '${secretId}', secretKey: '${secretKey}' })`)
