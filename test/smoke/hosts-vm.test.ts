/**
 * The built host entries as a mini program runs them: each file evaluated in a fresh `node:vm` context
 * holding only what a host offers (its global, timers, console), no `require` of Node's, no `process`,
 * no `fetch`, no `globalThis` trickery, then a query and a watch against the emulator through the host fake.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createMy } from '../fakes/my'
import { createTaro } from '../fakes/taro'
import { createUni } from '../fakes/uni'
import { createWx } from '../fakes/wx'

const ROOT = new URL('../../', import.meta.url).pathname

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
})
afterAll(() => emulator.stop())

/** A CommonJS loader inside `context`: relative requires within the package, and `modules` by name. */
function load(file: string, context: vm.Context, modules: Record<string, unknown> = {}): any {
  const cache = new Map<string, { exports: unknown }>()
  const run = (path: string): unknown => {
    const cached = cache.get(path)
    if (cached) return cached.exports
    const module = { exports: {} as unknown }
    cache.set(path, module)
    const code = readFileSync(path, 'utf8')
    const wrapper = vm.runInContext(`(function (exports, require, module) {${code}\n})`, context, { filename: path })
    const require = (name: string) => {
      if (name in modules) return modules[name]
      if (!name.startsWith('.')) throw new Error(`${path} requires "${name}", which a mini program does not have`)
      return run(join(dirname(path), name))
    }
    wrapper(module.exports, require, module)
    return module.exports
  }
  return run(join(ROOT, file))
}

/** A context with only a host's offer: its global under `name`, timers and console. */
function hostContext(name: string, host: unknown): vm.Context {
  return vm.createContext({ [name]: host, setTimeout, clearTimeout, console })
}

async function queryAndWatch(cloud: any, openid: string) {
  cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket(openid) })
  const db = cloud.database()
  const seen: any[] = []
  const listener = db.collection('todos').where({ owner: openid }).watch({ onChange: (s: any) => seen.push(s), onError: (e: any) => seen.push(e) })
  await vi.waitFor(() => expect(seen).toHaveLength(1))
  const { _id } = await db.collection('todos').add({ data: { owner: openid, at: new Date(5) } })
  await vi.waitFor(() => expect(seen).toHaveLength(2))
  expect(seen[1].docChanges.map((c: any) => [c.dataType, c.docId])).toEqual([['add', _id]])
  const { data } = await db.collection('todos').where({ owner: openid, at: db.command.lt(new Date(6)) }).get()
  expect(data.map((d: any) => d._id)).toEqual([_id])
  expect(Object.prototype.toString.call(data[0].at)).toBe('[object Date]')
  await listener.close()
}

describe('built host entries in node:vm', () => {
  it('miniprogram_dist/index.js (what WeChat DevTools "build npm" copies) with wx', async () => {
    const { wx, control } = createWx()
    const sdk = load('miniprogram_dist/index.js', hostContext('wx', wx))
    await queryAndWatch(sdk.default, 'o-vm-wx')
    // `require('mpcloud/wx')` after "build npm" is miniprogram_dist/wx.js: the same drop-in.
    expect(Object.keys(load('miniprogram_dist/wx.js', hostContext('wx', wx)))).toEqual(Object.keys(sdk))
    control.dispose()
  })

  it('dist/my.cjs with my', async () => {
    const { my, control } = createMy()
    const sdk = load('dist/my.cjs', hostContext('my', my))
    await queryAndWatch(sdk.cloud, 'o-vm-my')
    control.dispose()
  })

  it('dist/uni.cjs with uni (Vue 3, H5)', async () => {
    const { uni, control } = createUni({ vue: 3, uniPlatform: 'web' })
    const sdk = load('dist/uni.cjs', hostContext('uni', uni))
    await queryAndWatch(sdk.cloud, 'o-vm-uni')
    control.dispose()
  })

  it('dist/taro.cjs with @tarojs/taro (weapp)', async () => {
    const { Taro, control } = createTaro({ env: 'WEAPP' })
    const sdk = load('dist/taro.cjs', vm.createContext({ setTimeout, clearTimeout, console }), { '@tarojs/taro': { default: Taro, __esModule: true } })
    await queryAndWatch(sdk.cloud, 'o-vm-taro')
    control.dispose()
  })
})
