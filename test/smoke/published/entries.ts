// What a user compiles against the published typings of every entry (dist/*.d.ts), by the package name.
import wx, { type Snapshot } from 'mpcloud/wx'
import my from 'mpcloud/my'
import taro from 'mpcloud/taro'
import uni from 'mpcloud/uni'
import node from 'mpcloud/node'
import { createCloud } from 'mpcloud'
declare module 'mpcloud' { interface CollectionTypes { todos: { title: string; priority: number } } }
for (const cloud of [wx, my, taro, uni, node]) {
  cloud.init({ env: 'e' })
  const db = cloud.database()
  db.collection('todos').where({ priority: db.command.gt(1) }).watch({ onChange: (s: Snapshot<unknown>) => s.docs, onError: (e) => e.errMsg })
  cloud.callFunction({ name: 'f' }).then((r) => r.result)
  // @ts-expect-error priority is a number
  db.collection('todos').where({ priority: 'high' })
}
createCloud({ transport: { send: () => Promise.resolve({}) } })
