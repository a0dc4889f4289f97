/**
 * The store's change feed: every commit says who wrote (the principal) and why (the source), a listener
 * that throws is reported and never turns a committed write into a failure, and listeners can leave.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as op from '../../emulator/database/operations'
import { ADMIN, userPrincipal, type Principal } from '../../emulator/pipeline/principal'
import { IMPORT_ORIGIN, Store, type Commit } from '../../emulator/store/store'
import { Transactions } from '../../emulator/store/transactions'
import { storeWorkspace, transactionWorkspace } from '../../emulator/store/workspace'

const alice = userPrincipal('o-alice', 'CUSTOM')

function feed(store: Store): Commit[] {
  const commits: Commit[] = []
  store.onCommit((commit) => commits.push(commit))
  return commits
}

describe('commits carry their origin', () => {
  it('a user’s write is the client’s, an administrator’s the admin’s, a seed an import; each with its principal', () => {
    const store = new Store(':memory:')
    store.createCollection('c')
    const commits = feed(store)
    op.insert(storeWorkspace(store, alice), 'c', [{ _id: 'a' }])
    op.update(storeWorkspace(store, ADMIN), 'c', { _id: 'a' }, { $set: { n: 1 } }, { multi: false, merge: true, upsert: false })
    store.write([{ collection: 'c', id: 'b', doc: { _id: 'b' } }], IMPORT_ORIGIN)
    op.remove(storeWorkspace(store, { kind: 'system', reason: 'trigger' }), 'c', { _id: 'b' }, false)
    expect(commits.map(({ principal, source }) => ({ principal, source }))).toEqual([
      { principal: alice, source: 'client' },
      { principal: ADMIN, source: 'admin' },
      { principal: { kind: 'system', reason: 'import' }, source: 'import' },
      { principal: { kind: 'system', reason: 'trigger' }, source: 'trigger' },
    ])
    expect(commits.map((commit) => commit.sequence)).toEqual([1, 2, 3, 4])
    expect(commits[0]!.changes).toEqual([{ collection: 'c', id: 'a', before: undefined, after: { _id: 'a', _openid: 'o-alice' } }])
  })

  it('a transaction’s writes commit as one change under the principal that commits it', () => {
    const store = new Store(':memory:')
    store.createCollection('c')
    const transactions = new Transactions(store)
    const commits = feed(store)
    const id = transactions.start()
    const ws = transactionWorkspace(store, transactions, id, alice)
    op.insert(ws, 'c', [{ _id: 'x' }])
    op.insert(ws, 'c', [{ _id: 'y' }])
    expect(commits).toEqual([])
    transactions.commit(id, { principal: alice, source: 'client' })
    expect(commits).toHaveLength(1)
    expect(commits[0]).toMatchObject({ principal: alice, source: 'client' })
    expect(commits[0]!.changes.map((change) => change.id)).toEqual(['x', 'y'])
  })
})

describe('listeners are isolated', () => {
  it('one that throws is reported; the write stands, is durable, and the other listeners still hear it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-feed-'))
    try {
      const reports: string[] = []
      const file = join(dir, 'e.sqlite')
      const store = new Store(file, (message) => reports.push(message))
      store.createCollection('c')
      store.onCommit(() => {
        throw new Error('a trigger that fails')
      })
      const after = feed(store)
      const principal: Principal = alice
      expect(() => op.insert(storeWorkspace(store, principal), 'c', [{ _id: 'kept' }])).not.toThrow()
      expect(after).toHaveLength(1)
      expect(reports).toEqual([expect.stringMatching(/a commit listener threw: Error: a trigger that fails/)])
      expect(store.documents('c')!.get('kept')).toMatchObject({ _id: 'kept' })
      store.close()
      const reopened = new Store(file)
      expect(reopened.documents('c')!.get('kept')).toEqual({ _id: 'kept', _openid: 'o-alice' })
      reopened.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a listener that unsubscribed hears nothing more', () => {
    const store = new Store(':memory:')
    store.createCollection('c')
    const heard: number[] = []
    const unsubscribe = store.onCommit((commit) => heard.push(commit.sequence))
    store.write([{ collection: 'c', id: 'a', doc: { _id: 'a' } }], IMPORT_ORIGIN)
    unsubscribe()
    store.write([{ collection: 'c', id: 'b', doc: { _id: 'b' } }], IMPORT_ORIGIN)
    expect(heard).toEqual([1])
  })
})
