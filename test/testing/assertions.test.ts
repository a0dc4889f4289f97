/**
 * assertFails / assertSucceeds on what real requests answer: our SDK's rejections, js-sdk's resolved
 * `{ code }` and its JSON-in-message errors, batch file results refused item by item, and the failures that
 * are not refusals (which must not pass as one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertFails, assertSucceeds, createTestEnvironment, type TestEnvironment } from '../../testing/index'
import { emulatorAdapterWithFiles, loadJsSdk } from '../helpers/js-sdk-adapter'

const OWNER = 'doc._openid == auth.openid'
let env: TestEnvironment
let dir: string
let official: any

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-assertions-'))
  env = await createTestEnvironment({ collections: ['notes'], rules: { database: { notes: { read: OWNER, write: OWNER } }, storage: { read: 'resource.openid == auth.openid', write: 'resource.openid == auth.openid' } } })
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapterWithFiles(env.emulator.url))
  official = cloudbase.init({ env: env.emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  await official.auth({ persistence: 'none' }).signInWithCustomTicket(() => Promise.resolve(env.emulator.createTicket('o-js')))
})
afterAll(async () => {
  await env.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const file = (name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

describe('assertFails', () => {
  it("takes our SDK's rejection and gives it back", async () => {
    const error = await assertFails(env.authenticatedContext('o-a').database().collection('notes').get())
    expect(error).toMatchObject({ errCode: -502003, code: 'DATABASE_PERMISSION_DENIED' })
  })

  it("takes js-sdk's resolved { code } and its OPERATION_FAIL errors", async () => {
    expect(await assertFails(official.database().collection('notes').get())).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })
    const mine = await env.authenticatedContext('o-a').cloud.uploadFile({ cloudPath: 'a.txt', filePath: file('a.txt', 'a') })
    expect(String(((await assertFails(official.uploadFile({ cloudPath: 'a.txt', filePath: file('b.txt', 'b') }))) as Error).message)).toMatch(/STORAGE_EXCEED_AUTHORITY/)
    // A batch whose every item was refused is a refusal.
    expect(await assertFails(official.getTempFileURL({ fileList: [mine.fileID] }))).toMatchObject({ fileList: [{ code: 'STORAGE_EXCEED_AUTHORITY' }] })
  })

  it('takes a function as well as a promise', async () => {
    await assertFails(() => env.authenticatedContext('o-a').database().collection('notes').count())
  })

  it('rejects, saying so, when the request succeeded, failed otherwise, or was refused only in part', async () => {
    const alice = env.authenticatedContext('o-a')
    await expect(assertFails(alice.database().collection('notes').where({ _openid: '{openid}' }).get())).rejects.toThrow(/expected a permission denial, but the request succeeded/)
    await expect(assertFails(alice.database().collection('missing').where({ _openid: '{openid}' }).get())).rejects.toThrow(/failed otherwise: .*DATABASE_COLLECTION_NOT_EXIST|failed otherwise: .*not exist/)
    await expect(assertFails(official.database().collection('missing').get())).rejects.toThrow(/answered DATABASE_COLLECTION_NOT_EXIST/)
    const hers = await alice.cloud.uploadFile({ cloudPath: 'hers.txt', filePath: file('hers.txt', 'h') })
    const his = await official.uploadFile({ cloudPath: 'his.txt', filePath: file('his.txt', 'x') })
    await expect(assertFails(official.getTempFileURL({ fileList: [hers.fileID, his.fileID] }))).rejects.toThrow(/only 1 of 2 items were refused/)
  })
})

describe('assertSucceeds', () => {
  it('gives back the result of a success', async () => {
    const { data } = await assertSucceeds(env.authenticatedContext('o-a').database().collection('notes').where({ _openid: '{openid}' }).get())
    expect(data).toEqual([])
  })

  it("rejects a refusal in every shape, js-sdk's resolved one included", async () => {
    await expect(assertSucceeds(env.authenticatedContext('o-a').database().collection('notes').get())).rejects.toThrow(/expected the request to succeed, but it failed: .*permission denied/)
    await expect(assertSucceeds(official.database().collection('notes').get())).rejects.toThrow(/answered DATABASE_PERMISSION_DENIED/)
    const hers = await env.authenticatedContext('o-a').cloud.uploadFile({ cloudPath: 'kept.txt', filePath: file('kept.txt', 'k') })
    await expect(assertSucceeds(official.getTempFileURL({ fileList: [hers.fileID] }))).rejects.toThrow(/1 of its items were refused/)
  })
})
