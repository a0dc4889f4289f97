/**
 * The seed's writes on todos, with what they must leave behind computed from the fixture: the same
 * cases run over mpcloud's HTTP transport (test/integration) and over the native transport
 * (test/native), on a collection seeded with `todos`.
 */
import { expect } from 'vitest'
import { todos } from '../fixtures/todos'
import type { Database } from './sdk'

/** A database seeded with the fixture, and the openid its writes are stamped with. */
export interface WriteWorld {
  db: Database
  openid: string
}

/** One write case: its name, and a run that asserts what it leaves behind. */
export interface Write {
  name: string
  run(world: WriteWorld): Promise<void>
}

export function todoWrites(): Write[] {
  return [
    {
      name: 'nested update with operators',
      async run({ db, openid }) {
        const _ = db.command
        const result = await db.collection('todos').doc('t2').update({
          data: { done: true, owner: { level: _.inc(2) }, tags: _.push(['shipped']), priority: _.remove() },
        })
        expect(result).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
        const t2 = todos[1]!
        expect((await db.collection('todos').doc('t2').get()).data).toEqual({
          _id: 't2',
          _openid: openid,
          title: t2.title,
          done: true,
          owner: { name: t2.owner.name, level: t2.owner.level + 2 },
          tags: [...t2.tags, 'shipped'],
          createdAt: t2.createdAt,
        })
      },
    },
    {
      name: 'set replaces (and creates), remove deletes',
      async run({ db, openid }) {
        expect(await db.collection('todos').doc('t1').set({ data: { title: 'replaced' } })).toEqual({
          _id: 't1',
          stats: { updated: 1, created: 0 },
          errMsg: 'document.set:ok',
        })
        // set() replaces the fields, the owner stays (as in CloudBase: _openid is the system's, not the caller's).
        expect((await db.collection('todos').doc('t1').get()).data).toEqual({ _id: 't1', _openid: openid, title: 'replaced' })
        expect(await db.collection('todos').doc('fresh').set({ data: { title: 'made' } })).toMatchObject({ stats: { updated: 0, created: 1 } })
        expect(await db.collection('todos').doc('fresh').remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' })
        expect((await db.collection('todos').count()).total).toBe(todos.length)
      },
    },
    {
      name: 'batch update and batch remove',
      async run({ db }) {
        const _ = db.command
        const open = todos.filter((x) => !x.done)
        expect(await db.collection('todos').where({ done: false }).update({ data: { priority: _.mul(10) } })).toEqual({
          stats: { updated: open.length },
          errMsg: 'collection.update:ok',
        })
        const { data } = await db.collection('todos').where({ done: false }).orderBy('_id', 'asc').get()
        expect(data.map((d) => d.priority)).toEqual(open.map((x) => x.priority * 10))
        expect((await db.collection('todos').where({ done: true }).remove()).stats.removed).toBe(todos.length - open.length)
        expect((await db.collection('todos').count()).total).toBe(open.length)
      },
    },
  ]
}
