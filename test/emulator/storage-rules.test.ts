/**
 * Storage security rules, enforced (`startEmulator({ rules: { storage } })`): one rule for the bucket,
 * `read` deciding temporary URLs and `write` uploads, overwrites and deletes, over `auth` and `resource`
 * (the uploader's openid, the path). Refusals are STORAGE_EXCEED_AUTHORITY, per item for the batch
 * actions; the administrator bypasses; the owners survive a restart; without a storage rule, WeChat's
 * default (everyone reads, the uploader writes); with rules `'open'` nothing is checked.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller as signIn, type WebCall } from '../helpers/web'

const DENIED = 'STORAGE_EXCEED_AUTHORITY'

interface Metadata {
  url: string
  token: string
  authorization: string
  fileId: string
  cosFileId: string
}
interface Item {
  code: string
  message: string
  download_url: string
}

/** A `/web` caller with no sign-in (served as a guest where the emulator allows it). */
const guestOf =
  (target: RunningEmulator): WebCall =>
  async (action, params = {}) => {
    const answer = await fetch(`${target.url}/web`, { method: 'POST', body: JSON.stringify({ action, env: target.env, ...params }) })
    return (await answer.json()) as Record<string, unknown>
  }

const adminOf =
  (target: RunningEmulator): WebCall =>
  (action, params = {}) =>
    adminCall(target, action, params)

/** Step 1 and 2 of an upload (PUT, as js-sdk and node-sdk do): the metadata, then the bytes. */
async function upload(caller: WebCall, path: string, body: string): Promise<Metadata> {
  const answer = await caller('storage.getUploadMetadata', { path, method: 'put' })
  expect(answer.code).toBeUndefined()
  const meta = answer.data as Metadata
  const response = await fetch(meta.url, {
    method: 'PUT',
    headers: { authorization: meta.authorization, 'x-cos-security-token': meta.token, 'x-cos-meta-fileid': meta.cosFileId },
    body,
  })
  expect(response.status).toBe(200)
  return meta
}

/** The same through js-sdk's POST form (J31). */
async function uploadForm(caller: WebCall, path: string, body: string): Promise<Metadata> {
  const meta = (await caller('storage.getUploadMetadata', { path, method: 'post' })).data as Metadata
  const form = new FormData()
  const fields = { key: path, signature: meta.authorization, 'x-cos-meta-fileid': meta.cosFileId, success_action_status: '201', 'x-cos-security-token': meta.token }
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  form.append('file', new Blob([body]), 'upload.bin')
  expect((await fetch(meta.url, { method: 'POST', body: form })).status).toBe(201)
  return meta
}

async function urls(caller: WebCall, fileIds: string[]): Promise<Item[]> {
  const answer = await caller('storage.batchGetDownloadUrl', { file_list: fileIds.map((fileid) => ({ fileid })) })
  expect(answer.code).toBeUndefined()
  return (answer.data as { download_list: Item[] }).download_list
}

async function remove(caller: WebCall, fileIds: string[]): Promise<Item[]> {
  const answer = await caller('storage.batchDeleteFile', { fileid_list: fileIds })
  expect(answer.code).toBeUndefined()
  return (answer.data as { delete_list: Item[] }).delete_list
}

/** The bytes behind a temporary URL, as the SDKs fetch it. */
const bytes = async (url: string) => (await fetch(encodeURI(url))).text()

/** What `caller` reads of `fileId` through a fresh temporary URL (the test fails if it gets none). */
async function contentOf(caller: WebCall, fileId: string): Promise<string> {
  const [item] = await urls(caller, [fileId])
  expect(item!.code).toBe('SUCCESS')
  return bytes(item!.download_url)
}

/** An emulator with these options, and alice's and bob's callers. */
async function started(options: EmulatorOptions) {
  const emulator = await startEmulator({ port: 0, ...options })
  return { emulator, alice: await signIn(emulator, 'o-alice'), bob: await signIn(emulator, 'o-bob') }
}

describe('READONLY: everyone reads, the uploader writes', () => {
  let emulator: RunningEmulator
  let alice: WebCall
  let bob: WebCall
  beforeAll(async () => {
    ;({ emulator, alice, bob } = await started({ rules: { storage: 'READONLY' }, allowUnauthenticated: true }))
  })
  afterAll(() => emulator.stop())

  it('bob reads her file but cannot overwrite or delete it: STORAGE_EXCEED_AUTHORITY, the file intact', async () => {
    const meta = await upload(alice, 'photos/a.txt', 'alice wrote this')
    expect(await contentOf(bob, meta.fileId)).toBe('alice wrote this')

    const overwrite = await bob('storage.getUploadMetadata', { path: 'photos/a.txt', method: 'put' })
    expect(overwrite).toMatchObject({ code: DENIED })
    expect(overwrite.message).toContain('resource.openid == auth.openid')

    const [deleted] = await remove(bob, [meta.fileId])
    expect(deleted).toMatchObject({ code: DENIED, message: expect.stringContaining('`write`') })
    expect(await contentOf(alice, meta.fileId)).toBe('alice wrote this')

    // Each check is in the request's event: the refused delete names the file and the rule.
    const deleteEvent = emulator.events.recent().filter((event) => event.action === 'storage.batchDeleteFile').pop()!
    expect(deleteEvent.rules).toEqual([{ rule: 'storage.write', decision: 'deny', reason: expect.stringMatching(/^photos\/a\.txt: .*resource\.openid == auth\.openid/) }])

    // Her own file: she overwrites and deletes it.
    await upload(alice, 'photos/a.txt', 'alice again')
    expect(await contentOf(bob, meta.fileId)).toBe('alice again')
    expect(await remove(alice, [meta.fileId])).toMatchObject([{ code: 'SUCCESS' }])
  })

  it('a new file is the caller\'s: bob uploads his own; a batch is judged item by item', async () => {
    const his = await upload(bob, 'photos/bob.txt', 'his')
    const hers = await uploadForm(alice, 'photos/form.txt', 'hers, by form')
    const missing = his.fileId.replace('bob.txt', 'none.txt')
    expect(await remove(bob, [hers.fileId, his.fileId, missing])).toMatchObject([{ code: DENIED }, { code: 'SUCCESS' }, { code: 'STORAGE_FILE_NONEXIST' }])
    expect(await contentOf(bob, hers.fileId)).toBe('hers, by form')
  })

  it('a guest reads but owns nothing, so it writes nothing', async () => {
    const meta = await upload(alice, 'photos/for-guests.txt', 'public')
    const guest = guestOf(emulator)
    expect(await contentOf(guest, meta.fileId)).toBe('public')
    expect(await guest('storage.getUploadMetadata', { path: 'photos/guest.txt', method: 'put' })).toMatchObject({ code: DENIED })
    expect(await remove(guest, [meta.fileId])).toMatchObject([{ code: DENIED }])
  })

  it('the administrator bypasses the rule; what it uploads is nobody\'s, so no client writes it', async () => {
    const admin = adminOf(emulator)
    const hers = await upload(alice, 'photos/admin-removes.txt', 'hers')
    const overwrite = await admin('storage.getUploadMetadata', { path: 'photos/admin-removes.txt', method: 'put' })
    expect(overwrite.code).toBeUndefined()
    expect(await remove(admin, [hers.fileId])).toMatchObject([{ code: 'SUCCESS' }])

    const official = await upload(admin, 'photos/official.txt', 'from the server')
    expect(await contentOf(alice, official.fileId)).toBe('from the server')
    expect(await remove(alice, [official.fileId])).toMatchObject([{ code: DENIED }])
    expect(await alice('storage.getUploadMetadata', { path: 'photos/official.txt', method: 'put' })).toMatchObject({ code: DENIED })
  })
})

describe('PRIVATE: only the uploader reads and writes', () => {
  let emulator: RunningEmulator
  let alice: WebCall
  let bob: WebCall
  beforeAll(async () => {
    ;({ emulator, alice, bob } = await started({ rules: { storage: 'PRIVATE' } }))
  })
  afterAll(() => emulator.stop())

  it('bob gets no temporary URL of hers (per item), while she and the administrator do', async () => {
    const hers = await upload(alice, 'private/a.txt', 'secret')
    const his = await upload(bob, 'private/b.txt', 'his secret')
    const [denied, own] = await urls(bob, [hers.fileId, his.fileId])
    expect(denied).toMatchObject({ code: DENIED, download_url: '', message: expect.stringContaining('the storage rule\'s `read`') })
    expect(own!.code).toBe('SUCCESS')
    expect(await contentOf(alice, hers.fileId)).toBe('secret')
    expect(await contentOf(adminOf(emulator), hers.fileId)).toBe('secret')
  })

  it('the rule decides the API, not the signed URLs: a URL handed out earlier still downloads', async () => {
    const meta = await upload(alice, 'private/shared.txt', 'shared once')
    const [item] = await urls(alice, [meta.fileId])
    expect(await bytes(item!.download_url)).toBe('shared once')
    // Bob was given her URL: it works until it expires, as on CloudBase.
    expect(await urls(bob, [meta.fileId])).toMatchObject([{ code: DENIED }])
    expect(await bytes(item!.download_url)).toBe('shared once')
  })
})

describe('custom rules and defaults', () => {
  it("get() in a storage rule reads the database: a grant document lets carol read alice's file, not bob", async () => {
    const read = "resource.openid == auth.openid || get('database.grants.' + auth.openid).files == 'all'"
    const { emulator, alice, bob } = await started({ collections: ['grants'], rules: { storage: { read, write: 'resource.openid == auth.openid' } } })
    try {
      await adminCall(emulator, 'database.insertDocument', { collectionName: 'grants', data: [JSON.stringify({ _id: 'o-carol', files: 'all' }), JSON.stringify({ _id: 'o-bob', files: 'none' })] })
      const meta = await upload(alice, 'shared/a.txt', 'for the granted')
      expect(await contentOf(await signIn(emulator, 'o-carol'), meta.fileId)).toBe('for the granted')
      expect(await urls(bob, [meta.fileId])).toMatchObject([{ code: DENIED, message: expect.stringContaining("get('database.grants.' + auth.openid)") }])
    } finally {
      await emulator.stop()
    }
  })

  it('a rule on resource.path: each user writes only public/<openid>.txt', async () => {
    const { emulator, alice, bob } = await started({ rules: { storage: { read: true, write: "resource.path == 'public/' + auth.openid + '.txt'" } } })
    try {
      const meta = await upload(alice, 'public/o-alice.txt', 'mine')
      const refused = await alice('storage.getUploadMetadata', { path: 'public/o-bob.txt', method: 'put' })
      expect(refused).toMatchObject({ code: DENIED, message: expect.stringContaining('public/o-bob.txt') })
      expect(await remove(bob, [meta.fileId])).toMatchObject([{ code: DENIED }])
      expect(await contentOf(bob, meta.fileId)).toBe('mine')
      expect(await remove(alice, [meta.fileId])).toMatchObject([{ code: 'SUCCESS' }])
    } finally {
      await emulator.stop()
    }
  })

  it('ADMINWRITE: clients read what the administrator uploads, and write nothing', async () => {
    const { emulator, alice } = await started({ rules: { storage: 'ADMINWRITE' } })
    try {
      expect(await alice('storage.getUploadMetadata', { path: 'site/logo.txt', method: 'put' })).toMatchObject({ code: DENIED, message: expect.stringContaining('is false') })
      const meta = await upload(adminOf(emulator), 'site/logo.txt', 'logo')
      expect(await contentOf(alice, meta.fileId)).toBe('logo')
      expect(await remove(alice, [meta.fileId])).toMatchObject([{ code: DENIED }])
    } finally {
      await emulator.stop()
    }
  })

  for (const [name, options] of [
    ['no rules at all', {}],
    ['rules without a storage entry', { rules: { database: {} } }],
  ] as const) {
    it(`${name}: WeChat's default, everyone reads and only the uploader writes`, async () => {
      const { emulator, alice, bob } = await started(options)
      try {
        const meta = await upload(alice, 'default/a.txt', 'hers')
        expect(await contentOf(bob, meta.fileId)).toBe('hers')
        expect(await bob('storage.getUploadMetadata', { path: 'default/a.txt', method: 'put' })).toMatchObject({ code: DENIED })
        expect(await remove(bob, [meta.fileId])).toMatchObject([{ code: DENIED }])
        expect(await contentOf(adminOf(emulator), meta.fileId)).toBe('hers')
      } finally {
        await emulator.stop()
      }
    })
  }

  it('"ADMINONLY": no client access; the administrator still works', async () => {
    const { emulator, alice } = await started({ rules: { storage: 'ADMINONLY' } })
    try {
      expect(await alice('storage.getUploadMetadata', { path: 'any.txt', method: 'put' })).toMatchObject({ code: DENIED })
      const meta = await upload(adminOf(emulator), 'any.txt', 'admin only')
      expect(await urls(alice, [meta.fileId])).toMatchObject([{ code: DENIED }])
      expect(await contentOf(adminOf(emulator), meta.fileId)).toBe('admin only')
    } finally {
      await emulator.stop()
    }
  })

  it('an invalid storage rule fails the start, saying where', async () => {
    await expect(startEmulator({ port: 0, rules: { storage: { read: true, write: 'resource.openid ==' } } })).rejects.toThrow(/storage rule.*`write`.*line 1, column/)
    await expect(startEmulator({ port: 0, rules: { storage: { read: true, delete: false } as never } })).rejects.toThrow(/unknown key "delete"/)
    await expect(startEmulator({ port: 0, rules: { storage: 'PUBLIC' as never } })).rejects.toThrow(/unknown rule preset "PUBLIC"/)
  })

  it('with rules "open" nothing is checked: bob deletes alice\'s file', async () => {
    const { emulator, alice, bob } = await started({ rules: 'open' })
    try {
      const meta = await upload(alice, 'open/a.txt', 'anyone')
      await upload(bob, 'open/a.txt', 'overwritten by bob')
      expect(await contentOf(alice, meta.fileId)).toBe('overwritten by bob')
      expect(await remove(bob, [meta.fileId])).toMatchObject([{ code: 'SUCCESS' }])
    } finally {
      await emulator.stop()
    }
  })
})

describe('in a data dir', () => {
  it('the uploaders survive a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-storage-rules-'))
    const options: EmulatorOptions = { dataDir, rules: { storage: 'READONLY' } }
    try {
      let { emulator, alice } = await started(options)
      const meta = await upload(alice, 'kept/a.txt', 'hers')
      const form = await uploadForm(alice, 'kept/b.txt', 'hers too')
      await emulator.stop()

      let bob: WebCall
      ;({ emulator, alice, bob } = await started(options))
      try {
        expect(await remove(bob, [meta.fileId, form.fileId])).toMatchObject([{ code: DENIED }, { code: DENIED }])
        expect(await contentOf(bob, meta.fileId)).toBe('hers')
        expect(await remove(alice, [meta.fileId])).toMatchObject([{ code: 'SUCCESS' }])
      } finally {
        await emulator.stop()
      }

      // A deleted file's owner is forgotten: bob may now upload at its path as his own.
      ;({ emulator, bob } = await started(options))
      try {
        await upload(bob, 'kept/a.txt', 'his now')
      } finally {
        await emulator.stop()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
