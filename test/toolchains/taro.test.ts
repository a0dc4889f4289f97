/**
 * examples/taro built by Taro's own CLI (4.2.1, webpack 5), as its developer builds it: weapp and H5, each once
 * for development (the emulator's endpoint compiled in, by `MPCLOUD_MODE=development` on a one-off build) and
 * once for production. The weapp outputs are checked as WeChat loads them (ES2015, one mpcloud, the endpoint
 * only in development, DevTools' domain check off only in development) and the production one is measured;
 * the development H5 build is opened in Chromium against the emulator `npm run dev:h5` would start.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { runBuild, type BuildMode } from './build'
import { exampleSession } from './example-session'

const APP = fileURLToPath(new URL('../../examples/taro/', import.meta.url))
/** Taro's CLI, run as `npx taro` runs it. */
const TARO = 'node_modules/@tarojs/cli/bin/taro'

const session = exampleSession('Taro', APP, 'dist')
/** The DevTools project the production build must keep as it is. */
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

describe('Taro weapp', () => {
  test('development: ES2015, one mpcloud, the emulator endpoint, DevTools domain check off', async () => {
    const { dir } = await build('weapp', 'development', session.port())
    await session.checkMiniProgram(dir, 'development')
  })

  test('production: ES2015, one mpcloud, no endpoint nor its client, the source domain check, mpcloud measured', async () => {
    const { dir } = await build('weapp', 'production')
    await session.checkMiniProgram(dir, 'production', sourceUrlCheck)
    const size = await session.measure('weapp', dir, isMpcloud)
    // What was counted is mpcloud's own build output, and its entry for Taro among it.
    expect(size.sources.every((source) => /_node_modules_mpcloud_dist_[\w.-]+\.js$/.test(source)), size.sources.join('\n')).toBe(true)
    expect(size.sources).toContain('webpack://mpcloud-example-taro/._node_modules_mpcloud_dist_taro.js')
  })
})

describe('Taro h5', () => {
  test('development: the endpoint compiled in, and the todos page works in Chromium against the emulator', async () => {
    const { dir } = await build('h5', 'development', session.port())
    await session.checkH5(dir)
  })

  test('production: builds, no endpoint, the endpoint client kept', async () => {
    const { dir } = await build('h5', 'production')
    session.checkH5Production(dir)
  })
})
