/**
 * mpcloud/testing against a real emulator: contexts sign in as who they say (openid, uid, loginType, nobody,
 * the administrator), seeding bypasses the rules and keeps `_openid`, clearing empties the database and the
 * bucket, and a cleaned-up environment says so when it is used.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertFails, assertSucceeds, createTestEnvironment, type TestEnvironment } from '../../testing/index'

/** Who the rules saw: each rule below admits exactly one identity. */
const RULES = {
  database: {
    // Readable by exactly the identity each test names, so an allowed read proves who the caller was.
    wechat: { read: "auth.loginType == 'WECHAT' && auth.openid == 'o-wx' && auth.uid == 'u-42'", write: false },
    guests: { read: 'auth == null', write: false },
    owned: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' },
  },
  storage: { read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' },
} as const

let env: TestEnvironment

beforeAll(async () => {
  env = await createTestEnvironment({ collections: ['wechat', 'guests', 'owned'], rules: RULES })
})
afterAll(() => env.cleanup())

describe('contexts', () => {
  it('authenticatedContext signs in with the given openid, uid and loginType', async () => {
    const wx = env.authenticatedContext('o-wx', { loginType: 'WECHAT', uid: 'u-42' }).database()
    await assertSucceeds(wx.collection('wechat').get())
    // The same openid with another login type, or another uid, is someone else to the rule.
    await assertFails(env.authenticatedContext('o-wx', { uid: 'u-42' }).database().collection('wechat').get())
    await assertFails(env.authenticatedContext('o-wx', { loginType: 'WECHAT' }).database().collection('wechat').get())
  })

  it('unauthenticatedContext is auth == null; a signed-in user is not', async () => {
    await assertSucceeds(env.unauthenticatedContext().database().collection('guests').get())
    await assertFails(env.authenticatedContext('o-someone').database().collection('guests').get())
  })

  it("withRulesDisabled seeds past the rules, keeping the given _openid; the owner then reads it and others don't", async () => {
    const { _id } = await env.withRulesDisabled((admin) => admin.database().collection('owned').add({ data: { _openid: 'o-alice', text: 'hers' } }))
    const alice = env.authenticatedContext('o-alice').database()
    const { data } = await assertSucceeds(alice.collection('owned').doc(String(_id)).get())
    expect(data).toEqual({ _id, _openid: 'o-alice', text: 'hers' })
    await assertFails(env.authenticatedContext('o-bob').database().collection('owned').doc(String(_id)).get())
    // A client's own _openid is the server's to set: the same add by bob is stamped with his.
    const added = await env.authenticatedContext('o-bob').database().collection('owned').add({ data: { _openid: 'o-alice', text: 'forged' } })
    const forged = await env.authenticatedContext('o-bob').database().collection('owned').doc(String(added._id)).get()
    expect(forged.data).toMatchObject({ _openid: 'o-bob' })
  })

  it('the seeding context is closed once its callback settles', async () => {
    let kept: Parameters<Parameters<TestEnvironment['withRulesDisabled']>[0]>[0] | undefined
    await env.withRulesDisabled((admin) => {
      kept = admin
    })
    expect(() => kept!.database()).toThrow(/withRulesDisabled\(\) is closed/)
    expect(() => kept!.cloud.database()).toThrow(/closed/)
  })
})

describe('clearing', () => {
  it('clearDatabase removes every document and keeps the collections; clearStorage every file', async () => {
    await env.withRulesDisabled(async (admin) => {
      await admin.database().collection('owned').add({ data: [{ _openid: 'o-c', n: 1 }, { _openid: 'o-c', n: 2 }] })
    })
    const carol = env.authenticatedContext('o-c')
    const local = join(mkdtempSync(join(tmpdir(), 'mpcloud-testing-')), 'one.txt')
    writeFileSync(local, 'one')
    const { fileID } = await carol.cloud.uploadFile({ cloudPath: 'c/one.txt', filePath: local })
    expect((await carol.database().collection('owned').where({ _openid: '{openid}' }).count()).total).toBe(2)
    expect((await carol.cloud.getTempFileURL({ fileList: [fileID] })).fileList[0]).toMatchObject({ status: 0 })

    await env.clearDatabase()
    await env.clearStorage()
    expect((await carol.database().collection('owned').where({ _openid: '{openid}' }).count()).total).toBe(0)
    // The collection is still there: a new add works.
    await carol.database().collection('owned').add({ data: { n: 3 } })
    const [item] = (await carol.cloud.getTempFileURL({ fileList: [fileID] })).fileList
    expect(item!.status).not.toBe(0)
  })
})

describe('cleanup', () => {
  it('stops the emulator it started; using the environment afterwards fails, saying so', async () => {
    const own = await createTestEnvironment({ collections: ['x'] })
    const url = own.emulator.url
    await own.cleanup()
    await expect(fetch(`${url}/web`, { method: 'POST', body: '{}' })).rejects.toThrow()
    expect(() => own.authenticatedContext('o-late')).toThrow(/cleaned up.*missing an await/)
  })

  it('leaves a given emulator running and puts its own rules in force on it', async () => {
    const shared = await createTestEnvironment({ emulator: env.emulator, rules: { ...RULES, database: { ...RULES.database, guests: { read: false, write: false } } } })
    await assertFails(shared.unauthenticatedContext().database().collection('guests').get())
    await shared.cleanup()
    await assertSucceeds(env.authenticatedContext('o-wx', { loginType: 'WECHAT', uid: 'u-42' }).database().collection('wechat').get())
    env.setRules(RULES)
    await assertSucceeds(env.unauthenticatedContext().database().collection('guests').get())
  })
})
