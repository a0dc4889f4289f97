/**
 * The adapters' side of the build plugins: `process.env.MPCLOUD_ENDPOINT`, which mpcloud/taro-plugin and
 * mpcloud/vite define in development builds, sends `cloud.init({ env })` to that endpoint; an explicit
 * `endpoint` wins; without the constant the host's own cloud is meant. The bundlers' replacement is
 * simulated by Node's real `process.env` (the examples' tests build with the real bundlers); where the
 * requests went is read from the emulator's own event log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { createTaro } from '../fakes/taro'
import { createUni } from '../fakes/uni'
import { createWxCloud } from '../fakes/clouds'
import { createWx } from '../fakes/wx'

let emulator: RunningEmulator
const globals = globalThis as Record<string, unknown>

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, collections: ['todos'] })
})
afterAll(() => emulator.stop())
afterEach(() => {
  delete process.env.MPCLOUD_ENDPOINT
  delete globals.__MPCLOUD_NATIVE_ONLY__
  delete globals.__MPCLOUD_TARGET__
  delete globals.wx
  delete globals.uni
  delete globals.Taro
  vi.resetModules()
})

/** The todos the emulator was asked to add, by title, from its event log. */
const addsSeen = () => emulator.events.recent().filter((event) => event.kind === 'request' && event.action === 'database.addDocument' && event.outcome === 'ok').length

/** A host's entry, freshly imported (each holds one cloud, whose first init wins) with its fake global installed. */
const hosts = {
  wx: async () => {
    globals.wx = createWx().wx
    return (await import('../../adapters/wx/index')).cloud
  },
  uni: async () => {
    globals.uni = createUni({ vue: 3, uniPlatform: 'web' }).uni
    return (await import('../../adapters/uni/index')).cloud
  },
  taro: async () => {
    const { Taro } = createTaro({ env: 'WEAPP' })
    globals.Taro = Taro
    return (await import('../../adapters/taro/index')).cloud
  },
}

describe('process.env.MPCLOUD_ENDPOINT, the endpoint a development build compiles in', () => {
  for (const [host, entry] of Object.entries(hosts)) {
    it(`${host}: cloud.init({ env }) alone goes to the compiled-in endpoint`, async () => {
      process.env.MPCLOUD_ENDPOINT = emulator.url
      const cloud = await entry()
      cloud.init({ env: emulator.env, ticket: emulator.createTicket(`o-${host}`) } as never)
      const before = addsSeen()
      const added = await cloud.database().collection('todos').add({ data: { title: `from ${host}` } })
      expect(typeof added._id).toBe('string')
      expect(addsSeen()).toBe(before + 1)
    })
  }

  it('an explicit endpoint wins over the compiled-in one', async () => {
    // Nothing listens on port 1: a request sent there would fail.
    process.env.MPCLOUD_ENDPOINT = 'http://127.0.0.1:1'
    const cloud = await hosts.wx()
    cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-explicit') })
    const before = addsSeen()
    await cloud.database().collection('todos').add({ data: { title: 'explicit' } })
    expect(addsSeen()).toBe(before + 1)
  })

  it('new cloud.Cloud({ resourceEnv }) inherits the compiled-in endpoint with the first init', async () => {
    process.env.MPCLOUD_ENDPOINT = emulator.url
    const cloud = await hosts.wx()
    cloud.init({ env: emulator.env, ticket: emulator.createTicket('o-instance') } as never)
    const other = new cloud.Cloud({ resourceEnv: emulator.env })
    await other.init()
    const before = addsSeen()
    await other.database().collection('todos').add({ data: { title: 'instance' } })
    expect(addsSeen()).toBe(before + 1)
  })

  for (const [name, value] of [
    ['undefined (a production build)', undefined],
    ['empty', ''],
  ] as const) {
    it(`${name}: cloud.init({ env }) means the host's own cloud, and wx without wx.cloud says so`, async () => {
      if (value !== undefined) process.env.MPCLOUD_ENDPOINT = value
      const cloud = await hosts.wx()
      cloud.init({ env: emulator.env })
      const requests = emulator.events.recent().length
      expect(() => cloud.database()).toThrow(/has no cloud of its own: call cloud.init\(\{ env, endpoint \}\)/)
      expect(emulator.events.recent().length).toBe(requests)
    })
  }
})

/**
 * `__MPCLOUD_NATIVE_ONLY__`, which the plugins define as `true` in production builds for WeChat and Alipay:
 * the adapters are made without the endpoint client. A defined name reads here as a global of that name
 * (what vite's dev server does with a define, and what a bundler's replacement amounts to); that the
 * minifiers then drop the client is checked on the real builds (test/plugins/vite.test.ts, test/toolchains).
 */
describe('__MPCLOUD_NATIVE_ONLY__, a production build for a host with a cloud of its own', () => {
  it('cloud.init({ env }) uses the host\'s cloud; init({ env, endpoint }) fails saying how to keep the endpoint client', async () => {
    globals.__MPCLOUD_NATIVE_ONLY__ = true
    globals.wx = createWx({ cloud: (await createWxCloud(emulator)) as never }).wx
    const { cloud, CloudError } = await import('../../adapters/wx/index')
    const before = emulator.events.recent().length
    const refused = (() => {
      try {
        cloud.init({ env: emulator.env, endpoint: emulator.url })
      } catch (error) {
        return error
      }
    })()
    expect(refused).toBeInstanceOf(CloudError)
    // wx.cloud's code for an invalid parameter.
    expect(refused).toMatchObject({ errCode: -401002 })
    expect((refused as Error).message).toContain('runtimeEndpoint: true')
    expect(emulator.events.recent().length).toBe(before)

    // The refused init did not count as the first: this one is, and it reaches the emulator through wx.cloud.
    cloud.init({ env: emulator.env })
    const adds = addsSeen()
    await cloud.database().collection('todos').add({ data: { title: 'native only' } })
    expect(addsSeen()).toBe(adds + 1)
  })

  it('false (any other build): init({ endpoint }) works as before', async () => {
    globals.__MPCLOUD_NATIVE_ONLY__ = false
    const cloud = await hosts.wx()
    cloud.init({ env: emulator.env, endpoint: emulator.url, ticket: emulator.createTicket('o-kept') })
    const adds = addsSeen()
    await cloud.database().collection('todos').add({ data: { title: 'endpoint kept' } })
    expect(addsSeen()).toBe(adds + 1)
  })
})

/**
 * `__MPCLOUD_TARGET__`, the build's target the plugins compile in: it decides which native cloud the Taro and
 * uni adapters use, before what they read at run time (so the other host's code folds away in a build).
 */
describe('__MPCLOUD_TARGET__, the build target compiled in', () => {
  it('taro: an h5 build uses no native cloud, even where Taro.cloud is there', async () => {
    globals.__MPCLOUD_TARGET__ = 'h5'
    // Taro on weapp with WeChat's cloud: without the constant, init({ env }) would use it.
    globals.Taro = createTaro({ env: 'WEAPP', cloud: (await createWxCloud(emulator)) as never }).Taro
    const { cloud } = await import('../../adapters/taro/index')
    cloud.init({ env: emulator.env })
    expect(() => cloud.database()).toThrow(/has no cloud of its own/)
  })

  it('uni: an mp-weixin build uses wx.cloud, whatever getSystemInfoSync() says', async () => {
    globals.__MPCLOUD_TARGET__ = 'mp-weixin'
    globals.wx = createWx({ cloud: (await createWxCloud(emulator)) as never }).wx
    const cloud = await hosts.uni()
    cloud.init({ env: emulator.env })
    const adds = addsSeen()
    await cloud.database().collection('todos').add({ data: { title: 'uni on wx.cloud' } })
    expect(addsSeen()).toBe(adds + 1)
  })
})
