/**
 * The package as npm ships it: `npm pack` once, then attw and publint on the tarball, and the tarball
 * installed into fresh user projects, one per TypeScript setup users have, each type-checking the same user
 * file (published/packed/user.ts) by the package name, with no `paths`. `npm test` builds first, so packing
 * skips the `prepare` build.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url).pathname
const fixtures = new URL('./published/packed/', import.meta.url).pathname
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const bin = (name: string) => join(root, 'node_modules/.bin', name)

/** Each user project: its fixture folder (package.json, tsconfig.json) and the host typings it installs. */
const setups = [
  { name: 'wechat-node10', typings: ['miniprogram-api-typings'], buildNpm: true },
  { name: 'node16-cjs', typings: ['@types/node'], buildNpm: false },
  { name: 'node16-esm', typings: ['@types/node'], buildNpm: false },
  { name: 'bundler', typings: [], buildNpm: false },
]

interface Run {
  ok: boolean
  output: string
}

function run(file: string, args: string[], cwd = root): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }))
  })
}

/** `npm install <tarball>` without the network: npm's own unpacking, and the package's dependencies linked
 * from this repository's node_modules (the typings import none today; linked so that they may). */
async function install(tarball: string, project: string, typings: string[]): Promise<void> {
  const pkg = join(project, 'node_modules/mpcloud')
  mkdirSync(pkg, { recursive: true })
  const untar = await run('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1'])
  if (!untar.ok) throw new Error(untar.output)
  const { dependencies } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of [...Object.keys(dependencies), ...typings]) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true })
    symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name), 'dir')
  }
}

let temp = ''
let tarball = ''

beforeAll(async () => {
  temp = mkdtempSync(join(tmpdir(), 'mpcloud-packed-'))
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', temp])
  if (!pack.ok) throw new Error(pack.output)
  const [packed] = JSON.parse(pack.output.slice(pack.output.indexOf('['))) as { filename: string }[]
  tarball = join(temp, packed!.filename)
}, 60_000)

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true })
})

describe('the packed package', () => {
  it.concurrent('attw: every entry resolves to types of its own format under node10, node16 (CJS and ESM) and bundler', async () => {
    const attw = await run(bin('attw'), [tarball, '--format', 'ascii', '--no-color'])
    expect(attw.ok, attw.output).toBe(true)
  }, 60_000)

  it.concurrent('publint --strict: no error, warning or suggestion', async () => {
    const publint = await run(bin('publint'), ['run', tarball, '--strict'])
    expect(publint.ok, publint.output).toBe(true)
    expect(publint.output).toContain('All good!')
  }, 60_000)

  for (const setup of setups) {
    it.concurrent(`type-checks a user project: ${setup.name}`, async () => {
      const project = join(temp, setup.name)
      cpSync(join(fixtures, setup.name), project, { recursive: true })
      cpSync(join(fixtures, 'user.ts'), join(project, 'user.ts'))
      await install(tarball, project, setup.typings)
      // WeChat DevTools' "build npm" lays the `miniprogram` folder out as the mini program's copy of mpcloud.
      if (setup.buildNpm) cpSync(join(project, 'node_modules/mpcloud/miniprogram_dist'), join(project, 'miniprogram_npm/mpcloud'), { recursive: true })
      const check = await run(process.execPath, [tsc, '-p', project], project)
      expect(check.output).toBe('')
      expect(check.ok).toBe(true)
    }, 60_000)
  }
})
