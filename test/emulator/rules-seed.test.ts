/**
 * The security rules of the guide (cloud-development-guide.txt, "Security Rules"), each with requests it
 * allows and requests it denies. Where the guide's rule is not CloudBase's language, the emulator refuses
 * it, saying where and why, and the corrected rule is tested instead:
 * - `auth.openid != null` holds for a caller who is not signed in (`auth` is null, so `auth.openid` is
 *   missing, and missing is not null): refused; `auth != null` says what the guide means.
 * - `get('database.collection.roles').where({...}).size()` is not a `get()`: CloudBase's reads one document,
 *   `get('database.<collection>.<id>')`; the roles are kept by openid.
 * - `{ "condition", "path_regex" }` is no storage rule: a storage rule is an expression over `auth` and
 *   `resource` (`resource.path`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../emulator/index'
import { assertFails, assertSucceeds, createTestEnvironment, type TestEnvironment } from '../../testing/index'

/** The guide's first database rule, as written. */
const GUIDE_BASIC = {
  read: true,
  write: 'auth.openid != null',
  create: 'auth.openid != null',
  update: 'auth.openid != null && auth.openid == doc._openid',
  delete: 'auth.openid != null && auth.openid == doc._openid',
}
/** The same, as CloudBase's language says it. */
const BASIC = { read: true, write: 'auth != null', create: 'auth != null', update: 'auth != null && auth.openid == doc._openid', delete: 'auth != null && auth.openid == doc._openid' }

/** The guide's second rule, as written. */
const GUIDE_ROLES = {
  read: true,
  write: 'auth.openid != null',
  create: 'auth.openid != null && doc._openid == auth.openid',
  update: "auth.openid != null && ((doc._openid == auth.openid) || (get('database.collection.roles').where({_openid: auth.openid, role: 'admin'}).size() > 0))",
  delete: "auth.openid != null && get('database.collection.roles').where({_openid: auth.openid, role: 'admin'}).size() > 0",
}
/** The same with CloudBase's get(): the role document of each user is kept under their openid. */
const ROLES = {
  read: true,
  write: 'auth != null',
  create: 'auth != null && doc._openid == auth.openid',
  update: "auth != null && (doc._openid == auth.openid || get('database.roles.' + auth.openid).role == 'admin')",
  delete: "auth != null && get('database.roles.' + auth.openid).role == 'admin'",
}

let env: TestEnvironment
let dir: string
let local: (name: string, content: string) => string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-seed-rules-'))
  local = (name, content) => {
    const file = join(dir, name)
    writeFileSync(file, content)
    return file
  }
  env = await createTestEnvironment({
    collections: ['posts', 'articles', 'roles'],
    rules: { database: { posts: BASIC, articles: ROLES, roles: 'ADMINONLY' }, storage: { read: true, write: 'auth != null' } },
  })
})
afterAll(async () => {
  await env.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

describe("the guide's rules as written", () => {
  it('are refused with the position and what to write instead', async () => {
    await expect(startEmulator({ port: 0, rules: { database: { posts: GUIDE_BASIC } } })).rejects.toThrow(
      /collection posts: in `write`: `auth\.openid != null` holds for a caller who is not signed in.*test `auth != null` instead \(line 1, column 1/,
    )
    await expect(startEmulator({ port: 0, rules: { database: { articles: { ...GUIDE_ROLES, write: 'auth != null', create: 'auth != null' } } } })).rejects.toThrow(
      /collection articles: in `update`: object literals are not allowed \(line 1, column \d+/,
    )
    await expect(startEmulator({ port: 0, rules: { storage: { read: true, write: { condition: 'auth.openid != null', path_regex: '^/public/.*' } } as never } })).rejects.toThrow(
      /storage rule: .*`write` must be true, false or an expression string, not an object/,
    )
  })
})

describe('the basic rule: everyone reads, the signed-in create, the owner updates and deletes', () => {
  it('allows and denies as it says', async () => {
    const alice = env.authenticatedContext('o-alice').database().collection('posts')
    const bob = env.authenticatedContext('o-bob').database().collection('posts')
    const guest = env.unauthenticatedContext().database().collection('posts')
    const { _id } = await assertSucceeds(alice.add({ data: { title: 'hello' } }))
    const id = String(_id)
    // read: true, for anyone, with any query.
    await assertSucceeds(guest.where({}).get())
    await assertSucceeds(bob.doc(id).get())
    await assertFails(guest.add({ data: { title: 'from nobody' } }))
    // update/delete of one's own document, by doc() or by a query that holds `_openid`.
    await assertFails(bob.doc(id).update({ data: { title: 'bob was here' } }))
    await assertSucceeds(alice.doc(id).update({ data: { title: 'hello again' } }))
    await assertFails(bob.where({ title: 'hello again' }).remove())
    await assertSucceeds(alice.where({ _openid: '{openid}', title: 'hello again' }).update({ data: { seen: true } }))
    await assertFails(bob.doc(id).remove())
    await assertSucceeds(alice.doc(id).remove())
  })
})

describe("the roles rule: admins (by get() of their role) update and delete anyone's", () => {
  it('allows and denies as it says', async () => {
    await env.withRulesDisabled((admin) => admin.database().collection('roles').add({ data: [{ _id: 'o-admin', role: 'admin' }, { _id: 'o-bob', role: 'reader' }] }))
    const articles = (openid: string) => env.authenticatedContext(openid).database().collection('articles')
    const { _id } = await assertSucceeds(articles('o-alice').add({ data: { title: 'draft' } }))
    const id = String(_id)
    await assertFails(articles('o-bob').doc(id).update({ data: { title: 'edited by a reader' } }))
    await assertSucceeds(articles('o-admin').doc(id).update({ data: { title: 'edited by an admin' } }))
    await assertSucceeds(articles('o-alice').doc(id).update({ data: { title: 'edited by its author' } }))
    // Only an admin deletes, even the author may not.
    await assertFails(articles('o-alice').doc(id).remove())
    await assertFails(articles('o-bob').doc(id).remove())
    await assertSucceeds(articles('o-admin').doc(id).remove())
    // The role documents themselves are the administrator's.
    await assertFails(env.authenticatedContext('o-bob').database().collection('roles').doc('o-bob').update({ data: { role: 'admin' } }))
  })
})

describe('the storage rule: everyone reads, the signed-in write', () => {
  it('allows and denies as it says', async () => {
    const alice = env.authenticatedContext('o-alice').cloud
    const { fileID } = await assertSucceeds(alice.uploadFile({ cloudPath: 'public/a.txt', filePath: local('a.txt', 'a') }))
    await assertSucceeds(env.unauthenticatedContext().cloud.getTempFileURL({ fileList: [fileID] }))
    await assertFails(env.unauthenticatedContext().cloud.uploadFile({ cloudPath: 'public/b.txt', filePath: local('b.txt', 'b') }))
    // The rule says nothing about owners: any signed-in user may overwrite (the guide's rule, not a safe one).
    await assertSucceeds(env.authenticatedContext('o-bob').cloud.uploadFile({ cloudPath: 'public/a.txt', filePath: local('c.txt', 'c') }))
  })
})
