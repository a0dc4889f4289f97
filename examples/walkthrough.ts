/**
 * `npm start`: a walkthrough of the mpcloud database SDK. Each step shows the wx.cloud-style call, the
 * CloudBase protocol request it becomes, and the result the SDK returns. The transport here answers
 * like a CloudBase server would for a small todo list; the local emulator (`mpcloud emulator`) will take
 * its place.
 */
import { createCloud, type ProtocolRequest, type ProtocolResponse } from '../src/index'

const todos = [
  { _id: 'todo-1', title: 'Write the SDK', done: true, priority: 3, createdAt: { $date: 1700000000000 } },
  { _id: 'todo-2', title: 'Ship the emulator', done: false, priority: 2, createdAt: { $date: 1700000100000 } },
]

function answer(request: ProtocolRequest): ProtocolResponse {
  switch (request.action) {
    case 'database.queryDocument':
      return { requestId: 'demo', data: { list: request.queryType === 'DOC' ? todos.slice(0, 1) : todos.slice(1) } }
    case 'database.countDocument':
      return { requestId: 'demo', data: { total: 1 } }
    case 'database.addDocument':
      return { requestId: 'demo', data: { _id: 'todo-3' } }
    case 'database.updateDocument':
      return { requestId: 'demo', data: { updated: 1, upserted_id: null } }
    case 'database.deleteDocument':
      return { requestId: 'demo', data: { deleted: 1 } }
    case 'database.aggregate':
      return { requestId: 'demo', data: { list: JSON.stringify([JSON.stringify({ _id: false, count: { $numberInt: '1' } })]) } }
    default:
      return { code: 'INVALID_ACTION', message: `unknown action ${request.action}`, requestId: 'demo' }
  }
}

const cloud = createCloud({
  transport: {
    send(request) {
      console.log('  request :', JSON.stringify(request))
      return Promise.resolve(answer(request))
    },
  },
})
cloud.init({ env: 'demo-env' })
const db = cloud.database()
const _ = db.command

async function step(title: string, run: () => Promise<unknown>): Promise<void> {
  console.log(`\n${title}`)
  try {
    console.log('  result  :', JSON.stringify(await run()))
  } catch (error) {
    console.log('  error   :', (error as { errMsg?: string }).errMsg || error)
  }
}

await step("db.collection('todos').where({ done: false, priority: _.gte(2) }).orderBy('createdAt', 'desc').limit(10).get()", () =>
  db.collection('todos').where({ done: false, priority: _.gte(2) }).orderBy('createdAt', 'desc').limit(10).get(),
)
await step("db.collection('todos').doc('todo-1').get()", () => db.collection('todos').doc('todo-1').get())
await step("db.collection('todos').add({ data: { title, done: false, createdAt: db.serverDate() } })", () =>
  db.collection('todos').add({ data: { title: 'Try mpcloud', done: false, createdAt: db.serverDate() } }),
)
await step("db.collection('todos').doc('todo-2').update({ data: { done: true, stats: { edits: _.inc(1) } } })", () =>
  db.collection('todos').doc('todo-2').update({ data: { done: true, stats: { edits: _.inc(1) } } }),
)
await step("db.collection('todos').where({ done: true }).count()", () => db.collection('todos').where({ done: true }).count())
await step("db.collection('todos').aggregate().group({ _id: '$done', count: _.aggregate.sum(1) }).end()", () =>
  db.collection('todos').aggregate().group({ _id: '$done', count: _.aggregate.sum(1) }).end(),
)
await step("db.collection('todos').where({ done: true }).limit(5).remove()  (refused: remove() ignores limit)", () =>
  db.collection('todos').where({ done: true }).limit(5).remove(),
)
