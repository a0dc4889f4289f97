/**
 * The guide's triggered and server-side functions (examples/cloudfunctions) in the emulator: the HTTP access
 * route /api answers by httpMethod, the dailyTasks timer (fired now) resets the daily counters and reports
 * yesterday's orders in China time, a client's new order runs onOrderCreate (stock, status), getProducts' cache
 * hits on the second call of a warm instance, and queryOrders answers the indexed query. Called through
 * mpcloud, the official js-sdk and plain HTTP; each order's subscribe message lands in the openapi outbox; expected values from mpcloud.json's seed and the test's inputs.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import type { InvocationRecord } from '../../emulator/pipeline/events'
import { adminCall } from '../helpers/admin'
import { signedIn } from '../helpers/emulator'
import { adminDatabase, jsSdkCaller, mpcloudCaller, PROJECT, seedOf, startGuideProject, type Call } from './guide-project'

let emulator: RunningEmulator
let db: any
let ours: Call
let official: { call: Call; uid: string; app: any }

beforeAll(async () => {
  // The timer is fired by the test (fireTrigger, as `mpcloud trigger dailyTasks` does), not by the clock.
  emulator = await startGuideProject({ timers: false })
  db = adminDatabase(emulator)
  ours = mpcloudCaller(emulator, 'o-shopper')
  official = await jsSdkCaller(emulator)
}, 30_000)
afterAll(async () => {
  await emulator.stop()
})

async function logsOf(name: string): Promise<InvocationRecord[]> {
  return ((await adminCall(emulator, 'functions.getLogs', { function_name: name })).data as { logs: InvocationRecord[] }).logs
}

/** Waits until `check` holds (a trigger runs after the write that fires it has been answered). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const end = Date.now() + 15_000
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > end) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('api over HTTP access (/api → api)', () => {
  const api = (path: string, init?: RequestInit) => fetch(`${emulator.httpUrl}/api${path}`, init)

  it('POST /api/users adds a user (201), GET /api/users lists it as JSON, by httpMethod and the path below the route', async () => {
    const posted = await api('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Grace', email: 'grace@example.com' }) })
    expect(posted.status).toBe(201)
    const { id } = (await posted.json()) as { id: string }
    const listed = await api('/users')
    expect(listed.status).toBe(200)
    expect(listed.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await listed.json()).toContainEqual({ _id: id, name: 'Grace', email: 'grace@example.com' })
  }, 30_000)

  it('400 without a name or email, 404 for another path or method', async () => {
    const missing = await api('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"NoMail"}' })
    expect([missing.status, await missing.json()]).toEqual([400, { error: 'Name and email are required' }])
    for (const [path, method] of [['/orders', 'GET'], ['/users', 'DELETE']] as const) {
      const other = await api(path, { method })
      expect([other.status, await other.json()]).toEqual([404, { error: 'Not found' }])
    }
  }, 30_000)
})

describe('dailyTasks (timer trigger "daily", 0 0 0 * * * *)', () => {
  it('fired now: the daily counters are reset, and yesterday’s orders (China time) are reported', async () => {
    const now = Date.now()
    const hour = 3600 * 1000
    // 24 hours ago is always yesterday, 48 hours ago the day before, now today (the day is China's, UTC+8).
    await db.collection('orders').add({ data: [{ amount: 10, createTime: new Date(now - 24 * hour) }, { amount: 20, createTime: new Date(now - 24 * hour + 1) }, { amount: 100, createTime: new Date(now - 48 * hour) }, { amount: 1000, createTime: new Date(now) }] })
    const fired = await emulator.fireTrigger('dailyTasks')
    expect(fired.event).toMatchObject({ Type: 'Timer', TriggerName: 'daily' })
    const date = new Date(now - 24 * hour + 8 * hour).toISOString().slice(0, 10)
    expect(JSON.parse(fired.result as string)).toEqual({ success: true, date, totalSales: 30, orderCount: 2 })
    const { data: stats } = await db.collection('statistics').get()
    const seeded = Object.fromEntries(seedOf('statistics').map((doc) => [doc._id, doc.count]))
    expect(Object.fromEntries(stats.map((doc: { _id: string; count: number }) => [doc._id, doc.count]))).toEqual({ ...seeded, 's-daily': 0 })
    const { data: reports } = await db.collection('reports').get()
    expect(reports).toEqual([expect.objectContaining({ date, totalSales: 30, orderCount: 2, trigger: 'daily' })])
  }, 30_000)
})

describe('onOrderCreate (database trigger on orders, insert, status = new)', () => {
  const stockOf = async (id: string) => (await db.collection('products').doc(id).get()).data.stock as number
  const seeded = Object.fromEntries(seedOf('products').map((doc) => [doc._id, doc.stock]))

  it('a client’s new order (mpcloud, then js-sdk) takes its items from stock and becomes processing', async () => {
    const orders = signedIn(emulator, 'o-buyer').collection('orders')
    const { _id: first } = await orders.add({ data: { status: 'new', amount: 42, items: [{ productId: 'p-kite', quantity: 2 }] } })
    const { id: second } = await official.app.database().collection('orders').add({ status: 'new', amount: 7, items: [{ productId: 'p-kite', quantity: 1 }, { productId: 'p-book', quantity: 3 }] })
    for (const id of [first, second]) {
      const order = await eventually(() => db.collection('orders').doc(id).get(), (answer: any) => answer.data.status === 'processing')
      expect(order.data).toMatchObject({ status: 'processing', processingTime: expect.any(Date) })
    }
    expect(await stockOf('p-kite')).toBe(seeded['p-kite'] - 3)
    expect(await stockOf('p-book')).toBe(seeded['p-book'] - 3)
    // Each ran once, for its own insert (the status update fires nothing: the trigger listens to inserts).
    // The two may run at once in two instances: in either order.
    const runs = (await logsOf('onOrderCreate')).map((run) => JSON.parse(run.RetMsg))
    expect(runs).toHaveLength(2)
    expect(runs).toEqual(expect.arrayContaining([{ success: true, processed: first }, { success: true, processed: second }]))
  }, 30_000)

  it('each new order’s notification is in the openapi outbox, to the admin and template config.json names', async () => {
    const { envVariables } = JSON.parse(readFileSync(`${PROJECT}/cloudfunctions/onOrderCreate/config.json`, 'utf8'))
    const sent = emulator.outbox({ api: 'subscribeMessage.send', functionName: 'onOrderCreate' })
    const orders = (await db.collection('orders').where({ status: 'processing' }).get()).data as { _id: string; amount: number }[]
    expect(sent).toHaveLength(orders.length)
    for (const order of orders) {
      // wx-server-sdk sends the keys in snake_case (templateId → template_id).
      expect(sent).toContainEqual(expect.objectContaining({ data: {
        touser: envVariables.ADMIN_OPENID,
        template_id: envVariables.ORDER_TEMPLATE_ID,
        data: { thing1: { value: `New order: ${order._id}` }, amount3: { value: String(order.amount) }, time4: { value: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/) } },
      } }))
    }
    // The console's view of the same outbox.
    const listed = await adminCall(emulator, 'openapi.getOutbox', { api: 'subscribeMessage.send' })
    expect((listed.data as { entries: unknown[] }).entries).toEqual(sent)
    // No run reported a failed notification.
    expect((await logsOf('onOrderCreate')).map((run) => run.Log).join('\n')).not.toContain('failed')
  }, 30_000)

  it('an order that is not new does not run it', async () => {
    const before = (await logsOf('onOrderCreate')).length
    await signedIn(emulator, 'o-buyer').collection('orders').add({ data: { status: 'draft', amount: 1, items: [{ productId: 'p-book', quantity: 1 }] } })
    // A new order after it runs the trigger: once that run is logged, the draft's would have been too.
    const { _id } = await signedIn(emulator, 'o-buyer').collection('orders').add({ data: { status: 'new', amount: 1, items: [] } })
    const runs = await eventually(() => logsOf('onOrderCreate'), (logs) => logs.length > before)
    expect(runs.slice(before).map((run) => JSON.parse(run.RetMsg))).toEqual([{ success: true, processed: _id }])
  }, 30_000)
})

describe('getProducts (module-level cache)', () => {
  it('the second call of a warm instance is served from the cache, whoever calls', async () => {
    const books = seedOf('products').filter((product) => product.category === 'books')
    const first = await ours('getProducts', { category: 'books' })
    expect(first.source).toBe('database')
    expect(first.data.map((product: { _id: string }) => product._id).sort()).toEqual(books.map((product) => product._id).sort())
    expect(await ours('getProducts', { category: 'books' })).toEqual({ source: 'cache', data: first.data })
    expect(await official.call('getProducts', { category: 'books' })).toEqual({ source: 'cache', data: first.data })
    // Another key misses.
    expect((await official.call('getProducts', { category: 'toys' })).source).toBe('database')
    const runs = await logsOf('getProducts')
    // One instance served the four: a cold start, then warm calls.
    expect(runs.map((run) => [run.cold, run.instance])).toEqual([true, false, false, false].map((cold) => [cold, runs[0]!.instance]))
  }, 30_000)
})

describe('queryOrders (the guide’s index example)', () => {
  it('answers the indexed query: one user’s orders of a status, newest first', async () => {
    // What CloudBase's console does; wx-server-sdk cannot create an index.
    const index = await adminCall(emulator, 'database.createIndex', { collectionName: 'orders', keys: { userId: 1, status: 1, createTime: -1 }, name: 'userId_status_createTime' })
    expect(index.data).toEqual({ name: 'userId_status_createTime' })
    const at = (day: number) => new Date(Date.UTC(2020, 0, day))
    await db.collection('orders').add({ data: [
      { userId: 'u-q', status: 'paid', createTime: at(1), ref: 'a' },
      { userId: 'u-q', status: 'paid', createTime: at(3), ref: 'b' },
      { userId: 'u-q', status: 'open', createTime: at(2), ref: 'c' },
      { userId: 'u-other', status: 'paid', createTime: at(4), ref: 'd' },
    ] })
    const result = await official.call('queryOrders', { userId: 'u-q', status: 'paid' })
    expect(result.success).toBe(true)
    expect(result.data.map((order: { ref: string }) => order.ref)).toEqual(['b', 'a'])
    expect(await ours('queryOrders', { userId: 'u-q' })).toEqual({ success: false, error: 'userId and status are required' })
  }, 30_000)
})
