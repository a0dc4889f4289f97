/**
 * mpcloud.json's `"databaseTriggers"` through the command line (run from source): `mpcloud emulator` in a
 * project folder runs the trigger's function for a client's insert; a mistake in a trigger is one line naming
 * the trigger and the field, exit 2.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeFunction } from '../helpers/functions'
import { anonymousToken } from '../helpers/web'

const CLI = new URL('../../emulator/cli.ts', import.meta.url).pathname

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A WeChat cloud project whose mpcloud.json says `mpcloud`. */
function project(mpcloud: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'mpcloud-dbtriggers-cli-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'project.config.json'), JSON.stringify({ cloudfunctionRoot: 'cloudfunctions/' }))
  writeFunction(join(dir, 'cloudfunctions'), 'onOrderCreate', `exports.main = async (event) => { console.log('order ' + event.data.docId + ' ' + event.type); return 'done' }`)
  writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify(mpcloud))
  return dir
}

describe('mpcloud.json "databaseTriggers"', () => {
  it('the emulator command runs the trigger for a client insert', async () => {
    const dir = project({
      env: 'shop-env',
      collections: ['orders'],
      databaseTriggers: [{ name: 'onOrderCreate', collection: 'orders', events: ['insert'], condition: { all: [{ field: 'status', op: '=', value: 'new' }] }, function: 'onOrderCreate' }],
    })
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'emulator', '--port', '0', '--project', dir, '--log', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    try {
      const wait = async (what: string, test: () => boolean) => {
        const end = Date.now() + 20_000
        while (!test()) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${out}`)
          await new Promise((resolve) => setTimeout(resolve, 25))
        }
      }
      await wait('the banner', () => /endpoint\s+http:\/\/\S+/.test(out))
      const url = /endpoint\s+(http:\/\/\S+)/.exec(out)![1]!
      const access_token = await anonymousToken({ url })
      const add = async (data: Record<string, unknown>) =>
        (await (await fetch(`${url}/web`, { method: 'POST', body: JSON.stringify({ action: 'database.addDocument', env: 'shop-env', access_token, collectionName: 'orders', data }) })).json()) as { data: { _id: string } }
      await add({ status: 'draft' })
      const { _id: id } = (await add({ status: 'new' })).data
      // The invocations printed so far (complete lines only: the last one may still be arriving).
      const invocations = () =>
        out
          .split('\n')
          .slice(0, -1)
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { kind: string; action: string; dialect: string; outcome: string })
          .filter((event) => event.kind === 'invocation' && event.action === 'onOrderCreate')
      await wait('the trigger run', () => out.includes(`order ${id} com.tcb.database.insert`))
      // Its invocation record is printed when the run ends, after the line the function printed.
      await wait('the run\'s invocation record', () => invocations().length > 0)
      const runs = invocations()
      // The draft did not match the condition: one run, the trigger's.
      expect(runs).toEqual([expect.objectContaining({ dialect: 'trigger', outcome: 'ok' })])
    } finally {
      await new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT')))
    }
  }, 30_000)

  it('a mistake in a trigger is one line naming the trigger and the field (exit 2)', () => {
    const dir = project({ databaseTriggers: [{ name: 'onOrderCreate', collection: 'orders', events: ['write'], function: 'onOrderCreate' }] })
    const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'emulator', '--port', '0', '--project', dir], { encoding: 'utf8', timeout: 20_000 })
    expect(result.status).toBe(2)
    expect(result.stderr.trim()).toBe('mpcloud: mpcloud.json: "databaseTriggers": trigger "onOrderCreate": "events" must be a non-empty list of distinct "insert", "update", "delete", not ["write"]')
  }, 30_000)
})
