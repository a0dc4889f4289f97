/**
 * The uni_modules package the build writes (dist/uni_modules/mpcloud), held to uni-app's uni_modules
 * documentation (unidocs plugin/uni_modules.md: package.json with id, displayName, version, description,
 * at most five keywords, dcloudext and uni_modules; sources importable by path): its manifest, and its
 * js_sdk/index.js as uni's compiler meets it, one ES2015 module importing nothing, which works over HTTP
 * against the emulator with the uni fake as its global. `npm test` builds first.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'acorn'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createUni } from '../fakes/uni'

const folder = new URL('../../dist/uni_modules/mpcloud/', import.meta.url)
const read = (file: string) => readFileSync(new URL(file, folder), 'utf8')

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
})
afterAll(() => emulator.stop())

describe('dist/uni_modules/mpcloud', () => {
  it('package.json: the keys uni_modules requires, its id the folder name, the npm package version', () => {
    const manifest = JSON.parse(read('package.json')) as Record<string, any>
    const npm = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(manifest.id).toBe('mpcloud')
    expect(manifest.version).toBe(npm.version)
    for (const key of ['displayName', 'description']) expect(typeof manifest[key]).toBe('string')
    expect(manifest.keywords.length).toBeGreaterThan(0)
    expect(manifest.keywords.length).toBeLessThanOrEqual(5)
    expect(Object.keys(manifest.dcloudext.declaration).sort()).toEqual(['ads', 'data', 'permissions'])
    expect(manifest.uni_modules.dependencies).toEqual([])
    expect(manifest.uni_modules.platforms.client['小程序']).toMatchObject({ 微信: 'y', 阿里: 'y' })
  })

  it('js_sdk/index.js is one ES2015 module that imports nothing', () => {
    const program = parse(read('js_sdk/index.js'), { ecmaVersion: 2015, sourceType: 'module' })
    expect(program.body.filter((node) => node.type === 'ImportDeclaration')).toEqual([])
    expect(read('js_sdk/index.js')).not.toMatch(/\bimport\s*\(/)
  })

  it('js_sdk/index.js: cloud.init({ env, endpoint }) and a write and a read over uni.request against the emulator', async () => {
    const { uni, control } = createUni({ vue: 3, uniPlatform: 'web' })
    ;(globalThis as Record<string, unknown>).uni = uni
    try {
      const { default: cloud } = (await import(new URL('js_sdk/index.js', folder).href)) as { default: any }
      cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-uni-modules') })
      const todos = cloud.database().collection('todos')
      const { _id } = await todos.add({ data: { title: 'from uni_modules' } })
      const { data } = await todos.doc(_id).get()
      expect(data).toMatchObject({ _id, title: 'from uni_modules' })
    } finally {
      control.dispose()
      delete (globalThis as Record<string, unknown>).uni
    }
  })

  it('js_sdk/index.d.ts declares the default cloud', () => {
    expect(read('js_sdk/index.d.ts')).toMatch(/^export \{[^}]*\bcloud as default\b/m)
  })
})
