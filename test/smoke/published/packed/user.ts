// What a user writes against the installed package: every entry by its published name, default and named
// exports, and a collection typed once for all of them. Copied into each user project of packed-types.test.ts.
import wx, { CloudError, type Stored } from 'mpcloud/wx'
import my from 'mpcloud/my'
import taro from 'mpcloud/taro'
import uni from 'mpcloud/uni'
import node from 'mpcloud/node'
import { createCloud, isCloudError, type Cloud } from 'mpcloud'
import { startEmulator, type RunningEmulator } from 'mpcloud/emulator'
import { assertFails, assertSucceeds, createTestEnvironment } from 'mpcloud/testing'

declare module 'mpcloud' {
  interface CollectionTypes {
    todos: { title: string; priority: number }
  }
}

export function firstTitles(): Promise<string | undefined>[] {
  const clouds: Cloud[] = [wx, my, taro, uni, node]
  return clouds.map((cloud) => {
    cloud.init({ env: 'e' })
    const db = cloud.database()
    // @ts-expect-error priority is a number
    db.collection('todos').where({ priority: 'high' })
    return db.collection('todos').where({ priority: db.command.gt(1) }).get()
      .then((result) => result.data.map((todo: Stored<{ title: string }>) => todo.title)[0])
  })
}

export const custom: Cloud = createCloud({ transport: { send: () => Promise.resolve({}) } })

export function failed(error: unknown): number | undefined {
  return isCloudError(error) || error instanceof CloudError ? error.errCode : undefined
}

export const emulator: Promise<RunningEmulator> = startEmulator({ port: 0, env: 'e', collections: ['todos'] })

export async function rulesTest(): Promise<void> {
  const env = await createTestEnvironment({ collections: ['todos'], rules: { database: { todos: 'PRIVATE' } } })
  const alice = env.authenticatedContext('o-alice', { loginType: 'WECHAT' })
  await assertSucceeds(alice.database().collection('todos').get())
  await assertFails(env.unauthenticatedContext().database().collection('todos').get())
  await env.withRulesDisabled((admin) => admin.database().collection('todos').add({ data: { _openid: 'o-alice', title: 'seeded', priority: 1 } }))
  await env.cleanup()
}
