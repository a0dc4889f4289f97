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
import { removeBuildCopies, runBuild, type BuildMode } from './build'
import { budget, bytesFrom, ENDPOINT_CLIENT_MARKERS, endpointClientIn, MPCLOUD_MARKER, notEs2015, occurrences } from './checks'
import { filesContaining, projectConfig, readExampleProject, total } from './example-app'
import { checkTodosApp } from './h5-todos'
import { expectTodosShown } from './mini-program-smoke'
import { recordSize, table } from './report'

const APP = fileURLToPath(new URL('../../examples/taro/', import.meta.url))
/** Taro's CLI, run as `npx taro` runs it. */
const TARO = 'node_modules/@tarojs/cli/bin/taro'

/** The fixtures the expectations come from: the app's project file and its DevTools project. */
const project = readExampleProject(APP)
const { seededTitles } = project
const sourceUrlCheck = (JSON.parse(readFileSync(join(APP, 'project.config.json'), 'utf8')) as { setting: { urlCheck: boolean } }).setting.urlCheck

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

let port: number
let browser: Browser | undefined
let server: StaticServer | undefined
let local: LocalCloud | undefined

beforeAll(async () => {
  port = await freePort()
  // The emulator `npm run dev:weapp` / `dev:h5` start, from the same project files, on the port compiled in.
  local = await startLocalCloud({ root: APP, port, listen: '127.0.0.1', endpoint: `http://127.0.0.1:${port}`, emulator: {}, plugin: 'test', print: () => {} })
})

afterAll(async () => {
  if (server) await server.close()
  if (local) await local.stop()
  if (browser) await browser.close()
  rmSync(join(APP, 'dist'), { recursive: true, force: true })
  removeBuildCopies()
  console.log(table())
})

describe('Taro weapp', () => {
  test('development: ES2015, one mpcloud, the emulator endpoint, DevTools domain check off', async () => {
    const { dir } = await build('weapp', 'development', port)
    expect(notEs2015(dir)).toEqual([])
    expect(total(occurrences(dir, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(dir, `http://127.0.0.1:${port}`)).not.toEqual([])
    expect(projectConfig(dir).setting.urlCheck).toBe(false)
    expect(endpointClientIn(dir)).toEqual(ENDPOINT_CLIENT_MARKERS)
    // Launched with only wx (no wx.cloud): the page reaches the emulator through the compiled endpoint.
    await expectTodosShown(dir, local!.emulator!, seededTitles, 'development')
  })

  test('production: ES2015, one mpcloud, no endpoint nor its client, the source domain check, mpcloud measured', async () => {
    const { dir } = await build('weapp', 'production')
    expect(notEs2015(dir)).toEqual([])
    expect(total(occurrences(dir, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(dir, '127.0.0.1')).toEqual([])
    // The host's own cloud only: the endpoint client (HTTP, sign-in, socket) is left out.
    expect(endpointClientIn(dir)).toEqual([])
    expect(filesContaining(dir, 'MPCLOUD_ENDPOINT')).toEqual([])
    expect(projectConfig(dir).setting.urlCheck).toBe(sourceUrlCheck)
    // Launched with wx.cloud: the page uses it, init()ed with the env alone.
    await expectTodosShown(dir, local!.emulator!, seededTitles, 'production')

    const size = bytesFrom(dir, isMpcloud)
    expect(size.bytes).toBeGreaterThan(0)
    // What was counted is mpcloud's own build output, and its entry for Taro among it.
    expect(size.sources.every((source) => /_node_modules_mpcloud_dist_[\w.-]+\.js$/.test(source)), size.sources.join('\n')).toBe(true)
    expect(size.sources).toContain('webpack://mpcloud-example-taro/._node_modules_mpcloud_dist_taro.js')
    const limit = await budget('wx: full drop-in, production build by the plugins (native only)')
    recordSize('Taro', 'weapp', 'production', { bytes: size.bytes, gzip: size.gzip }, limit)
    expect(size.gzip, `mpcloud's share of the build, gzipped, against "${limit.name}"`).toBeLessThanOrEqual(limit.bytes)
  })
})

describe('Taro h5', () => {
  test('development: the endpoint compiled in, and the todos page works in Chromium against the emulator', async () => {
    const { dir } = await build('h5', 'development', port)
    const endpoint = `http://127.0.0.1:${port}`
    expect(filesContaining(dir, endpoint)).not.toEqual([])

    expect(local!.env).toBe(project.env)
    server = await serveFolder(dir)
    browser = await launchChromium()
    await checkTodosApp(browser, server.url, local!.emulator!, seededTitles)
  })

  test('production: builds, no endpoint, the endpoint client kept', async () => {
    const { dir } = await build('h5', 'production')
    expect(existsSync(join(dir, 'index.html'))).toBe(true)
    expect(filesContaining(dir, '127.0.0.1')).toEqual([])
    // H5 has no cloud of its own: the endpoint client stays, for an init({ env, endpoint }) at run time.
    expect(endpointClientIn(dir)).toEqual(ENDPOINT_CLIENT_MARKERS)
  })
})
