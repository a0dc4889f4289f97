import { useCallback, useEffect, useState } from 'react'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Button, Input, Text, View } from '@tarojs/components'
import cloud, { type Database, type Stored } from 'mpcloud/taro'
import type { Todo } from '../../todo'

type Item = Stored<Todo>

/** One line of the per-owner summary (the aggregate). */
interface OwnerRow {
  owner: string
  open: number
  total: number
}

const todos = () => cloud.database().collection('todos')

/** The open todos, highest priority first: what the page lists, watches and re-reads. */
const openTodos = () => todos().where({ done: false }).orderBy('priority', 'desc').limit(20)

/** Alipay's cloud has no realtime watch (mpcloud refuses it there natively): that build polls instead. */
const canWatch = Taro.getEnv() !== Taro.ENV_TYPE.ALIPAY

const messageOf = (error: unknown) => (error as { errMsg?: string }).errMsg || String(error)

/**
 * The chosen image's extension: from its path on a mini program (`wxfile://tmp_….png`), from its MIME type on
 * H5, where the path is a `blob:` URL without one.
 */
function extensionOf(file: { path: string; type?: string }): string {
  const fromPath = /\.(\w+)$/.exec(file.path)
  if (fromPath) return fromPath[1].toLowerCase()
  const fromType = file.type && /^image\/(\w+)/.exec(file.type)
  return fromType ? fromType[1].replace('jpeg', 'jpg') : 'jpg'
}

export default function TodosPage() {
  const [items, setItems] = useState<Item[]>([])
  const [openCount, setOpenCount] = useState(0)
  const [owners, setOwners] = useState<OwnerRow[]>([])
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')
  const [openid, setOpenid] = useState('')
  const [attachment, setAttachment] = useState('')

  const loadList = useCallback(async () => {
    const { data } = await openTodos().get()
    setItems(data)
  }, [])

  /** How many todos are open, and the todos of each owner (an aggregation grouped by owner). */
  const loadStats = useCallback(async () => {
    const $ = cloud.database().command.aggregate
    const [{ total }, { list }] = await Promise.all([
      todos().where({ done: false }).count(),
      // group only, sorted here: Alipay's aggregate() has no sort() stage.
      todos()
        .aggregate()
        .group({ _id: '$owner.name', open: $.sum($.cond({ if: '$done', then: 0, else: 1 })), total: $.sum(1) })
        .end(),
    ])
    setOpenCount(total)
    setOwners(list.map((g) => ({ owner: g._id, open: g.open, total: g.total })).sort((a, b) => b.open - a.open))
  }, [])

  const refresh = useCallback(() => Promise.all([loadList(), loadStats()]).then(() => setError(''), (e: unknown) => setError(messageOf(e))), [loadList, loadStats])

  useEffect(() => {
    if (!canWatch) {
      // Alipay: read now, then every 15 s while the page is open (and on pull-down, below).
      refresh()
      const timer = setInterval(refresh, 15000)
      return () => clearInterval(timer)
    }
    // weapp and H5: a watch keeps the list current; the first snapshot is the whole result, then one per change.
    loadStats().catch((e: unknown) => setError(messageOf(e)))
    const listener = openTodos().watch({
      onChange: (snapshot) => {
        setItems([...snapshot.docs])
        if (snapshot.type !== 'init') loadStats().catch((e: unknown) => setError(messageOf(e)))
      },
      // Called once, after which the watch is closed: show why, and read the list once instead.
      onError: (e) => {
        setError(e.errMsg)
        loadList().catch(() => undefined)
      },
    })
    // Taro unmounts the page component when the page unloads: the watch goes with it.
    return () => {
      listener.close()
    }
  }, [refresh, loadList, loadStats])

  // Who the cloud says is calling: the login function's getWXContext().OPENID.
  useEffect(() => {
    cloud
      .callFunction({ name: 'login' })
      .then(({ result }) => setOpenid((result as { openid: string }).openid))
      .catch((e: unknown) => setError(messageOf(e)))
  }, [])

  usePullDownRefresh(() => {
    refresh().then(() => Taro.stopPullDownRefresh())
  })

  const addTodo = async () => {
    const text = title.trim()
    if (!text) return
    try {
      await todos().add({ data: { title: text, done: false, priority: 2, tags: [], owner: { name: 'me', level: 1 }, createdAt: new Date() } })
      setTitle('')
      if (!canWatch) await refresh() // a watch shows the new todo by itself
    } catch (e) {
      setError(messageOf(e))
    }
  }

  /** Marks a todo done: a plain value, and `_.inc` on a dot path (Alipay documents no update commands, so not there). */
  const markDone = async (id: Item['_id']) => {
    const _ = cloud.database().command
    try {
      await todos().doc(id).update({ data: canWatch ? { done: true, 'owner.level': _.inc(1) } : { done: true } })
      if (!canWatch) await refresh()
    } catch (e) {
      setError(messageOf(e))
    }
  }

  /** Deletes a todo: the rules let only its creator do so (mpcloud.json), so another's fails with a message. */
  const remove = async (id: Item['_id']) => {
    try {
      await todos().doc(id).remove()
      if (!canWatch) await refresh()
    } catch (e) {
      setError(messageOf(e))
    }
  }

  /** Uploads one chosen image to cloud storage, under a name of its own (a timestamp and a random part). */
  const attach = async () => {
    try {
      const { tempFiles } = await Taro.chooseImage({ count: 1 })
      const file = tempFiles[0]
      // Taro's H5 chooseImage drops a file the browser cannot decode as an image, and answers with none.
      if (!file) throw new Error('the chosen file is not an image')
      const cloudPath = `attachments/${Date.now()}-${Math.random().toString(36).slice(2, 8)}.${extensionOf(file)}`
      const { fileID } = await cloud.uploadFile({ cloudPath, filePath: file.path })
      setAttachment(fileID)
    } catch (e) {
      // Closing the picker is not an error to show.
      if (!/cancel/.test(messageOf(e))) setError(messageOf(e))
    }
  }

  return (
    <View className='page'>
      {openid && <View className='whoami'>signed in as {openid}</View>}
      <View className='summary'>{openCount} open</View>
      <View className='add'>
        <Input className='add-input' placeholder='New todo' value={title} onInput={(e) => setTitle(e.detail.value)} onConfirm={addTodo} />
        <Button size='mini' type='primary' onClick={addTodo}>
          Add
        </Button>
      </View>
      {error && <View className='error'>{error}</View>}
      {items.map((todo) => (
        <View className='todo' key={String(todo._id)}>
          <View className='todo-main'>
            <Text className='todo-title'>{todo.title}</Text>
            <Text className='todo-meta'>
              P{todo.priority} · {todo.owner.name}
              {todo.tags.length ? ` · ${todo.tags.join(', ')}` : ''}
            </Text>
          </View>
          <Button size='mini' onClick={() => markDone(todo._id)}>
            Done
          </Button>
          <Button size='mini' type='warn' onClick={() => remove(todo._id)}>
            Delete
          </Button>
        </View>
      ))}
      {!items.length && <View className='empty'>Nothing open.</View>}
      <View className='attach'>
        <Button size='mini' onClick={attach}>
          Attach
        </Button>
        {attachment && <Text className='attachment'>{attachment}</Text>}
      </View>
      <View className='section'>By owner</View>
      {owners.map((row) => (
        <View className='owner' key={row.owner}>
          <Text>{row.owner}</Text>
          <Text>
            {row.open} open / {row.total}
          </Text>
        </View>
      ))}
    </View>
  )
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
