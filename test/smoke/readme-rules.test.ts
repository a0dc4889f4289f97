/**
 * The README's "Security rules" section, as a newcomer runs it: its rules file is accepted, the denial it
 * shows is the one the emulator gives, and its `mpcloud/testing` example runs against the built package
 * (imported by its published name) and passes.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startEmulator } from '../../emulator/index'
import { signedIn } from '../helpers/emulator'

const ROOT = new URL('../../', import.meta.url).pathname
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const section = readme.slice(readme.indexOf('### Security rules'), readme.indexOf('\n## ', readme.indexOf('### Security rules')))
/** The fenced blocks of the section whose fence names `language` ('' for none), in order. */
function blocks(language: string): string[] {
  const found: string[] = []
  let open: { language: string; lines: string[] } | undefined
  for (const line of section.split('\n')) {
    if (!line.startsWith('```')) open?.lines.push(line)
    else if (open) {
      if (open.language === language) found.push(open.lines.join('\n'))
      open = undefined
    } else open = { language: line.slice(3).trim(), lines: [] }
  }
  return found
}

describe("the README's security rules", () => {
  it('the rules file works and the denial shown is the one given', async () => {
    const rules = JSON.parse(blocks('json')[0]!)
    const emulator = await startEmulator({ port: 0, collections: ['todos', 'posts'], rules })
    try {
      const db = signedIn(emulator, 'o-reader')
      await expect(db.collection('todos').where({ _openid: '{openid}' }).get()).resolves.toMatchObject({ data: [] })
      const denial = await db.collection('todos').where({}).get().catch((error: { errMsg: string }) => error.errMsg)
      const shown = blocks('')[0]!.replace(/\n/g, ' ').trim()
      expect(denial).toContain(shown)
    } finally {
      await emulator.stop()
    }
  })

  it('the mpcloud/testing example runs as written against the built package', () => {
    // Inside the package's folder, `mpcloud/testing` resolves to the package itself (its exports).
    const dir = mkdtempSync(join(ROOT, '.readme-'))
    try {
      writeFileSync(join(dir, 'rules.json'), blocks('json')[0]!)
      writeFileSync(join(dir, 'rules.test.ts'), blocks('ts')[0]!)
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'rules.test.ts'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' })
      expect(output).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
