/**
 * The published typings of every entry (`dist/*.d.ts`), compiled as a user compiles them: by the package
 * name, strict, without skipLibCheck, without Node types. (`npm test` builds first.) Each with the
 * TypeScript this repository builds with (5.9, what the build plugins support) and with the newest (7, the
 * native compiler, what a user's editor may already run; installed in test/typescript-7); the type-level
 * tests of the query builder (test/types, checked by vitest with 5.9) with the newest too.
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** A TypeScript's `tsc` by its package folder, as `require` from `from` finds it (7 exports no `./bin/tsc`, only its package.json). */
function tscOf(from: string): string {
  const require = createRequire(new URL(from, import.meta.url))
  try {
    return join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc')
  } catch {
    throw new Error(`no TypeScript installed for ${from}: run npm run typescript-7:install (npm test does)`)
  }
}
const COMPILERS = [
  ['5.9', tscOf('./')],
  // Installed in its own folder: in the root's node_modules its `tsc` bin would take the place of 5.9's.
  ['7', tscOf('../typescript-7/package.json')],
] as const

/** Runs `tsc -p project`; on errors, fails with the compiler's own report. */
function compile(tsc: string, project: string): string {
  try {
    execFileSync(process.execPath, [tsc, '-p', new URL(project, import.meta.url).pathname], { encoding: 'utf8', stdio: 'pipe' })
    return ''
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string }
    return `${failed.stdout || ''}${failed.stderr || ''}` || failed.message
  }
}

describe.each(COMPILERS)('published typings, TypeScript %s', (version, tsc) => {
  it('the compiler is the one named', () => {
    expect(execFileSync(process.execPath, [tsc, '-v'], { encoding: 'utf8' })).toMatch(new RegExp(`^Version ${version.replace('.', '\\.')}\\.`))
  })

  it('mpcloud, mpcloud/wx, /my, /taro, /uni and /node type-check in a strict user project', () => {
    expect(compile(tsc, './published/tsconfig.json')).toBe('')
  }, 60_000)
})

describe('the query builder types, TypeScript 7', () => {
  it('test/types (typed field paths, operators, updates, projections) compiles', () => {
    expect(compile(COMPILERS[1][1], '../types/tsconfig.json')).toBe('')
  }, 60_000)
})
