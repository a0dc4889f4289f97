/**
 * What one example's toolchain test does around its builds, the same for Taro's and uni-app's: the emulator
 * the app's dev scripts would start (from its own project files, on a free port that the development builds
 * compile in); the checks on each kind of output (mini program and H5, development and production), with
 * Chromium working the H5 todos page against the emulator; mpcloud's share of the production mini program
 * measured and held to its budget; and at the end everything stopped, the build output and its copies
 * removed, and the builds' table printed.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import type { RunningEmulator } from '../../emulator/index'
import { startLocalCloud, type LocalCloud } from '../../plugins/local-cloud'
import { launchChromium } from '../helpers/browser'
import { serveFolder, type StaticServer } from '../helpers/static-server'
import { freePort } from '../plugins/ports'
import { removeBuildCopies, type BuildMode } from './build'
import { budget, bytesFrom, ENDPOINT_CLIENT_MARKERS, endpointClientIn, filesContaining, MPCLOUD_MARKER, nativeAdaptersIn, notEs2015, occurrences, projectConfig, total } from './checks'
import { checkTodosApp } from './h5-todos'
import { expectTodosShown } from './mini-program-smoke'
import { recordSize, table } from './report'

interface SeedTodo {
  title: string
  done: boolean
  priority: number
}

/** The app's mpcloud.json: its env, and its open seeded todos' titles as the page lists them (highest priority first). */
function readExampleProject(app: string): { env: string; seededTitles: string[] } {
  const project = JSON.parse(readFileSync(join(app, 'mpcloud.json'), 'utf8')) as { env: string; seed: { todos: SeedTodo[] } }
  const seededTitles = project.seed.todos
    .filter((todo) => !todo.done)
    .sort((a, b) => b.priority - a.priority)
    .map((todo) => todo.title)
  return { env: project.env, seededTitles }
}

/** The size case a production mini program build is held to (.size-limit.mjs): the drop-in, endpoint client left out. */
const PRODUCTION_BUDGET = 'wx: full drop-in, production build by the plugins (native only)'

export interface ExampleSession {
  /** The app's env and its open seeded todos' titles (the fixture the expectations come from). */
  readonly project: ReturnType<typeof readExampleProject>
  /** The emulator's port, which the development builds compile in. */
  port(): number
  emulator(): RunningEmulator
  /**
   * A mini program build's output (`dir`, the folder DevTools opens) as WeChat loads it: ES2015 scripts, one
   * copy of mpcloud, WeChat's native adapter and not Alipay's. Development: the endpoint and its client
   * compiled in, DevTools' domain check off, and the page, launched with `wx` alone, reaching the emulator.
   * Production: neither the endpoint nor its client, the source's domain check (`urlCheck`) kept, and the
   * page on `wx.cloud` (mini-program-smoke.ts).
   */
  checkMiniProgram(dir: string, mode: BuildMode, urlCheck?: boolean): Promise<void>
  /** Serves the development H5 build in `dir` and works its todos page in Chromium against the emulator (h5-todos.ts). */
  checkH5(dir: string): Promise<void>
  /** A production H5 build: a page, no endpoint, the endpoint client kept and no native adapter (H5 has no cloud of its own). */
  checkH5Production(dir: string): void
  /**
   * Measures what mpcloud adds to the production mini program build in `dir` (its source maps beside its
   * scripts), records it for the table and holds it to the budget; returns the measurement.
   */
  measure(target: string, dir: string, isMpcloud: (source: string) => boolean): Promise<ReturnType<typeof bytesFrom>>
}

/**
 * Sets up the test file's hooks for `example` (the report's name) in the folder `app`; `output` is the folder
 * the toolchain writes, relative to `app`, removed at the end.
 */
export function exampleSession(example: string, app: string, output: string): ExampleSession {
  const project = readExampleProject(app)
  let port = 0
  let local: LocalCloud | undefined
  let browser: Browser | undefined
  let server: StaticServer | undefined

  beforeAll(async () => {
    port = await freePort()
    // The emulator `npm run dev:*` would start, from the same project files, on the port compiled in.
    local = await startLocalCloud({ root: app, port, listen: '127.0.0.1', endpoint: `http://127.0.0.1:${port}`, emulator: {}, plugin: 'test', print: () => {} })
  })

  afterAll(async () => {
    if (server) await server.close()
    if (local) await local.stop()
    if (browser) await browser.close()
    rmSync(join(app, output), { recursive: true, force: true })
    removeBuildCopies()
    console.log(table())
  })

  const emulator = () => {
    if (!local || !local.emulator) throw new Error(`the ${example} session's emulator is not running (used outside a test?)`)
    return local.emulator
  }

  return {
    project,
    port: () => port,
    emulator,
    async checkMiniProgram(dir, mode, urlCheck) {
      const endpoint = `http://127.0.0.1:${port}`
      expect(notEs2015(dir)).toEqual([])
      expect(total(occurrences(dir, MPCLOUD_MARKER))).toBe(1)
      // WeChat's native adapter only: Alipay's is dropped in every build for WeChat.
      expect(nativeAdaptersIn(dir)).toEqual(['wx'])
      if (mode === 'development') {
        expect(filesContaining(dir, endpoint)).not.toEqual([])
        expect(endpointClientIn(dir)).toEqual(ENDPOINT_CLIENT_MARKERS)
        expect(projectConfig(dir).setting.urlCheck).toBe(false)
      } else {
        expect(filesContaining(dir, '127.0.0.1')).toEqual([])
        expect(filesContaining(dir, 'MPCLOUD_ENDPOINT')).toEqual([])
        // The host's own cloud only: the endpoint client (HTTP, sign-in, socket) is left out.
        expect(endpointClientIn(dir)).toEqual([])
        expect(projectConfig(dir).setting.urlCheck).toBe(urlCheck)
      }
      await expectTodosShown(dir, emulator(), project.seededTitles, mode)
    },
    async checkH5(dir) {
      expect(filesContaining(dir, `http://127.0.0.1:${port}`)).not.toEqual([])
      // No host of H5 has a cloud of its own: neither native adapter is in the page.
      expect(nativeAdaptersIn(dir)).toEqual([])
      expect(local!.env).toBe(project.env)
      if (server) await server.close()
      server = await serveFolder(dir)
      browser = browser || (await launchChromium())
      await checkTodosApp(browser, server.url, emulator(), project.seededTitles)
    },
    checkH5Production(dir) {
      expect(existsSync(join(dir, 'index.html'))).toBe(true)
      expect(filesContaining(dir, '127.0.0.1')).toEqual([])
      // For an init({ env, endpoint }) at run time: the only way an H5 page reaches a cloud.
      expect(endpointClientIn(dir)).toEqual(ENDPOINT_CLIENT_MARKERS)
      expect(nativeAdaptersIn(dir)).toEqual([])
    },
    async measure(target, dir, isMpcloud) {
      const size = bytesFrom(dir, isMpcloud)
      expect(size.bytes).toBeGreaterThan(0)
      const limit = await budget(PRODUCTION_BUDGET)
      recordSize(example, target, 'production', { bytes: size.bytes, gzip: size.gzip }, limit)
      expect(size.gzip, `mpcloud's share of the build, gzipped, against "${limit.name}"`).toBeLessThanOrEqual(limit.bytes)
      return size
    },
  }
}
