/**
 * examples/taro built by Taro's own CLI (4.2.1, webpack 5), as its developer builds it: weapp and H5, each once
 * for development (the emulator's endpoint compiled in, by `MPCLOUD_MODE=development` on a one-off build) and
 * once for production. The weapp outputs are checked as WeChat loads them (ES2015, one mpcloud, the endpoint
 * only in development, DevTools' domain check off only in development) and the production one is measured;
 * the development H5 build is opened in Chromium against the emulator `npm run dev:h5` would start.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startLocalCloud, type LocalCloud } from '../../plugins/local-cloud'
import { launchChromium } from '../helpers/browser'
import { serveFolder, type StaticServer } from '../helpers/static-server'
import { freePort } from '../plugins/ports'
import { runBuild, type BuildMode } from './build'
import { budget, bytesFrom, filesIn, MPCLOUD_MARKER, notEs2015, occurrences } from './checks'
import { checkTodosApp } from './h5-todos'
import { recordSize, table } from './report'

const APP = fileURLToPath(new URL('../../examples/taro/', import.meta.url))
/** Taro's CLI, run as `npx taro` runs it. */
const TARO = 'node_modules/@tarojs/cli/bin/taro'

/** The fixtures the expectations come from: the app's project file and its DevTools project. */
interface SeedTodo {
  title: string
  done: boolean
  priority: number
}
const project = JSON.parse(readFileSync(join(APP, 'mpcloud.json'), 'utf8')) as { env: string; seed: { todos: SeedTodo[] } }
/** The open seeded todos as the page lists them: highest priority first. */
const seededTitles = project.seed.todos
  .filter((todo) => !todo.done)
  .sort((a, b) => b.priority - a.priority)
  .map((todo) => todo.title)
const sourceUrlCheck = (JSON.parse(readFileSync(join(APP, 'project.config.json'), 'utf8')) as { setting: { urlCheck: boolean } }).setting.urlCheck

/**
 * The files under `dir` (any kind: scripts, JSON, templates) whose text contains `text`, source maps left out:
 * they hold mpcloud's sources, which name the endpoint constant in every build.
 */
const filesContaining = (dir: string, text: string) =>
  filesIn(dir, '').filter((file) => !file.endsWith('.map') && readFileSync(join(dir, file), 'utf8').includes(text))

/**
 * mpcloud's modules as Taro's source maps name them: webpack's module path with `/` written `_`
 * (`webpack://mpcloud-example-taro/._node_modules_mpcloud_dist_taro.js`), the package under the app's
 * node_modules (the config resolves the link in place).
 */
const isMpcloud = (source: string) => source.includes('_node_modules_mpcloud_dist_')

/** One build. Every build writes dist/: it is emptied first so that nothing of the previous build is copied with this one. */
function build(target: 'weapp' | 'h5', mode: BuildMode, port?: number) {
  rmSync(join(APP, 'dist'), { recursive: true, force: true })
  return runBuild({
    cwd: APP,
    example: 'Taro',
    target,
    mode,
    command: [TARO, 'build', '--type', target],
    env: mode === 'development' ? { MPCLOUD_MODE: 'development', MPCLOUD_PORT: String(port) } : {},
    output: 'dist',
  })
}

const projectConfig = (dir: string) => JSON.parse(readFileSync(join(dir, 'project.config.json'), 'utf8')) as { setting: { urlCheck?: boolean } }
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0)

let port: number
let browser: Browser | undefined
let server: StaticServer | undefined
let local: LocalCloud | undefined

beforeAll(async () => {
  port = await freePort()
})

afterAll(async () => {
  if (server) await server.close()
  if (local) await local.stop()
  if (browser) await browser.close()
  rmSync(join(APP, 'dist'), { recursive: true, force: true })
  console.log(table())
})

describe('Taro weapp', () => {
  test('development: ES2015, one mpcloud, the emulator endpoint, DevTools domain check off', async () => {
    const { dir } = await build('weapp', 'development', port)
    expect(notEs2015(dir)).toEqual([])
    expect(total(occurrences(dir, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(dir, `http://127.0.0.1:${port}`)).not.toEqual([])
    expect(projectConfig(dir).setting.urlCheck).toBe(false)
  })

  test('production: ES2015, one mpcloud, no endpoint, the source domain check, mpcloud measured', async () => {
    const { dir } = await build('weapp', 'production')
    expect(notEs2015(dir)).toEqual([])
    expect(total(occurrences(dir, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(dir, '127.0.0.1')).toEqual([])
    expect(filesContaining(dir, 'MPCLOUD_ENDPOINT')).toEqual([])
    expect(projectConfig(dir).setting.urlCheck).toBe(sourceUrlCheck)

    const size = bytesFrom(dir, isMpcloud)
    expect(size.bytes).toBeGreaterThan(0)
    // What was counted is mpcloud's own build output, and its entry for Taro among it.
    expect(size.sources.every((source) => /_node_modules_mpcloud_dist_[\w.-]+\.js$/.test(source)), size.sources.join('\n')).toBe(true)
    expect(size.sources).toContain('webpack://mpcloud-example-taro/._node_modules_mpcloud_dist_taro.js')
    recordSize('Taro', 'weapp', 'production', { bytes: size.bytes, gzip: size.gzip }, budget('wx: full drop-in cloud (goal 16 KB)'))
  })
})

describe('Taro h5', () => {
  test('development: the endpoint compiled in, and the todos page works in Chromium against the emulator', async () => {
    const { dir } = await build('h5', 'development', port)
    const endpoint = `http://127.0.0.1:${port}`
    expect(filesContaining(dir, endpoint)).not.toEqual([])

    // The emulator `npm run dev:h5` starts, from the same project files, on the port compiled in.
    local = await startLocalCloud({ root: APP, port, listen: '127.0.0.1', endpoint, emulator: {}, plugin: 'test', print: () => {} })
    expect(local.env).toBe(project.env)
    server = await serveFolder(dir)
    browser = await launchChromium()
    await checkTodosApp(browser, server.url, local.emulator!, seededTitles)
  })

  test('production: builds, no endpoint', async () => {
    const { dir } = await build('h5', 'production')
    expect(existsSync(join(dir, 'index.html'))).toBe(true)
    expect(filesContaining(dir, '127.0.0.1')).toEqual([])
  })
})
