/**
 * examples/uni-app built by uni's own CLI, as its developer builds it: mp-weixin and H5, each once for
 * development (the emulator's endpoint compiled in, by `MPCLOUD_MODE=development` on a one-off build) and once
 * for production. The mini program outputs are checked as WeChat loads them (ES2015, one mpcloud, the
 * endpoint only in development, DevTools' domain check off only in development) and the production one is
 * measured; the development H5 build is opened in Chromium against the emulator the plugin would start.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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

const APP = fileURLToPath(new URL('../../examples/uni-app/', import.meta.url))
/** uni's CLI, run as `npx uni` runs it. */
const UNI = 'node_modules/@dcloudio/vite-plugin-uni/bin/uni.js'

/** The fixtures the expectations come from: the app's project file and its manifest. */
const project = readExampleProject(APP)
const { seededTitles } = project
const manifest = JSON.parse(readFileSync(join(APP, 'src/manifest.json'), 'utf8')) as { 'mp-weixin': { setting: { urlCheck: boolean } } }
const manifestUrlCheck = manifest['mp-weixin'].setting.urlCheck

/** mpcloud's modules as uni's source maps name them: the package, linked to this repository, under the app's node_modules. */
const isMpcloud = (source: string) => source.includes('node_modules/mpcloud/')

/**
 * One build. `uni build` writes to dist/build whatever the mode (`uni -p mp-weixin`, the watch build, to
 * dist/dev); it is emptied first so that nothing of the previous build is copied with this one.
 */
function build(target: 'mp-weixin' | 'h5', mode: BuildMode, port?: number) {
  rmSync(join(APP, 'dist/build'), { recursive: true, force: true })
  return runBuild({
    cwd: APP,
    example: 'uni-app',
    target,
    mode,
    command: target === 'h5' ? [UNI, 'build'] : [UNI, 'build', '-p', target],
    env: mode === 'development' ? { MPCLOUD_MODE: 'development', MPCLOUD_PORT: String(port) } : {},
    // The mini program's source maps go beside it, to dist/build/.sourcemap/mp-weixin (not uploaded).
    output: target === 'h5' ? 'dist/build/h5' : 'dist/build',
  })
}

let port: number
let browser: Browser | undefined
let server: StaticServer | undefined
let local: LocalCloud | undefined

beforeAll(async () => {
  port = await freePort()
  // The emulator `npm run dev:h5` / `dev:mp-weixin` start, from the same project files, on the port compiled in.
  local = await startLocalCloud({ root: APP, port, listen: '127.0.0.1', endpoint: `http://127.0.0.1:${port}`, emulator: {}, plugin: 'test', print: () => {} })
})

afterAll(async () => {
  if (server) await server.close()
  if (local) await local.stop()
  if (browser) await browser.close()
  rmSync(join(APP, 'dist/build'), { recursive: true, force: true })
  removeBuildCopies()
  console.log(table())
})

describe('uni-app mp-weixin', () => {
  test('development: ES2015, one mpcloud, the emulator endpoint, DevTools domain check off', async () => {
    const { dir } = await build('mp-weixin', 'development', port)
    const out = join(dir, 'mp-weixin')
    expect(notEs2015(out)).toEqual([])
    expect(total(occurrences(out, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(out, `http://127.0.0.1:${port}`)).not.toEqual([])
    expect(projectConfig(out).setting.urlCheck).toBe(false)
    expect(endpointClientIn(out)).toEqual(ENDPOINT_CLIENT_MARKERS)
    // Launched with only wx (no wx.cloud): the page reaches the emulator through the compiled endpoint.
    await expectTodosShown(out, local!.emulator!, seededTitles, 'development')
  })

  test('production: ES2015, one mpcloud, no endpoint nor its client, the manifest domain check, mpcloud measured', async () => {
    const { dir } = await build('mp-weixin', 'production')
    const out = join(dir, 'mp-weixin')
    expect(notEs2015(out)).toEqual([])
    expect(total(occurrences(out, MPCLOUD_MARKER))).toBe(1)
    expect(filesContaining(out, '127.0.0.1')).toEqual([])
    // The host's own cloud only: the endpoint client (HTTP, sign-in, socket) is left out.
    expect(endpointClientIn(out)).toEqual([])
    expect(projectConfig(out).setting.urlCheck).toBe(manifestUrlCheck)
    // Launched with wx.cloud: the page uses it, init()ed with the env alone.
    await expectTodosShown(out, local!.emulator!, seededTitles, 'production')

    // bytesFrom reads each map beside its script: put uni's .sourcemap folder over a copy of the output.
    const mapped = mkdtempSync(join(tmpdir(), 'mpcloud-uni-mapped-'))
    cpSync(out, mapped, { recursive: true })
    cpSync(join(dir, '.sourcemap', 'mp-weixin'), mapped, { recursive: true })
    const size = bytesFrom(mapped, isMpcloud)
    rmSync(mapped, { recursive: true, force: true })
    expect(size.bytes).toBeGreaterThan(0)
    const limit = await budget('wx: full drop-in, production build by the plugins (native only)')
    recordSize('uni-app', 'mp-weixin', 'production', { bytes: size.bytes, gzip: size.gzip }, limit)
    expect(size.gzip, `mpcloud's share of the build, gzipped, against "${limit.name}"`).toBeLessThanOrEqual(limit.bytes)
  })
})

describe('uni-app h5', () => {
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
