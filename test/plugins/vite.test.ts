/**
 * mpcloud/vite through vite's own API (the vite vitest runs on): a tiny app served by `createServer` and
 * built by `build`, with the plugin as a user lists it. What the docs promise (docs/plugins.md): the endpoint
 * constant compiled in development and `undefined` in production; the emulator up with the dev server or a
 * watch build and down when they close, checked over real HTTP on 127.0.0.1; DevTools' domain check off in
 * the output's project.config.json for mp-weixin development builds only, the source file untouched.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { build, createServer, type InlineConfig, type Plugin, type ViteDevServer } from 'vite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from '../../emulator/index'
import { connectHttp, createCloud, nodePlatform } from '../helpers/sdk'
import mpcloud from '../../plugins/vite'
import type { MpcloudPluginOptions } from '../../plugins/options'
import { emulatorAnswer, freePort } from './ports'

let app = ''
const SOURCE_PROJECT = { appid: 'wx0000000000000000', setting: { urlCheck: true, es6: true } }

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'mpcloud-vite-'))
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>\n')
  // What an app does with the constant: the adapters' own test reads it under Node (compiled-endpoint.test.ts).
  writeFileSync(join(app, 'main.js'), "const endpoint = process.env.MPCLOUD_ENDPOINT\nif (endpoint) document.title = 'local cloud at ' + endpoint\nelse document.title = 'native cloud'\n")
  // A project.config.json vite copies into the output as it is (public/), as a copied file would be.
  mkdirSync(join(app, 'public'))
  writeFileSync(join(app, 'public', 'project.config.json'), JSON.stringify(SOURCE_PROJECT, null, 2))
})
afterAll(() => rmSync(app, { recursive: true, force: true }))
afterEach(() => {
  delete process.env.UNI_PLATFORM
})

const config = (options: MpcloudPluginOptions, extra: InlineConfig = {}): InlineConfig => ({
  root: app,
  configFile: false,
  logLevel: 'silent',
  plugins: [mpcloud(options)],
  ...extra,
})

/** The JavaScript of a `write: false` build. */
function codeOf(output: unknown): string {
  const outputs = (Array.isArray(output) ? output : [output]) as { output: { type: string; code?: string }[] }[]
  return outputs.flatMap((o) => o.output.filter((file) => file.type === 'chunk').map((file) => file.code || '')).join('\n')
}

/** Waits until `check` is true, or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('mpcloud/vite: the compile-time endpoint', () => {
  it('a production build has no endpoint: the constant is undefined, the local branch is dropped, no emulator starts', async () => {
    const port = await freePort()
    const code = codeOf(await build(config({ port, env: 'vite-env' }, { build: { write: false } })))
    expect(code).toContain('native cloud')
    expect(code).not.toContain('local cloud at')
    expect(code).not.toContain('127.0.0.1')
    expect(code).not.toContain('MPCLOUD_ENDPOINT')
    expect(await emulatorAnswer(port, 'vite-env')).toBe('refused')
  })

  it('a development build compiles in http://127.0.0.1:PORT (host "localhost")', async () => {
    const port = await freePort()
    const code = codeOf(await build(config({ port, emulator: false }, { mode: 'development', build: { write: false, minify: false } })))
    expect(code).toContain(`http://127.0.0.1:${port}`)
    expect(code).not.toContain('process.env.MPCLOUD_ENDPOINT')
  })

  it('a named host is compiled in as it is; mode: "production" wins over a development build', async () => {
    const named = codeOf(await build(config({ host: 'dev-box.local', port: 9100, emulator: false }, { mode: 'development', build: { write: false, minify: false } })))
    expect(named).toContain('http://dev-box.local:9100')
    const forced = codeOf(await build(config({ mode: 'production', emulator: false }, { mode: 'development', build: { write: false } })))
    expect(forced).not.toContain('local cloud at')
  })
})

/**
 * `process.env.MPCLOUD_ENDPOINT` as a page of the dev server sees it. Vite's dev server does not rewrite
 * modules for `define`: its client script `/@vite/env` assigns each define to the global object (vite's
 * `vite:client-inject`), which is where the adapters' `process.env.MPCLOUD_ENDPOINT` finds it. Run here as
 * the browser runs it, on a global object of its own.
 */
async function servedDefine(server: ViteDevServer): Promise<unknown> {
  const served = await server.transformRequest('/@vite/env')
  const page = createContext({})
  runInContext(String(served && served.code), page)
  const process = (page as { process?: { env?: Record<string, unknown> } }).process
  return process && process.env && process.env.MPCLOUD_ENDPOINT
}

describe('mpcloud/vite: the emulator with the dev server', () => {
  it('starts with the dev server (the endpoint in the served module) and stops when it closes', async () => {
    const port = await freePort()
    const server = await createServer(config({ port, env: 'vite-env' }, { server: { port: 0, host: '127.0.0.1' } }))
    try {
      expect(await emulatorAnswer(port, 'vite-env')).toBe('INVALID_ACTION')
      expect(await servedDefine(server)).toBe(`http://127.0.0.1:${port}`)
    } finally {
      await server.close()
    }
    await eventually(async () => (await emulatorAnswer(port, 'vite-env')) === 'refused')
  })

  it('reuses an emulator of the same env already on the port, and leaves it running', async () => {
    const port = await freePort()
    const mine = await startEmulator({ port, env: 'vite-env' })
    try {
      const server = await createServer(config({ port, env: 'vite-env' }, { server: { port: 0 } }))
      await server.close()
      expect(await emulatorAnswer(port, 'vite-env')).toBe('INVALID_ACTION')
    } finally {
      await mine.stop()
    }
  })

  it('refuses an emulator of another env on the port, naming both', async () => {
    const port = await freePort()
    const other = await startEmulator({ port, env: 'other-env' })
    try {
      await expect(createServer(config({ port, env: 'vite-env' }, { server: { port: 0 } }))).rejects.toThrow(/mpcloud\/vite: the emulator on port \d+ serves another environment \(.*"other-env".*\)/)
    } finally {
      await other.stop()
    }
  })

  it('a host other than "localhost" (a phone must reach it): the emulator listens on every interface, not loopback only', async () => {
    // 127.0.0.2 is this machine too (127.0.0.0/8 on Linux), yet not the 127.0.0.1 a loopback-only listener binds.
    const port = await freePort()
    const server = await createServer(config({ port, env: 'vite-env', host: '127.0.0.2' }, { server: { port: 0 } }))
    try {
      expect(await emulatorAnswer(port, 'vite-env', '127.0.0.2')).toBe('INVALID_ACTION')
      expect(await servedDefine(server)).toBe(`http://127.0.0.2:${port}`)
    } finally {
      await server.close()
    }
    const local = await freePort()
    const loopback = await createServer(config({ port: local, env: 'vite-env' }, { server: { port: 0 } }))
    try {
      expect(await emulatorAnswer(local, 'vite-env', '127.0.0.2')).toBe('refused')
    } finally {
      await loopback.close()
    }
  })

  it('emulator: false starts none', async () => {
    const port = await freePort()
    const server = await createServer(config({ port, emulator: false }, { server: { port: 0 } }))
    try {
      expect(await emulatorAnswer(port, 'demo-env')).toBe('refused')
    } finally {
      await server.close()
    }
  })

  it('the project folder is read as the CLI reads it: mpcloud.json names the env and the collections', async () => {
    const port = await freePort()
    const project = mkdtempSync(join(tmpdir(), 'mpcloud-vite-project-'))
    writeFileSync(join(project, 'mpcloud.json'), JSON.stringify({ env: 'from-project', collections: ['todos'] }))
    const server = await createServer(config({ port, emulator: { project } }, { server: { port: 0 } }))
    try {
      expect(await emulatorAnswer(port, 'from-project')).toBe('INVALID_ACTION')
      // An add needs the collection to exist (DATABASE_COLLECTION_NOT_EXIST otherwise): mpcloud.json made it.
      const cloud = createCloud({ platform: nodePlatform, connect: connectHttp })
      cloud.init({ env: 'from-project', endpoint: `http://127.0.0.1:${port}` })
      const added = await cloud.database().collection('todos').add({ data: { title: 'first' } })
      expect(typeof added._id).toBe('string')
      await expect(cloud.database().collection('notes').add({ data: { title: 'x' } })).rejects.toMatchObject({ errMsg: expect.stringContaining('-502005') })
    } finally {
      await server.close()
      rmSync(project, { recursive: true, force: true })
    }
  })
})

describe('mpcloud/vite: the emulator with a watch build (uni -p mp-weixin)', () => {
  it('starts with the first build and stops when the watcher closes', async () => {
    const port = await freePort()
    const outDir = mkdtempSync(join(tmpdir(), 'mpcloud-vite-watch-'))
    const watcher = (await build(config({ port, env: 'vite-env' }, { mode: 'development', build: { outDir, emptyOutDir: true, watch: {} } }))) as unknown as {
      on(event: 'event', listener: (event: { code: string; result?: { close(): unknown } }) => void): void
      close(): Promise<void>
    }
    try {
      await new Promise<void>((resolve, reject) =>
        watcher.on('event', (event) => {
          if (event.result) event.result.close()
          if (event.code === 'END') resolve()
          if (event.code === 'ERROR') reject(new Error('the watch build failed'))
        }),
      )
      expect(await emulatorAnswer(port, 'vite-env')).toBe('INVALID_ACTION')
    } finally {
      await watcher.close()
      rmSync(outDir, { recursive: true, force: true })
    }
    await eventually(async () => (await emulatorAnswer(port, 'vite-env')) === 'refused')
  })
})

describe("mpcloud/vite: DevTools' domain check (project.config.json's setting.urlCheck)", () => {
  const outputProject = async (mode: string, platform: string | undefined, plugins: Plugin[] = []) => {
    if (platform) process.env.UNI_PLATFORM = platform
    const outDir = mkdtempSync(join(tmpdir(), 'mpcloud-vite-out-'))
    try {
      await build({ ...config({ emulator: false }, { mode, build: { outDir, emptyOutDir: true } }), plugins: [...plugins, mpcloud({ emulator: false })] })
      return JSON.parse(readFileSync(join(outDir, 'project.config.json'), 'utf8')) as typeof SOURCE_PROJECT
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  }

  it('mp-weixin development build: off in the output (other settings kept), the source file untouched', async () => {
    const written = await outputProject('development', 'mp-weixin')
    expect(written.setting).toEqual({ urlCheck: false, es6: true })
    expect(written.appid).toBe(SOURCE_PROJECT.appid)
    expect(JSON.parse(readFileSync(join(app, 'public', 'project.config.json'), 'utf8'))).toEqual(SOURCE_PROJECT)
  })

  it('also when the file is emitted into the bundle by another plugin (as uni emits it), before anything is written', async () => {
    process.env.UNI_PLATFORM = 'mp-weixin'
    const emitter: Plugin = {
      name: 'emits-project-config',
      generateBundle() {
        this.emitFile({ type: 'asset', fileName: 'project.config.json', source: JSON.stringify({ appid: 'wx-emitted', setting: { urlCheck: true } }) })
      },
    }
    // write: false: no file on disk, so only the bundle's asset can carry the change.
    const output = (await build({ ...config({}, { mode: 'development', publicDir: false, build: { write: false } }), plugins: [emitter, mpcloud({ emulator: false })] })) as { output: { fileName: string; source?: string | Uint8Array }[] }
    const asset = output.output.find((file) => file.fileName === 'project.config.json')
    expect(JSON.parse(String(asset && asset.source))).toEqual({ appid: 'wx-emitted', setting: { urlCheck: false } })
  })

  it('untouched in a production build and for other platforms', async () => {
    expect(await outputProject('production', 'mp-weixin')).toEqual(SOURCE_PROJECT)
    expect(await outputProject('development', 'h5')).toEqual(SOURCE_PROJECT)
  })
})

/**
 * What a production build keeps of mpcloud: a page using the real `mpcloud/wx` entry (its sources), built by
 * vite with the plugin for each kind of target. The endpoint client is found by strings only it has: the
 * HTTP sign-in's action and the realtime socket's login field.
 */
describe('mpcloud/vite: the endpoint client in production builds', () => {
  const ENDPOINT_CLIENT = ['auth.signInAnonymously', 'exMsgData']
  const adapter = fileURLToPath(new URL('../../adapters/wx/index.ts', import.meta.url))
  let page = ''
  beforeAll(() => {
    page = mkdtempSync(join(tmpdir(), 'mpcloud-vite-page-'))
    writeFileSync(join(page, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>\n')
    writeFileSync(join(page, 'main.js'), `import cloud from ${JSON.stringify(adapter)}\ncloud.init({ env: 'vite-env' })\nwindow.todos = () => cloud.database().collection('todos').get()\n`)
  })
  afterAll(() => rmSync(page, { recursive: true, force: true }))

  /** Which of the endpoint client's strings the production build for `platform` carries. */
  const kept = async (platform: string | undefined, options: MpcloudPluginOptions = {}) => {
    if (platform) process.env.UNI_PLATFORM = platform
    const code = codeOf(await build({ root: page, configFile: false, logLevel: 'silent', plugins: [mpcloud({ emulator: false, ...options })], build: { write: false } }))
    expect(code).toContain('call cloud.init({ env }) first')
    return ENDPOINT_CLIENT.filter((marker) => code.includes(marker))
  }

  it('mp-weixin and mp-alipay: left out (the host has a cloud of its own)', async () => {
    expect(await kept('mp-weixin')).toEqual([])
    expect(await kept('mp-alipay')).toEqual([])
  })

  it('kept for H5 (no cloud but an endpoint), and with runtimeEndpoint: true', async () => {
    expect(await kept('h5')).toEqual(ENDPOINT_CLIENT)
    expect(await kept(undefined)).toEqual(ENDPOINT_CLIENT)
    expect(await kept('mp-weixin', { runtimeEndpoint: true })).toEqual(ENDPOINT_CLIENT)
  })
})
