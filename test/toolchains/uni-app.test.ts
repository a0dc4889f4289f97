/**
 * examples/uni-app built by uni's own CLI, as its developer builds it: mp-weixin and H5, each once for
 * development (the emulator's endpoint compiled in, by `MPCLOUD_MODE=development` on a one-off build) and once
 * for production. The mini program outputs are checked as WeChat loads them (ES2015, one mpcloud, the
 * endpoint only in development, DevTools' domain check off only in development) and the production one is
 * measured; the development H5 build is opened in Chromium against the emulator the plugin would start.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, test } from 'vitest'
import { runBuild, type BuildMode } from './build'
import { exampleSession } from './example-session'

const APP = fileURLToPath(new URL('../../examples/uni-app/', import.meta.url))
/** uni's CLI, run as `npx uni` runs it. */
const UNI = 'node_modules/@dcloudio/vite-plugin-uni/bin/uni.js'

const session = exampleSession('uni-app', APP, 'dist/build')
/** The manifest the production build's DevTools project comes from. */
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

describe('uni-app mp-weixin', () => {
  test('development: ES2015, one mpcloud, the emulator endpoint, DevTools domain check off', async () => {
    const { dir } = await build('mp-weixin', 'development', session.port())
    const out = join(dir, 'mp-weixin')
    await session.checkMiniProgram(out, 'development')
  })

  test('production: ES2015, one mpcloud, no endpoint nor its client, the manifest domain check, mpcloud measured', async () => {
    const { dir } = await build('mp-weixin', 'production')
    const out = join(dir, 'mp-weixin')
    await session.checkMiniProgram(out, 'production', manifestUrlCheck)

    // bytesFrom reads each map beside its script: put uni's .sourcemap folder over a copy of the output.
    const mapped = mkdtempSync(join(tmpdir(), 'mpcloud-uni-mapped-'))
    cpSync(out, mapped, { recursive: true })
    cpSync(join(dir, '.sourcemap', 'mp-weixin'), mapped, { recursive: true })
    try {
      await session.measure('mp-weixin', mapped, isMpcloud)
    } finally {
      rmSync(mapped, { recursive: true, force: true })
    }
  })
})

describe('uni-app h5', () => {
  test('development: the endpoint compiled in, and the todos page works in Chromium against the emulator', async () => {
    const { dir } = await build('h5', 'development', session.port())
    await session.checkH5(dir)
  })

  test('production: builds, no endpoint, the endpoint client kept', async () => {
    const { dir } = await build('h5', 'production')
    session.checkH5Production(dir)
  })
})
