/**
 * Inside a function, wx-server-sdk reaches this emulator's env however it is initialised: `cloud.init()` (no
 * env), `cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })` and `cloud.init({ env: '<the env>' })`, as on
 * CloudBase. node-sdk fills an empty env from `SCF_NAMESPACE` only when `TENCENTCLOUD_RUNENV` is `SCF`
 * (`makeParams`, `checkIsInScf` in its tcbapirequester.ts), which the emulator sets as the SCF runtime does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EJSON } from 'bson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'
import { WX_SERVER_SDK } from '../helpers/functions'

const ENV = 'init-env'

let dir: string
let emulator: RunningEmulator
let call: WebCall

/** A function that initialises wx-server-sdk with `init` (source text), writes a note and counts its own. */
function writeFunction(name: string, init: string, where: 'module' | 'main'): void {
  mkdirSync(join(dir, name), { recursive: true })
  const initialise = `cloud.init(${init})`
  writeFileSync(
    join(dir, name, 'index.js'),
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    ${where === 'module' ? initialise : ''}
    exports.main = async (event) => {
      ${where === 'main' ? initialise : ''}
      const db = cloud.database()
      const { _id } = await db.collection('notes').add({ data: { by: ${JSON.stringify(name)} } })
      const { total } = await db.collection('notes').where({ by: ${JSON.stringify(name)} }).count()
      return { _id, total, ENV: cloud.getWXContext().ENV }
    }`,
  )
}

const INITS: Array<[string, string, 'module' | 'main']> = [
  ['no-env', '', 'module'],
  ['no-env-in-main', '', 'main'],
  ['dynamic', '{ env: cloud.DYNAMIC_CURRENT_ENV }', 'main'],
  ['explicit', `{ env: ${JSON.stringify(ENV)} }`, 'main'],
]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-functions-init-'))
  for (const [name, init, where] of INITS) writeFunction(name, init, where)
  emulator = await startEmulator({ port: 0, env: ENV, functions: dir, functionTimeout: 10_000, collections: ['notes'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('cloud.init() inside a function reaches the emulator’s env', () => {
  for (const [name, init] of INITS) {
    it(`cloud.init(${init}): a database write and count, and getWXContext().ENV`, async () => {
      for (const answer of [
        await call('functions.invokeFunction', { function_name: name, request_data: '{}' }),
        await adminCall(emulator, 'functions.invokeFunction', { function_name: name, request_data: '{}' }),
      ]) {
        expect(answer.code, String(answer.message)).toBeUndefined()
        const value = JSON.parse((answer.data as { response_data: string }).response_data) as { _id: string; total: number; ENV: string }
        expect(value).toMatchObject({ _id: expect.any(String), total: expect.any(Number), ENV: ENV })
        // The note is in this emulator's store, read here without the function (as the administrator: a
        // function's write has no owner, so no client's PRIVATE view holds it, as on CloudBase).
        const read = await adminCall(emulator, 'database.getDocument', { collectionName: 'notes', query: JSON.stringify({ _id: value._id }) })
        expect((read.data as { list: string[] }).list.map((text) => EJSON.parse(text, { relaxed: true }))).toEqual([{ _id: value._id, by: name }])
      }
      const started = Date.now()
      expect(await adminCall(emulator, 'database.calculateDocument', { collectionName: 'notes', query: JSON.stringify({ by: name }) })).toMatchObject({ data: { total: 2 } })
      expect(Date.now() - started).toBeLessThan(500)
    })
  }

  it('the SDK says which env it fell back to, as on CloudBase, and nothing about a missing region', async () => {
    const lines: string[] = []
    const unsubscribe = emulator.events.subscribe((event) => {
      if (event.kind === 'output' && event.action === 'no-env-in-main') lines.push(event.message!)
    })
    await call('functions.invokeFunction', { function_name: 'no-env-in-main', request_data: '{}' })
    unsubscribe()
    expect(lines.some((line) => line.includes(`[TCB][WARN]`) && line.includes(ENV))).toBe(true)
    expect(lines.filter((line) => line.includes('[TCB][ERROR]'))).toEqual([])
  })
})
