/** `watch()`: snapshots typed by the collection, required listeners, and what a listener gets back. */
import { expectTypeOf, test } from 'vitest'
import type { CloudError, DocChange, RealtimeListener, Snapshot, Stored } from '../../src/index'
import { db, type Todo } from './schema'

test('snapshots carry the collection’s stored documents', () => {
  const listener = db
    .collection<Todo>('todos')
    .where({ done: false })
    .orderBy('priority', 'desc')
    .limit(10)
    .watch({
      onChange(snapshot) {
        expectTypeOf(snapshot).toEqualTypeOf<Snapshot<Stored<Todo>>>()
        expectTypeOf(snapshot.docs[0]!.title).toEqualTypeOf<string>()
        expectTypeOf(snapshot.docChanges[0]!).toEqualTypeOf<DocChange<Stored<Todo>>>()
        expectTypeOf(snapshot.type).toEqualTypeOf<'init' | undefined>()
      },
      onError(error) {
        expectTypeOf(error).toEqualTypeOf<CloudError>()
      },
    })
  expectTypeOf(listener).toEqualTypeOf<RealtimeListener>()
  expectTypeOf(listener.close()).toEqualTypeOf<Promise<void>>()
  db.collection<Todo>('todos').doc('t1').watch({ onChange: (s) => expectTypeOf(s.docs).toEqualTypeOf<Stored<Todo>[]>(), onError() {} })
})

test('both listeners are required; docs are read-only', () => {
  // @ts-expect-error onError is required, as on wx
  db.collection('todos').watch({ onChange() {} })
  db.collection<Todo>('todos').watch({
    onChange(snapshot) {
      // @ts-expect-error the snapshot's docs array is not reassigned
      snapshot.docs = []
    },
    onError() {},
  })
})
