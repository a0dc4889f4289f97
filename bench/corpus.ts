/**
 * The build-and-serialize corpus: the same queries and updates written for mpcloud and for the official
 * serializer, so both do the same work in one run.
 */
type AnyDb = { command: any; serverDate(o?: unknown): unknown; collection(name: string): any }

/** One case: build a request with `db` and send it (the transport answers at once). */
export interface Case {
  name: string
  ours(db: AnyDb): Promise<unknown>
  official(db: AnyDb): Promise<unknown>
}

const same = (name: string, build: (db: AnyDb) => Promise<unknown>): Case => ({ name, ours: build, official: build })

export const corpus: Case[] = [
  same('where().get()', (db) => db.collection('todos').where({ done: false }).get()),
  same('commands + order + page', (db) => {
    const _ = db.command
    return db
      .collection('todos')
      .where({ age: _.gt(18).and(_.lt(65)), tag: _.in(['a', 'b', 'c']), owner: _.neq('bob'), meta: { level: _.gte(2), kind: 'x' } })
      .orderBy('priority', 'desc')
      .orderBy('createdAt', 'asc')
      .skip(20)
      .limit(10)
      .field({ title: true, secret: false })
      .get()
  }),
  same('or / nor / regexp / date', (db) => {
    const _ = db.command
    return db
      .collection('todos')
      .where(_.or([{ status: 'open', title: /^abc/i }, { priority: _.gte(2), createdAt: _.lt(new Date(1700000000000)) }, _.nor([{ a: 1 }, { b: _.exists(false) }])]))
      .get()
  }),
  same('count', (db) => db.collection('todos').where({ done: true, score: db.command.elemMatch({ v: db.command.gt(80) }) }).count()),
  {
    name: 'doc().update() with operators',
    ours: (db) => {
      const _ = db.command
      return db.collection('todos').doc('doc-1').update({ data: { title: 'new', stats: { views: _.inc(1), likes: _.mul(2) }, tags: _.push(['x', 'y']), old: _.remove(), deep: { a: { b: 5 } } } })
    },
    official: (db) => {
      const _ = db.command
      return db.collection('todos').doc('doc-1').update({ title: 'new', stats: { views: _.inc(1), likes: _.mul(2) }, tags: _.push(['x', 'y']), old: _.remove(), deep: { a: { b: 5 } } })
    },
  },
  {
    name: 'add() of a nested document',
    ours: (db) => db.collection('todos').add({ data: { title: 'hello', when: new Date(1700000000000), created: db.serverDate(), nested: { a: { b: [1, { c: 2 }] } }, tags: ['a', 'b'] } }),
    official: (db) => db.collection('todos').add({ title: 'hello', when: new Date(1700000000000), created: db.serverDate(), nested: { a: { b: [1, { c: 2 }] } }, tags: ['a', 'b'] }),
  },
  {
    name: 'where().update()',
    ours: (db) => db.collection('todos').where({ done: false }).update({ data: { done: true, n: db.command.inc(1) } }),
    official: (db) => db.collection('todos').where({ done: false }).update({ done: true, n: db.command.inc(1) }),
  },
]
