/**
 * mpcloud/taro-plugin through Taro's real CLI (`@tarojs/cli` 4.2.1, the one examples/taro builds with, which
 * `npm test` installs first by `npm run examples:install`): `taro build --type weapp [--watch]` in an app whose
 * config lists the plugin by its package name, as a user writes it. The CLI, its Kernel, its config loading, the plugin resolution,
 * the hooks, the build command and the project.config.json writer are Taro's; only the weapp platform
 * package is this test's (node_modules/@tarojs/plugin-platform-weapp), and it does what the real one does
 * before and after compiling: writes the project config through the CLI's `generateProjectConfig`, hands
 * the runner config over (recorded to a file) and reports the compile finished. Compiling for real is the
 * examples' test. The package under test is the built one (`npm test` builds first).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorAnswer, freePort } from './ports'

const root = new URL('../../', import.meta.url).pathname
/** The CLI the Taro example builds with: one install of Taro's toolchain for the repository. */
const taro = join(root, 'examples/taro/node_modules/@tarojs/cli/bin/taro')
const SOURCE_PROJECT = { appid: 'wx0000000000000000', setting: { urlCheck: true, es6: true } }

/** The weapp platform as far as the plugin sees it: Taro's project config written, the runner config handed over, the compile reported done. */
const FAKE_PLATFORM = `
const fs = require('fs')
const path = require('path')
module.exports = (ctx) => {
  ctx.registerPlatform({
    name: 'weapp',
    useConfigName: 'mini',
    async fn({ config }) {
      ctx.generateProjectConfig({ srcConfigName: 'project.config.json', distConfigName: 'project.config.json' })
      fs.writeFileSync(path.join(ctx.paths.outputPath, 'runner-config.json'), JSON.stringify({ defineConstants: config.defineConstants, mode: config.mode }))
      await config.onBuildFinish({ isWatch: config.isWatch })
      console.log('compiled')
      // A watch build keeps watching until it is interrupted.
      if (config.isWatch) setInterval(() => {}, 1000)
    },
  })
}
`

let temp = ''

beforeAll(() => {
  if (!existsSync(taro)) throw new Error(`${taro} is missing: run \`npm run examples:install\` at the repository root (\`npm test\` does)`)
  temp = mkdtempSync(join(tmpdir(), 'mpcloud-taro-'))
})
afterAll(() => rmSync(temp, { recursive: true, force: true }))

/** A Taro app listing the plugin with `options`, mpcloud installed as a package (a link to this repository). */
function app(name: string, options: unknown): string {
  const dir = join(temp, name)
  mkdirSync(join(dir, 'config'), { recursive: true })
  mkdirSync(join(dir, 'src'))
  mkdirSync(join(dir, 'node_modules/@tarojs/plugin-platform-weapp'), { recursive: true })
  symlinkSync(root, join(dir, 'node_modules/mpcloud'), 'dir')
  writeFileSync(join(dir, 'node_modules/@tarojs/plugin-platform-weapp/package.json'), JSON.stringify({ name: '@tarojs/plugin-platform-weapp', version: '0.0.0', main: 'index.js' }))
  writeFileSync(join(dir, 'node_modules/@tarojs/plugin-platform-weapp/index.js'), FAKE_PLATFORM)
  // framework "none": no framework plugin to load (this test compiles nothing).
  const config = { projectName: name, sourceRoot: 'src', outputRoot: 'dist', framework: 'none', compiler: 'webpack5', defineConstants: { APP_CONSTANT: '"kept"' }, plugins: [['mpcloud/taro-plugin', options]] }
  writeFileSync(join(dir, 'config/index.js'), `module.exports = ${JSON.stringify(config, null, 2)}\n`)
  writeFileSync(join(dir, 'project.config.json'), JSON.stringify(SOURCE_PROJECT, null, 2))
  return dir
}

const taroArgs = (watch: boolean) => [taro, 'build', '--type', 'weapp', '--no-check', ...(watch ? ['--watch'] : [])]
/** The CLI's environment without this test process's NODE_ENV (vitest sets `test`), so the CLI decides it as for a user. */
const cliEnv = (extra: Record<string, string> = {}) => {
  const env: Record<string, string | undefined> = Object.assign({}, process.env, extra)
  if (!extra.NODE_ENV) delete env.NODE_ENV
  return env as NodeJS.ProcessEnv
}

/** `taro build` to its end. */
function buildOnce(dir: string, extra: Record<string, string> = {}): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, taroArgs(false), { cwd: dir, env: cliEnv(extra), encoding: 'utf8' }, (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` })),
  )
}

/** `taro build --watch` until its first compile; the child to interrupt. */
function startWatch(dir: string): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, taroArgs(true), { cwd: dir, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('compiled')) resolve({ child, output: () => output })
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.once('exit', (code) => reject(new Error(`taro build --watch exited (${code}) before compiling:\n${output}`)))
  })
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

describe('mpcloud/taro-plugin in taro build (the real CLI)', () => {
  it('taro build --type weapp (production): the endpoint undefined, the endpoint client left out, the domain check stays on, no emulator', async () => {
    const port = await freePort()
    const dir = app('production', { env: 'taro-env', port })
    const result = await buildOnce(dir)
    expect(result.ok, result.output).toBe(true)
    const runner = json(join(dir, 'dist/runner-config.json'))
    expect(runner.mode).toBe('production')
    expect(runner.defineConstants).toEqual({ APP_CONSTANT: '"kept"', 'process.env.MPCLOUD_ENDPOINT': 'undefined', __MPCLOUD_NATIVE_ONLY__: 'true', __MPCLOUD_TARGET__: '"weapp"' })
    expect((json(join(dir, 'dist/project.config.json')).setting as Record<string, unknown>).urlCheck).toBe(true)
    expect(await emulatorAnswer(port, 'taro-env')).toBe('refused')
  }, 60_000)

  it('runtimeEndpoint: true keeps the endpoint client in a production build', async () => {
    const dir = app('runtime-endpoint', { port: await freePort(), runtimeEndpoint: true })
    const result = await buildOnce(dir)
    expect(result.ok, result.output).toBe(true)
    expect(json(join(dir, 'dist/runner-config.json')).defineConstants).toEqual({ APP_CONSTANT: '"kept"', 'process.env.MPCLOUD_ENDPOINT': 'undefined', __MPCLOUD_NATIVE_ONLY__: 'false', __MPCLOUD_TARGET__: '"weapp"' })
  }, 60_000)

  it('taro build --type weapp --watch: the endpoint compiled in, urlCheck off in dist only, the emulator up until the build is interrupted', async () => {
    const port = await freePort()
    const dir = app('watch', { env: 'taro-env', port })
    const { child, output } = await startWatch(dir)
    try {
      const runner = json(join(dir, 'dist/runner-config.json'))
      expect(runner.mode).toBe('development')
      expect(runner.defineConstants).toEqual({ APP_CONSTANT: '"kept"', 'process.env.MPCLOUD_ENDPOINT': JSON.stringify(`http://127.0.0.1:${port}`), __MPCLOUD_NATIVE_ONLY__: 'false', __MPCLOUD_TARGET__: '"weapp"' })
      expect(json(join(dir, 'dist/project.config.json')).setting).toEqual({ urlCheck: false, es6: true })
      expect(json(join(dir, 'project.config.json'))).toEqual(SOURCE_PROJECT)
      expect(await emulatorAnswer(port, 'taro-env'), output()).toBe('INVALID_ACTION')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
    expect(await emulatorAnswer(port, 'taro-env')).toBe('refused')
  }, 60_000)

  it('NODE_ENV=production taro build --watch is a production build for Taro, and so for the plugin', async () => {
    const port = await freePort()
    const dir = app('production-watch', { port })
    const child = spawn(process.execPath, taroArgs(true), { cwd: dir, env: cliEnv({ NODE_ENV: 'production' }), stdio: 'ignore' })
    try {
      await eventuallyExists(join(dir, 'dist/runner-config.json'))
      expect(json(join(dir, 'dist/runner-config.json')).defineConstants).toMatchObject({ 'process.env.MPCLOUD_ENDPOINT': 'undefined' })
      expect(await emulatorAnswer(port, 'demo-env')).toBe('refused')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      await exited
    }
  }, 60_000)

  it('a wrong option stops the build with a message naming the option and what it may be', async () => {
    const result = await buildOnce(app('wrong-option', { host: 'http://192.168.1.20:9000' }))
    expect(result.ok).toBe(false)
    expect(result.output).toContain('mpcloud/taro-plugin: option "host" must be "localhost", "lan", or a host name or IPv4 address without scheme or port')
  }, 60_000)
})

async function eventuallyExists(file: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} was not written`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
