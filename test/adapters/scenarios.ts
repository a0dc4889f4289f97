/**
 * The scenario suite every host runs in every mode (issue 5): the seed's database code, aggregation and
 * watch, written once against the `wx.cloud` surface a host entry exports. Expected values come from the
 * fixture with plain JavaScript, never from the backend. A host that cannot do something (Alipay has no
 * watch and four aggregation stages) must say so with a clear CloudError: `lacks` lists those.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { HostCloud } from '../../adapters/shared/host-cloud'
import { todos, type Todo } from '../fixtures/todos'
import type { Database, Snapshot } from '../helpers/sdk'

/** The cloud functions the scenario emulators serve (`sum`). */
export const FUNCTIONS = new URL('../fixtures/functions', import.meta.url).pathname

/** What a host test provides: a fresh database on a backend seeded with nothing, and a teardown. */
export interface ScenarioTarget {
  /** The host entry's cloud, initialized. */
  cloud: HostCloud
  database(): Promise<Database>
  stop(): Promise<void>
  /** Capabilities this host/mode lacks, each expected to fail with a clear CloudError. */
  lacks?: ('watch' | 'aggregate.sort' | 'add.batch' | 'files')[]
}

const ids = (docs: { _id: string | number }[]) => docs.map((d) => d._id)
const byId = (keep: (x: Todo) => boolean) => ids(todos.filter(keep).sort((a, b) => a._id.localeCompare(b._id)))

export function scenarios(name: string, setup: () => Promise<ScenarioTarget>): void {
  describe(name, () => {
    let target: ScenarioTarget
    let db: Database
    const lacks = (what: NonNullable<ScenarioTarget['lacks']>[number]) => !!(target.lacks && target.lacks.indexOf(what) >= 0)

    beforeAll(async () => {
      target = await setup()
      db = await target.database()
      if (lacks('add.batch')) {
        await expect(db.collection('todos').add({ data: todos })).rejects.toMatchObject({ errMsg: expect.stringMatching(/collection.add:fail .*one document per add\(\)/) })
        for (const todo of todos) expect((await db.collection('todos').add({ data: todo }))._id).toBe(todo._id)
      } else {
        const { _ids } = await db.collection('todos').add({ data: todos })
        expect(_ids).toEqual(ids(todos))
      }
    }, 30_000)
    afterAll(() => target && target.stop())

    it('reads: where with commands, nested fields, dates, regexps, orderBy, limit, field, count, doc().get()', async () => {
      const _ = db.command
      const open = await db.collection('todos').where({ done: false, priority: _.gte(2) }).orderBy('priority', 'desc').orderBy('createdAt', 'asc').limit(2).get()
      const expected = todos.filter((x) => !x.done && x.priority >= 2).sort((a, b) => b.priority - a.priority || +a.createdAt - +b.createdAt)
      expect(ids(open.data)).toEqual(ids(expected.slice(0, 2)))
      expect(open.data[0]!.createdAt).toEqual(expected[0]!.createdAt)
      expect(open.errMsg).toBe('collection.get:ok')

      const q = (query: object) => db.collection('todos').where(query).orderBy('_id', 'asc').get().then((r) => ids(r.data))
      expect(await q({ owner: { name: 'ann' } })).toEqual(byId((x) => x.owner.name === 'ann'))
      expect(await q({ 'owner.level': _.in([1, 3]).and(_.neq(3)) })).toEqual(byId((x) => x.owner.level === 1))
      expect(await q(_.or([{ priority: 1 }, { title: /^write/i }]))).toEqual(byId((x) => x.priority === 1 || /^write/i.test(x.title)))
      expect(await q({ createdAt: _.gt(todos[2]!.createdAt) })).toEqual(byId((x) => x.createdAt > todos[2]!.createdAt))

      expect((await db.collection('todos').where({ done: true }).count()).total).toBe(todos.filter((x) => x.done).length)
      const one = await db.collection('todos').doc('t3').field({ title: true }).get()
      expect(one.data).toEqual({ _id: 't3', title: todos[2]!.title })
    })

    it('writes: doc update with commands, batch update, remove, and their wx result shapes', async () => {
      const _ = db.command
      const updated = await db.collection('todos').doc('t6').update({ data: { priority: _.inc(2), tags: _.push(['alipay']), 'owner.level': 4 } })
      expect(updated).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
      expect((await db.collection('todos').doc('t6').get()).data).toMatchObject({ priority: 3, tags: ['alipay'], owner: { name: 'cid', level: 4 } })

      const batch = await db.collection('todos').where({ done: false, priority: _.lt(3) }).update({ data: { done: true } })
      expect(batch.stats.updated).toBe(todos.filter((x) => !x.done && (x._id === 't6' ? 3 : x.priority) < 3).length)

      const { _id } = await db.collection('todos').add({ data: { title: 'temporary', done: false, priority: 0, tags: [], owner: { name: 'zed', level: 0 }, createdAt: new Date(0) } })
      expect(await db.collection('todos').doc(_id).remove()).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' })
      await expect(db.collection('todos').doc(_id).get()).rejects.toMatchObject({ errMsg: expect.stringMatching(/^document\.get:fail/) })
    })

    it('aggregate: match, group, sort', async () => {
      const $ = db.command.aggregate
      const pipeline = db.collection('todos').aggregate().match({ priority: db.command.gte(1) }).group({ _id: '$owner.name', n: $.sum(1) })
      if (lacks('aggregate.sort')) {
        await expect(pipeline.sort({ _id: 1 }).end()).rejects.toMatchObject({ errMsg: expect.stringMatching(/sort/) })
        const { list } = await pipeline.end()
        expect(list.map((g: { _id: string; n: number }) => [g._id, g.n]).sort()).toEqual([['ann', 2], ['bob', 2], ['cid', 2]])
        return
      }
      const { list, errMsg } = await pipeline.sort({ _id: 1 }).end()
      expect(errMsg).toBe('collection.aggregate:ok')
      expect(list).toEqual([{ _id: 'ann', n: 2 }, { _id: 'bob', n: 2 }, { _id: 'cid', n: 2 }])
    })

    it('functions and files: callFunction, uploadFile, getTempFileURL, downloadFile, deleteFile', async () => {
      const { cloud } = target
      const called = await cloud.callFunction({ name: 'sum', data: { a: 1, b: 2 } })
      expect(called).toMatchObject({ result: { sum: 3 }, errMsg: 'cloud.callFunction:ok' })
      await expect(cloud.callFunction({ name: 'missing' })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^cloud.callFunction:fail .*missing/) })

      const content = `written by ${name}`
      const filePath = join(tmpdir(), `mpcloud-scenario-${process.pid}-${name.replace(/\W+/g, '-')}.txt`)
      writeFileSync(filePath, content)
      const cloudPath = `scenario/${name.replace(/\W+/g, '-')}.txt`
      if (lacks('files')) {
        await expect(cloud.uploadFile({ cloudPath, filePath })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^cloud.uploadFile:fail .*cannot upload/) })
        return
      }
      const { fileID, errMsg } = await cloud.uploadFile({ cloudPath, filePath })
      expect(errMsg).toBe('cloud.uploadFile:ok')
      expect(fileID).toMatch(new RegExp(`^cloud://.*/${cloudPath}$`))
      const [url] = (await cloud.getTempFileURL({ fileList: [fileID] })).fileList
      expect(url).toMatchObject({ fileID, status: 0 })
      expect(await (await fetch(url!.tempFileURL)).text()).toBe(content)
      const { tempFilePath } = await cloud.downloadFile({ fileID })
      expect(readFileSync(tempFilePath, 'utf8')).toBe(content)
      expect((await cloud.deleteFile({ fileList: [fileID] })).fileList).toEqual([expect.objectContaining({ fileID, status: 0 })])
      expect((await cloud.getTempFileURL({ fileList: [fileID] })).fileList[0]!.status).not.toBe(0)
    })

    it('watch: the first snapshot, then a change made by the same app', async () => {
      const query = db.collection('todos').where({ owner: { name: 'bob' } })
      if (lacks('watch')) {
        expect(() => query.watch({ onChange() {}, onError() {} })).toThrow(/watch/)
        return
      }
      const snapshots: Snapshot<Todo>[] = []
      const errors: unknown[] = []
      const listener = query.watch({ onChange: (s) => snapshots.push(s as never), onError: (e) => errors.push(e) })
      await vi.waitFor(() => expect(snapshots.length).toBe(1), { timeout: 5000 })
      expect(snapshots[0]!.type).toBe('init')
      expect(ids(snapshots[0]!.docs).sort()).toEqual(byId((x) => x.owner.name === 'bob'))
      await db.collection('todos').doc('t2').update({ data: { title: 'Shipped' } })
      await vi.waitFor(() => expect(snapshots.length).toBe(2), { timeout: 5000 })
      expect(snapshots[1]!.docChanges.map((c) => [c.dataType, c.docId])).toEqual([['update', 't2']])
      expect(snapshots[1]!.docs.find((d) => d._id === 't2')!.title).toBe('Shipped')
      expect(errors).toEqual([])
      await listener.close()
    })
  })
}
