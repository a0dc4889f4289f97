/**
 * Seed data (`startEmulator({ seed })`, mpcloud.json's `"seed"`): loaded into a collection that is empty at
 * start, never twice, kept out of other users' reach by the default rules (no `_openid`), and read from a
 * project's files in EJSON, as an array or as the JSON Lines a CloudBase export writes.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readProject } from '../../emulator/cli/project'
import { startEmulator, type EmulatorEvent, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { startEmulatorCommand } from '../helpers/cli'
import { signedIn } from '../helpers/emulator'
import { connectHttp, createCloud, createCommand, nodePlatform, type Database } from '../helpers/sdk'

const CLI = new URL('../../emulator/cli.ts', import.meta.url).pathname

const dirs: string[] = []
const folder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpcloud-seed-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function asAdministrator(url: string, env: string, ticket: string): Database {
  const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, commands: createCommand })
  cloud.init({ env, endpoint: url, ticket })
  return cloud.database()
}
const administrator = (emulator: RunningEmulator) => asAdministrator(emulator.url, emulator.env, emulator.createAdminTicket())

const SEED = {
  todos: [
    { _id: 'milk', title: 'Buy milk', done: false, due: new Date('2026-12-24T08:00:00Z') },
    { title: 'Call mum', done: true },
  ],
}

describe('startEmulator({ seed })', () => {
  it('writes the documents into an empty collection once; a restart on the data dir loads nothing again', async () => {
    const dataDir = folder()
    const events: EmulatorEvent[] = []
    let emulator = await startEmulator({ port: 0, dataDir, seed: SEED, onEvent: (event) => events.push(event) })
    let db = administrator(emulator)
    const { data } = await db.collection('todos').orderBy('title', 'asc').get()
    expect(data.map((doc) => doc.title)).toEqual(['Buy milk', 'Call mum'])
    expect(data[0]!._id).toBe('milk')
    expect(data[1]!._id).toMatch(/^[0-9a-f]{32}$/)
    // A Date stays a Date: a date comparison selects it.
    expect((await db.collection('todos').where({ due: createCommand().gt(new Date('2026-12-01T00:00:00Z')) }).count()).total).toBe(1)
    expect(events.some((event) => event.kind === 'notice' && /seeded todos with 2 documents/.test(JSON.stringify(event)))).toBe(true)
    await db.collection('todos').doc('milk').remove()
    await emulator.stop()

    emulator = await startEmulator({ port: 0, dataDir, seed: SEED })
    db = administrator(emulator)
    // One document was left: the collection is not empty, so the seed is not loaded over it.
    expect((await db.collection('todos').get()).data.map((doc) => doc.title)).toEqual(['Call mum'])
    await emulator.stop()
  })

  it('seeded documents have no owner: under the default rules (PRIVATE) a signed-in user reads none of them', async () => {
    const emulator = await startEmulator({ port: 0, seed: SEED })
    try {
      const user = await signedIn(emulator, 'alice')
      expect((await user.collection('todos').get()).data).toEqual([])
      expect((await administrator(emulator).collection('todos').count()).total).toBe(2)
    } finally {
      await emulator.stop()
    }
  })

  it('refuses a wrong seed before listening, naming the collection and the document', async () => {
    const cases: [unknown, RegExp][] = [
      [{ todos: { title: 'x' } }, /^seed "todos" must be an array of documents$/],
      [{ todos: [{ title: 'x' }, 'y'] }, /^seed "todos"\[1\] must be a document \(an object\)$/],
      [{ todos: [{ _id: 7 }] }, /^seed "todos"\[0\]: _id must be a non-empty string$/],
      [{ todos: [{ _id: 'a' }, { _id: 'a' }] }, /^seed "todos"\[1\]: _id "a" appears twice$/],
      [{ 'no space': [] }, /^seed "no space": collectionName must be/],
    ]
    for (const [seed, message] of cases) {
      await expect(startEmulator({ port: 0, seed: seed as never })).rejects.toThrow(message)
    }
  })
})

describe('mpcloud.json "seed"', () => {
  it('reads a JSON Lines file (as CloudBase exports), a JSON array file and inline documents, in EJSON', () => {
    const dir = folder()
    mkdirSync(join(dir, 'seed'))
    writeFileSync(join(dir, 'seed', 'users.json'), '{"_id":"u1","name":"Ann","joined":{"$date":"2026-01-02T03:04:05Z"}}\n\n{"_id":"u2","name":"Bo"}\n')
    writeFileSync(join(dir, 'seed', 'tags.json'), '[{"name":"home"},{"name":"work"}]')
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ seed: { users: 'seed/users.json', tags: 'seed/tags.json', todos: [{ title: 'a', at: { $date: '2026-05-01T00:00:00Z' } }] } }))
    const { seed } = readProject(dir)
    expect(Object.keys(seed!)).toEqual(['users', 'tags', 'todos'])
    expect(seed!.users!.map((doc) => doc._id)).toEqual(['u1', 'u2'])
    expect(seed!.users![0]!.joined).toEqual(new Date('2026-01-02T03:04:05Z'))
    expect(seed!.tags!.map((doc) => doc.name)).toEqual(['home', 'work'])
    expect(seed!.todos![0]!.at).toEqual(new Date('2026-05-01T00:00:00Z'))
  })

  it('a mistake is one line naming the file or the key, and the command exits 2', () => {
    const cases: [unknown, string | undefined, RegExp][] = [
      [{ seed: ['x'] }, undefined, /mpcloud\.json: "seed" must be an object of collection name → its documents/],
      [{ seed: { users: 'missing.json' } }, undefined, /mpcloud\.json: "seed"\."users" names the file .*missing\.json, which does not exist/],
      [{ seed: { users: 'users.json' } }, '{"_id":"u1"}\n{"_id": oops}\n', /users\.json line 2 is not JSON/],
      [{ seed: { users: 'users.json' } }, '[{"_id":"u1"}, 3]', /users\.json\[1\] must be an object, not 3/],
    ]
    for (const [mpcloud, file, message] of cases) {
      const dir = folder()
      writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify(mpcloud))
      if (file !== undefined) writeFileSync(join(dir, 'users.json'), file)
      const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'emulator', '--port', '0', '--project', dir], { encoding: 'utf8', timeout: 20_000 })
      expect(run.status).toBe(2)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr).toMatch(message)
    }
  }, 60_000)

  it('the emulator command started in the project serves the seeded documents', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ env: 'seeded-env', seed: { todos: [{ _id: 'one', title: 'From the seed' }] } }))
    const command = await startEmulatorCommand(['--import', 'tsx', CLI, 'emulator', '--port', '0', '--project', dir, '--admin-key', 'seed-id:seed-key-0123456789'])
    try {
      expect(command.output()).toMatch(/seeded todos with 1 document\b/)
      // Read as a server SDK does: /admin, signed with the key the command was given.
      const answer = await adminCall({ url: command.url, env: 'seeded-env', adminCredentials: { secretId: 'seed-id', secretKey: 'seed-key-0123456789' } }, 'database.getDocument', {
        collectionName: 'todos',
        query: '{}',
      })
      expect(JSON.stringify(answer)).toContain('From the seed')
    } finally {
      await command.stop()
    }
  }, 30_000)
})
