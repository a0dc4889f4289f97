/**
 * The todos page's logic, as a plain TypeScript module: index.vue wraps `initialState()` in `reactive()` and
 * wires these functions to uni's page hooks, so everything that touches mpcloud is type-checked by tsc alone.
 */
import cloud, { type Database, type RealtimeListener, type Stored } from 'mpcloud/uni'
import type { Todo } from '../../todo'

export type Item = Stored<Todo>

/** One line of the per-owner summary (the aggregate). */
export interface OwnerRow {
  owner: string
  open: number
  total: number
}

/** What the page shows. */
export interface TodosState {
  todos: Item[]
  openCount: number
  owners: OwnerRow[]
  title: string
  error: string
  /** The caller's openid, from the `login` cloud function. */
  openid: string
  /** The fileID of the last file attached (`cloud.uploadFile`). */
  attachment: string
}

export function initialState(): TodosState {
  return { todos: [], openCount: 0, owners: [], title: '', error: '', openid: '', attachment: '' }
}

/** What the `login` cloud function (cloudfunctions/login) returns: the caller as the cloud knows them. */
export interface LoginResult {
  openid: string
  appid?: string
  unionid?: string
}

const todos = () => cloud.database().collection('todos')

/** The open todos, highest priority first: what the page lists, watches and re-reads. */
const openTodos = () => todos().where({ done: false }).orderBy('priority', 'desc').limit(20)

const messageOf = (error: unknown) => (error as { errMsg?: string }).errMsg || String(error)

/** One image from the album or the camera: its local path, and its file name where the platform has one (H5's File). */
function chooseImage(): Promise<{ path: string; name?: string }> {
  return new Promise((resolve, reject) => {
    uni.chooseImage({
      count: 1,
      success: (result) => {
        const paths = ([] as string[]).concat(result.tempFilePaths)
        const files = ([] as unknown[]).concat(result.tempFiles) as { name?: string }[]
        resolve({ path: paths[0], name: files[0] && files[0].name })
      },
      fail: reject,
    })
  })
}

/** The extension for the cloud path: from H5's file name (its path is a blob: URL, which has none), else the path's; jpg when neither says. */
function extensionOf(file: { path: string; name?: string }): string {
  const match = /\.([a-zA-Z0-9]+)$/.exec(file.name || file.path)
  return match ? match[1].toLowerCase() : 'jpg'
}

/** The page's behaviour over `state` (a `reactive()` object in index.vue, so the view follows every change). */
export function todosPage(state: TodosState) {
  let listener: RealtimeListener | undefined
  let timer: ReturnType<typeof setInterval> | undefined

  /** A write that failed: said on the page (where it stays until the next success) and in a toast. */
  function fail(error: unknown): void {
    state.error = messageOf(error)
    uni.showToast({ title: state.error, icon: 'none' })
  }

  async function loadList(): Promise<void> {
    const { data } = await openTodos().get()
    state.todos = data
  }

  /** How many todos are open, and the todos of each owner (an aggregation grouped by owner). */
  async function loadStats(): Promise<void> {
    const $ = cloud.database().command.aggregate
    const [{ total }, { list }] = await Promise.all([
      todos().where({ done: false }).count(),
      // group only, sorted here: on mp-alipay, Alipay's aggregate() has no sort() stage.
      todos()
        .aggregate()
        .group({ _id: '$owner.name', open: $.sum($.cond({ if: '$done', then: 0, else: 1 })), total: $.sum(1) })
        .end(),
    ])
    state.openCount = total
    state.owners = list.map((g) => ({ owner: g._id, open: g.open, total: g.total })).sort((a, b) => b.open - a.open)
  }

  async function refresh(): Promise<void> {
    try {
      await Promise.all([loadList(), loadStats()])
      state.error = ''
    } catch (error) {
      state.error = messageOf(error)
    }
  }

  return {
    /** onLoad: start following the list. */
    load(): void {
      // Who the cloud says we are: on mp-weixin WeChat's openid, on the emulator the one it gave this client.
      cloud
        .callFunction<LoginResult>({ name: 'login' })
        .then(({ result }) => (state.openid = result.openid))
        .catch((error: unknown) => (state.error = messageOf(error)))

      // #ifndef MP-ALIPAY
      // WeChat's cloud (mp-weixin), and the endpoint H5 and App use, have realtime watch: the first snapshot
      // is the whole result, then one per change.
      loadStats().catch((error: unknown) => (state.error = messageOf(error)))
      listener = openTodos().watch({
        onChange: (snapshot) => {
          state.todos = [...snapshot.docs]
          if (snapshot.type !== 'init') loadStats().catch((error: unknown) => (state.error = messageOf(error)))
        },
        // Called once, after which the watch is closed: show why, and read the list once instead.
        onError: (error) => {
          listener = undefined
          state.error = error.errMsg
          loadList().catch(() => undefined)
        },
      })
      // #endif

      // #ifdef MP-ALIPAY
      // Alipay's cloud has no realtime watch (mpcloud refuses it there natively): re-read every 15 s while
      // the page is open, and on pull-down (onPullDownRefresh).
      refresh()
      timer = setInterval(refresh, 15000)
      // #endif
    },

    /** onUnload: a watch (or a timer) would outlive the page. */
    unload(): void {
      if (listener) listener.close()
      listener = undefined
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
    },

    async pullDownRefresh(): Promise<void> {
      await refresh()
      uni.stopPullDownRefresh()
    },

    async addTodo(): Promise<void> {
      const title = state.title.trim()
      if (!title) return
      try {
        await todos().add({ data: { title, done: false, priority: 2, tags: [], owner: { name: 'me', level: 1 }, createdAt: new Date() } })
        state.title = ''
        state.error = ''
        if (!listener) await refresh() // a watch shows the new todo by itself
      } catch (error) {
        fail(error)
      }
    },

    /** Marks a todo done: a plain value, and `_.inc` on a dot path (Alipay documents no update commands, so not there). */
    async markDone(id: Item['_id']): Promise<void> {
      const _ = cloud.database().command
      let levelUp = true
      // #ifdef MP-ALIPAY
      levelUp = false
      // #endif
      try {
        await todos().doc(id).update({ data: levelUp ? { done: true, 'owner.level': _.inc(1) } : { done: true } })
        state.error = ''
        if (!listener) await refresh()
      } catch (error) {
        fail(error)
      }
    },

    /** Deletes a todo (the rules let only its creator do it). */
    async removeTodo(id: Item['_id']): Promise<void> {
      try {
        await todos().doc(id).remove()
        state.error = ''
        if (!listener) await refresh()
      } catch (error) {
        fail(error)
      }
    },

    /** Uploads an image to cloud storage, under a name of its own so that two uploads never collide. */
    async attach(): Promise<void> {
      try {
        const file = await chooseImage()
        const unique = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
        const { fileID } = await cloud.uploadFile({ cloudPath: `attachments/${unique}.${extensionOf(file)}`, filePath: file.path })
        state.attachment = fileID
        state.error = ''
      } catch (error) {
        // Closing the picker is not an error.
        if (!/cancel/.test(messageOf(error))) fail(error)
      }
    },
  }
}

/**
 * Never called: proves the collection is typed. `priority` is a number, so tsc refuses a string here, and
 * `@ts-expect-error` fails the type check (`npm run typecheck:examples`) the day it stops refusing it.
 */
function misuse(db: Database) {
  // @ts-expect-error priority is a number, not 'high'
  return db.collection('todos').where({ priority: 'high' })
}
void misuse
