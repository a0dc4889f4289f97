/**
 * The guide's user functions (examples/cloudfunctions) in the emulator, each called through mpcloud (a user
 * signed in with a ticket) and through the official js-sdk in both its modes (an anonymous user each): getUserInfo sees its caller,
 * updateUserProfile and the batch functions change only the caller's documents, login returns the caller's
 * identity, customLogin checks the seed's password, a function calling getUserInfo carries its caller
 * (SOURCE wx_client,scf), and the logging example's cloud.logger() records are in functions.getLogs.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import type { InvocationRecord } from '../../emulator/pipeline/events'
import { adminCall } from '../helpers/admin'
import { JS_SDK_MODES, type JsSdkMode } from '../helpers/js-sdk-adapter'
import { adminDatabase, jsSdkCaller, mpcloudCaller, seedOf, startGuideProject, type Call } from './guide-project'

let emulator: RunningEmulator
let db: any
let ours: { call: Call; openid: string }

beforeAll(async () => {
  emulator = await startGuideProject()
  db = adminDatabase(emulator)
  ours = { call: mpcloudCaller(emulator, 'o-ada-phone'), openid: 'o-ada-phone' }
}, 30_000)
afterAll(async () => {
  await emulator.stop()
})

/** The function logs of `name`, as the console reads them. */
async function logsOf(name: string): Promise<InvocationRecord[]> {
  const answer = await adminCall(emulator, 'functions.getLogs', { function_name: name })
  return (answer.data as { logs: InvocationRecord[] }).logs
}

/**
 * The caller through `via`: mpcloud signed in with a ticket, or the js-sdk in a mode, signed in anonymously
 * when its block starts. The js-sdk keeps one user per env in a process (the last sign-in is who calls, as in
 * one browser page), so each mode's user is made right before its tests.
 */
const callerThrough = async (via: string) => (via === 'mpcloud' ? ours : await jsSdkCaller(emulator, via.replace('js-sdk ', '') as JsSdkMode).then(({ call, uid }) => ({ call, openid: uid })))

describe.each(['mpcloud', ...JS_SDK_MODES.map((mode) => `js-sdk ${mode}`)])('through %s', (via) => {
  let current: { call: Call; openid: string } | undefined
  beforeAll(async () => {
    current = await callerThrough(via)
  })
  const caller = () => current!

  it('getUserInfo creates the caller’s user once, then finds it', async () => {
    const { call, openid } = caller()
    const first = await call('getUserInfo', { nickname: `n-${via}` })
    expect(first).toMatchObject({ success: true, isNew: true, data: { _openid: openid, nickname: `n-${via}`, points: 0 } })
    // The server's date, read back: a date, not the serverDate placeholder.
    expect(Date.parse(first.data.createdAt.$date ?? first.data.createdAt)).toBeGreaterThan(Date.now() - 60_000)
    const again = await call('getUserInfo')
    expect(again).toEqual({ success: true, data: first.data })
  }, 30_000)

  it('updateUserProfile sets the allowed fields of the caller’s own user only', async () => {
    const { call, openid } = caller()
    expect(await call('updateUserProfile', { nickname: `renamed-${via}`, gender: 1, points: 1_000_000 })).toEqual({ success: true, updated: 1 })
    const { data } = await db.collection('users').where({ _openid: openid }).get()
    expect(data).toEqual([expect.objectContaining({ nickname: `renamed-${via}`, gender: 1, points: 0 })])
    expect(await call('updateUserProfile', { points: 5 })).toEqual({ success: false, error: 'nothing to update: pass one of nickname, avatar, gender' })
  }, 30_000)

  it('login returns the caller’s openid and the appid', async () => {
    const { call, openid } = caller()
    expect(await call('login')).toEqual({ openid, appid: expect.stringMatching(/^wx/) })
  }, 30_000)

  it('batchAdd, batchUpdate and batchDelete change what they say, and only the caller’s documents', async () => {
    const { call, openid } = caller()
    const added = await call('batchAdd', { collection: 'users', data: [{ name: 'Alice', city: 'Beijing' }, { name: 'Bob', city: 'Shanghai' }, { name: 'Cy', city: 'Shanghai' }] })
    expect(added).toEqual({ success: true, ids: [expect.any(String), expect.any(String), expect.any(String)] })
    // Someone else's user in Shanghai, which the caller's batch must not reach.
    await db.collection('users').add({ data: { name: 'Other', city: 'Shanghai', _openid: `someone-else-${via}` } })
    expect(await call('batchUpdate', { collection: 'users', where: { city: 'Shanghai' }, data: { country: 'China' } })).toEqual({ success: true, updated: 2 })
    const china = await db.collection('users').where({ country: 'China', _openid: openid }).get()
    expect(china.data.map((user: { name: string }) => user.name).sort()).toEqual(['Bob', 'Cy'])
    expect(await call('batchDelete', { collection: 'users', where: { city: 'Shanghai' } })).toEqual({ success: true, removed: 2 })
    const left = await db.collection('users').where({ city: db.command.in(['Beijing', 'Shanghai']) }).get()
    expect(left.data.map((user: { name: string }) => user.name).sort()).toEqual(['Alice', 'Other'])
    await db.collection('users').where({ city: db.command.in(['Beijing', 'Shanghai']) }).remove()
    // A collection outside the list is refused: the function runs past every rule.
    expect(await call('batchAdd', { collection: 'sessions', data: [{ token: 'x' }] })).toEqual({ success: false, error: 'collection must be one of users' })
  }, 30_000)

  it('callGetUserInfo: getUserInfo runs for the same caller, with SOURCE wx_client,scf', async () => {
    const { call, openid } = caller()
    const direct = await call('getUserInfo')
    expect(await call('callGetUserInfo')).toEqual(direct)
    expect(direct.data._openid).toBe(openid)
    const callee = (await logsOf('getUserInfo')).at(-1)!
    expect(callee).toMatchObject({ RetCode: 0, source: 'wx_client,scf' })
    expect(JSON.parse(callee.RetMsg)).toEqual(direct)
  }, 30_000)
})

describe('customLogin', () => {
  const [ada] = seedOf('users')
  it('the seed user’s password gives a token of 7 days, kept in sessions; a wrong one is refused', async () => {
    // The fixture's hash is SHA-256 of the password and the salt.
    expect(createHash('sha256').update('open-sesame' + ada!.salt).digest('hex')).toBe(ada!.password)
    const call = ours.call
    const result = await call('customLogin', { username: 'ada', password: 'open-sesame' })
    expect(result).toMatchObject({ success: true, token: expect.stringMatching(/^[0-9a-f]{64}$/), user: { _id: ada!._id, username: 'ada', nickname: ada!.nickname, role: ada!.role } })
    expect(Date.parse(result.expiresAt) - Date.now()).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000)
    const { data } = await db.collection('sessions').where({ token: result.token }).get()
    expect(data).toEqual([expect.objectContaining({ userId: ada!._id, openid: ours.openid })])
    const official = (await jsSdkCaller(emulator)).call
    for (const wrong of [{ username: 'ada', password: 'open-sesame!' }, { username: 'nobody', password: 'open-sesame' }]) {
      expect(await official('customLogin', wrong)).toEqual({ success: false, error: 'Invalid username or password' })
    }
  }, 30_000)
})

describe('logging', () => {
  it('each cloud.logger() record is in the run’s Log of functions.getLogs, fields as strings', async () => {
    const books = seedOf('products').filter((product) => product.category === 'books').length
    expect(await ours.call('logging', { category: 'books' })).toEqual({ success: true, total: books })
    const run = (await logsOf('logging')).at(-1)!
    expect(run.RetCode).toBe(0)
    expect(run.Log.split('\n').map((line) => JSON.parse(line))).toEqual([
      { message: 'Function started', openid: ours.openid, category: 'books' },
      { message: 'Function completed', total: String(books) },
    ])
  }, 30_000)
})
