import cloud, { type Database, type Stored } from 'mpcloud/my'
import type { Todo } from '../../todo'

/** A todo as the page shows it: plain JSON for setData, a string id. */
interface Row {
  id: string
  title: string
  priority: number
  owner: string
  tags: string
}

/** One line of the per-owner summary (the aggregate). */
interface OwnerRow {
  owner: string
  open: number
  top: number
}

/** How often the open page re-reads the list. */
const POLL_MS = 15000

const todos = () => cloud.database().collection('todos')

const rowOf = (todo: Stored<Todo>): Row => ({
  id: String(todo._id),
  title: todo.title,
  priority: todo.priority,
  owner: todo.owner.name,
  tags: todo.tags.join(', '),
})

/** The page's polling timer, started while the page is shown. */
let timer: number | undefined

Page({
  data: {
    todos: [] as Row[],
    openCount: 0,
    owners: [] as OwnerRow[],
    newTitle: '',
    error: '',
  },

  // Alipay's cloud database has no realtime watch() (mpcloud/my refuses it natively, with an error that says
  // so), so this page does what an Alipay app does instead: it re-reads while it is on screen, and the user
  // can pull to refresh. (Over an endpoint, e.g. the emulator, watch() does work on Alipay too: see the
  // wx-native example for a page that watches.)
  onShow() {
    this.refresh()
    timer = setInterval(() => this.refresh(), POLL_MS)
  },

  onHide() {
    clearInterval(timer)
    timer = undefined
  },

  onUnload() {
    clearInterval(timer)
    timer = undefined
  },

  async onPullDownRefresh() {
    await this.refresh()
    my.stopPullDownRefresh()
  },

  /** The open todos (highest priority first), how many are open, and the open todos of each owner. */
  async refresh() {
    const $ = cloud.database().command.aggregate
    try {
      const [{ data }, { total }, { list }] = await Promise.all([
        todos().where({ done: false }).orderBy('priority', 'desc').limit(20).get(),
        todos().where({ done: false }).count(),
        // Alipay's aggregate() runs 4 stages (match, group, sample, lookup): no sort(), so the groups are
        // sorted here. mpcloud/my fails with a clear error on any other stage.
        todos()
          .aggregate()
          .match({ done: false })
          .group({ _id: '$owner.name', open: $.sum(1), top: $.max('$priority') })
          .end(),
      ])
      const owners = list.map((g) => ({ owner: g._id, open: g.open, top: g.top })).sort((a, b) => b.open - a.open)
      this.setData({ todos: data.map(rowOf), openCount: total, owners, error: '' })
    } catch (error) {
      this.showError(error)
    }
  },

  onTitleInput(event: { detail: { value: string } }) {
    this.setData({ newTitle: event.detail.value })
  },

  async addTodo() {
    const title = this.data.newTitle.trim()
    if (!title) return
    try {
      // A client-side date: Alipay's client database documents no serverDate().
      await todos().add({ data: { title, done: false, priority: 2, tags: [], owner: { name: 'me', level: 1 }, createdAt: new Date() } })
      this.setData({ newTitle: '' })
      await this.refresh()
    } catch (error) {
      this.showError(error)
    }
  },

  /**
   * Marks a todo done with a plain value: Alipay's client documents no update commands, so `_.inc()` and
   * friends work only where the host has them (wx, or any host over an endpoint).
   */
  async markDone(event: { target: { dataset: { id: string } } }) {
    try {
      await todos().doc(event.target.dataset.id).update({ data: { done: true } })
      await this.refresh()
    } catch (error) {
      this.showError(error)
    }
  },

  /** Every mpcloud failure is a CloudError with wx's `errCode` and an `errMsg` that says what to fix. */
  showError(error: unknown) {
    this.setData({ error: (error as { errMsg?: string }).errMsg || String(error) })
  },
})

/**
 * Never called: proves the collection is typed. `priority` is a number, so tsc refuses a string here, and
 * `@ts-expect-error` fails the type check (`npm run typecheck:examples`) the day it stops refusing it.
 */
function misuse(db: Database) {
  // @ts-expect-error priority is a number, not 'high'
  return db.collection('todos').where({ priority: 'high' })
}
void misuse
