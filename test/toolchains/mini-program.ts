/**
 * A built WeChat mini program run as the client runs it, in a bare `node:vm` context: its scripts see only
 * what the client gives every mini program (the `wx` global, `App`, `Page`, `Component`, `getApp`,
 * `getCurrentPages`, a `require` of the package's own files, timers, console), no Node and no `process`.
 * The app is launched (App's `onLaunch`, `onShow`) and its first page opened (`onLoad`, `onShow`,
 * `onReady`) with what a page instance has that these frameworks use: `data`, `setData`, `route`,
 * `options`. Enough to show that the framework's runtime and mpcloud, as the toolchain bundled them, start
 * and talk to the cloud through `wx`; rendering is the framework's business and is not checked.
 */
import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import vm from 'node:vm'

type Options = Record<string, any>

export interface MiniProgram {
  /** Every `setData` the page made, in order. */
  renders: Options[]
  /** The page's data as its `setData` calls left it (paths such as `list[0].title` applied). */
  data: Options
  /** Every string in the page's data, one per line: what a page made of text nodes shows, and more. */
  text(): string
  /** Unloads the page (`onUnload`), as leaving it does. */
  close(): void
}

/** A mini program's `require`: paths relative to the requiring file, `.js` optional, one module object per file. */
function loader(root: string, context: vm.Context) {
  const cache = new Map<string, { exports: unknown }>()
  const run = (file: string): unknown => {
    const cached = cache.get(file)
    if (cached) return cached.exports
    const module = { exports: {} as unknown }
    cache.set(file, module)
    const code = readFileSync(join(root, file), 'utf8')
    const wrapper = vm.runInContext(`(function (exports, require, module) {${code}\n})`, context, { filename: join(root, file) })
    const require = (name: string) => {
      if (/^[a-z@]/i.test(name) && !name.startsWith('.')) throw new Error(`${file} requires "${name}", which a mini program does not have`)
      const target = posix.normalize(posix.join(posix.dirname(file), name))
      return run(target.endsWith('.js') ? target : `${target}.js`)
    }
    wrapper(module.exports, require, module)
    return module.exports
  }
  return run
}

/** Launches the mini program under `root` (its app.json and app.js) with `wx`, and opens its first page. */
export async function openMiniProgram(root: string, wx: object): Promise<MiniProgram> {
  const registered: { app?: Options; pages: Map<string, { kind: 'Page' | 'Component'; options: Options }> } = { pages: new Map() }
  let current = ''
  const stack: Options[] = []
  const context = vm.createContext({
    wx,
    App: (options: Options) => (registered.app = options),
    Page: (options: Options) => registered.pages.set(current, { kind: 'Page', options }),
    Component: (options: Options) => registered.pages.set(current, { kind: 'Component', options }),
    getApp: () => registered.app,
    getCurrentPages: () => stack.slice(),
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    console,
    // WeChat's `global`: one plain object all of the package's modules share (not the global scope itself).
    global: {},
  })
  const require = loader(root, context)
  const appJson = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')) as { pages: string[] }
  require('app.js')
  if (!registered.app) throw new Error('app.js registered no App()')
  const app = registered.app
  const launch = { path: appJson.pages[0], query: {}, scene: 1001, referrerInfo: {} }
  app.onLaunch?.call(app, launch)
  app.onShow?.call(app, launch)

  const route = appJson.pages[0]!
  current = route
  require(`${route}.js`)
  const page = registered.pages.get(route)
  if (!page) throw new Error(`${route}.js registered no Page() or Component()`)
  return openPage(page, route, stack)
}

/** What a property of each type starts as when its declaration gives no `value` (the client's defaults). */
const EMPTY = new Map<unknown, unknown>([
  [String, ''],
  [Number, 0],
  [Boolean, false],
  [Array, []],
  [Object, null],
])

/** A page instance as the client makes one: its options' data copied, methods bound, lifecycles called in order. */
function openPage(page: { kind: 'Page' | 'Component'; options: Options }, route: string, stack: Options[]): MiniProgram {
  const { options } = page
  const renders: Options[] = []
  // A component's properties start at their declared value (or their type's empty value) and, as in the
  // client, `this.properties` and `this.data` are one object.
  const data: Options = Object.assign({}, typeof options.data === 'function' ? options.data() : options.data)
  for (const [name, declared] of Object.entries((options.properties || {}) as Options)) {
    const type = declared && typeof declared === 'object' ? declared.type : declared
    data[name] = declared && typeof declared === 'object' && 'value' in declared ? declared.value : EMPTY.get(type) ?? null
  }
  const instance: Options = {
    route,
    is: route,
    options: {},
    data,
    properties: data,
    // A page is the top of its tree: no parent hears its events, and it holds no custom components here.
    triggerEvent() {},
    selectComponent: () => null,
    selectAllComponents: () => [],
    setData(patch: Options, callback?: () => void) {
      renders.push(patch)
      for (const [path, value] of Object.entries(patch)) setPath(data, path, value)
      if (callback) setTimeout(callback, 0)
    },
  }
  const methods: Options = page.kind === 'Page' ? options : Object.assign({}, options.methods)
  for (const [name, value] of Object.entries(methods)) if (typeof value === 'function' && name !== 'data') instance[name] = value
  stack.push(instance)
  const call = (hook: string, ...args: unknown[]) => {
    const fn = page.kind === 'Component' && options.lifetimes && options.lifetimes[hook] ? options.lifetimes[hook] : instance[hook]
    if (typeof fn === 'function') fn.apply(instance, args)
  }
  if (page.kind === 'Component') {
    call('created')
    call('attached')
  }
  call('onLoad', {})
  call('onShow')
  call('onReady')
  return {
    renders,
    data,
    text: () => strings(data).join('\n'),
    close: () => {
      call('onUnload')
      if (page.kind === 'Component') call('detached')
    },
  }
}

/** `setData`'s paths: `a.b`, `list[0].title`, and Taro's `root.cn.[0].v` (a dot before the index). */
function setPath(data: Options, path: string, value: unknown): void {
  const keys = (path.match(/[^.[\]]+|\[\d+\]/g) || [path]).map((key) => (key.startsWith('[') ? Number(key.slice(1, -1)) : key))
  let target: any = data
  keys.slice(0, -1).forEach((key, index) => {
    if (target[key] === null || typeof target[key] !== 'object') target[key] = typeof keys[index + 1] === 'number' ? [] : {}
    target = target[key]
  })
  target[keys[keys.length - 1]!] = value
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value ? [value] : []
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}
