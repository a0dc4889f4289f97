/**
 * The published typings of every entry (`dist/*.d.ts`), compiled as a user compiles them: by the package
 * name, strict, without skipLibCheck, without Node types. (`npm test` builds first.)
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

describe('published typings', () => {
  it('mpcloud, mpcloud/wx, /my, /taro, /uni and /node type-check in a strict user project', () => {
    const project = new URL('./published/tsconfig.json', import.meta.url).pathname
    expect(() => execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow()
  }, 60_000)
})
