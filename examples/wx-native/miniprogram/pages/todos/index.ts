import cloud, { type Database, type RealtimeListener, type Stored } from 'mpcloud/wx'
import type { Todo } from '../../todo'

/** A todo as the page shows it: setData takes plain JSON, so no Date and a string id. */
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
  total: number
}

const todos = () => cloud.database().collection('todos')

/** The open todos, highest priority first: what the page lists, watches and re-reads. */
const openTodos = () => todos().where({ done: false }).orderBy('priority', 'desc').limit(20)

const rowOf = (todo: Stored<Todo>): Row => ({
  id: String(todo._id),
  title: todo.title,
  priority: todo.priority,
  owner: todo.owner.name,
  tags: todo.tags.join(', '),
})

Page({
  data: {
    todos: [] as Row[],
    openCount: 0,
    owners: [] as OwnerRow[],
    newTitle: '',
    error: '',
  },

  /** The page's watch: it would outlive the page, so onUnload closes it. */
  listener: null as RealtimeListener | null,

  onLoad() {
    this.watchOpenTodos()
    this.refreshStats()
  },

  onUnload() {
    if (this.listener) this.listener.close()
    this.listener = null
  },

  /** Lists the open todos and keeps the list current: the first snapshot is the whole result, then one per change. */
  watchOpenTodos() {
    this.listener = openTodos().watch({
      onChange: (snapshot) => {
        this.setData({ todos: snapshot.docs.map(rowOf) })
        if (snapshot.type !== 'init') this.refreshStats()
      },
      // Called once, after which the watch is closed: show why and read the list once instead.
      onError: (error) => {
        this.listener = null
        this.setData({ error: error.errMsg })
        this.loadOpenTodos()
      },
    })
  },

  /** The same query read once. */
  async loadOpenTodos() {
    try {
      const { data } = await openTodos().get()
      this.setData({ todos: data.map(rowOf) })
    } catch (error) {
      this.showError(error)
    }
  },

  /** How many todos are open, and the todos of each owner (an aggregation grouped by owner). */
  async refreshStats() {
    const $ = cloud.database().command.aggregate
    try {
      const [{ total }, { list }] = await Promise.all([
        todos().where({ done: false }).count(),
        todos()
          .aggregate()
          .group({ _id: '$owner.name', open: $.sum($.cond({ if: '$done', then: 0, else: 1 })), total: $.sum(1) })
          .sort({ open: -1 })
          .end(),
      ])
      this.setData({ openCount: total, owners: list.map((g) => ({ owner: g._id, open: g.open, total: g.total })) })
    } catch (error) {
      this.showError(error)
    }
  },

  onTitleInput(event: WechatMiniprogram.Input) {
    this.setData({ newTitle: event.detail.value })
  },

  async addTodo() {
    const title = this.data.newTitle.trim()
    if (!title) return
    const db = cloud.database()
    try {
      // `_openid` is filled in by the cloud; the watch then shows the new todo.
      await todos().add({ data: { title, done: false, priority: 2, tags: [], owner: { name: 'me', level: 1 }, createdAt: db.serverDate() } })
      this.setData({ newTitle: '' })
    } catch (error) {
      this.showError(error)
    }
  },

  /** Marks a todo done and levels its owner up: a plain value and a command (`_.inc`) on a dot path. */
  async markDone(event: WechatMiniprogram.TouchEvent<{}, {}, { id: string }>) {
    const _ = cloud.database().command
    try {
      await todos().doc(event.currentTarget.dataset.id).update({ data: { done: true, 'owner.level': _.inc(1) } })
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
