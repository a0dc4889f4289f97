/**
 * mpcloud/wx as `wx.cloud` code uses it: callbacks and Promises, `new cloud.Cloud({ resourceEnv })`, the
 * first `init()` winning, wx's error shapes, a session that survives a restart (host storage), and a
 * clear error where there is no `wx`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createWx } from '../fakes/wx'

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
})
afterAll(async () => {
  delete (globalThis as Record<string, unknown>).wx
  await emulator.stop()
})

describe('mpcloud/wx, drop-in', () => {
  it('without wx it says where it runs', async () => {
    vi.resetModules()
    const { cloud } = await import('../../adapters/wx/index')
    expect(() => cloud.init({ env: 'e' })).toThrow(/mpcloud\/wx runs where the wx global exists/)
  })

  it('callbacks or Promises, wx results and errors, first init wins, Cloud instances, sessions kept in storage', async () => {
    vi.resetModules()
    const { wx, control } = createWx()
    Object.assign(globalThis, { wx })
    const { cloud } = await import('../../adapters/wx/index')
    cloud.init({ env: emulator.env, endpoint: emulator.url })
    cloud.init({ env: 'ignored', endpoint: 'http://127.0.0.1:1' })
    const db = cloud.database()
    const added = await db.collection('todos').add({ data: { title: 'a' } })
    expect(added).toEqual({ _id: expect.any(String), errMsg: 'collection.add:ok' })

    const viaCallback = await new Promise((resolve) => db.collection('todos').doc(added._id).get({ success: resolve }))
    expect(viaCallback).toMatchObject({ data: { _id: added._id, title: 'a' }, errMsg: 'document.get:ok' })
    const failed = await new Promise<{ errCode: number; errMsg: string }>((resolve) => db.collection('missing').get({ fail: resolve }))
    expect(failed.errCode).toBe(-502005)
    expect(failed.errMsg).toMatch(/^collection.get:fail -502005 database collection not exists/)

    const other = new cloud.Cloud({ resourceEnv: emulator.env })
    await other.init()
    expect((await other.database().collection('todos').doc(added._id).get()).data).toMatchObject({ title: 'a' })
    // An instance has wx.cloud's other calls too (this emulator serves no functions: a clear failure).
    await expect(other.callFunction({ name: 'sum' })).rejects.toMatchObject({ errMsg: expect.stringMatching(/^cloud.callFunction:fail .*functions/i) })
    expect(() => new cloud.Cloud({} as never)).toThrow(/needs the environment id as resourceEnv/)

    // The anonymous session is in wx storage: a restarted app (a fresh module) is the same user.
    const owner = (await db.collection('todos').doc(added._id).get()).data._openid
    vi.resetModules()
    const restarted = (await import('../../adapters/wx/index')).cloud
    restarted.init({ env: emulator.env, endpoint: emulator.url })
    const again = await restarted.database().collection('todos').add({ data: { title: 'b' } })
    expect((await restarted.database().collection('todos').doc(again._id).get()).data._openid).toBe(owner)
    control.dispose()
  })
})
