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

export default function TodosPage() {
  const [items, setItems] = useState<Item[]>([])
  const [openCount, setOpenCount] = useState(0)
  const [owners, setOwners] = useState<OwnerRow[]>([])
  const [title, setTitle] = useState('')
  const [error, setError] = useState('')

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

  return (
    <View className='page'>
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
        </View>
      ))}
      {!items.length && <View className='empty'>Nothing open.</View>}
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
