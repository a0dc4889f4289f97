/**
 * ESM + CJS bundles and bundled typings per entry and condition (`.d.ts` for `import`, `.d.cts` for
 * `require`). A circular import fails the build (docs/architecture.md, import rule 8); modules are declared
 * side-effect free so unused features drop out.
 */
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin, type RollupLog } from 'rollup'
import { dts } from 'rollup-plugin-dts'
import esbuild, { minify } from 'rollup-plugin-esbuild'

// Shared chunks are named by their content's hash: a build over an old dist/ would leave the old chunks
// beside the new ones, and `npm pack` would ship them. Each build starts from an empty dist/.
rmSync(fileURLToPath(new URL('./dist', import.meta.url)), { recursive: true, force: true })

/** Entries that ship to mini programs and browsers: ES2015, no dependencies. */
const entries = {
  index: 'src/index.ts',
  node: 'adapters/node/index.ts',
  wx: 'adapters/wx/index.ts',
  my: 'adapters/my/index.ts',
  uni: 'adapters/uni/index.ts',
  taro: 'adapters/taro/index.ts',
}
/** ES2015 is what every mini program host runs (no optional chaining, no `??`). */
const es2015 = () => esbuild({ target: 'es2015', tsconfig: 'tsconfig.json' })
/**
 * Node-only entries: the emulator, `mpcloud/testing`, the build plugins (`mpcloud/taro-plugin`, `mpcloud/vite`)
 * and the CLI, with their npm dependencies left external. One build, so the plugins share the emulator's
 * chunks instead of carrying a copy.
 */
const nodeEntries = { emulator: 'emulator/index.ts', testing: 'testing/index.ts', 'taro-plugin': 'plugins/taro.ts', vite: 'plugins/vite.ts' }
/**
 * `mpcloud/testing` builds clouds with `mpcloud/node`: it imports that entry's file rather than a copy of the
 * SDK, so a `CloudError` from a test context is the same class as the user's.
 */
const NODE_ADAPTER = fileURLToPath(new URL('./adapters/node/index.ts', import.meta.url))
const nodeAdapterAs = (file: string) => (id: string) => (id === NODE_ADAPTER ? file : id)
const external = [/^node:/, 'better-sqlite3', 'mingo', /^mingo\//, 'bson', 'ws', 'busboy', 're2js', 'jsep', 'croner', 'protobufjs', /^@turf\//, '@tarojs/taro']

/** An extra file next to a bundle: `mpcloud/wx` in a mini program is the same drop-in as `mpcloud`. */
function alsoWrite(fileName: string, source: string): Plugin {
  return { name: 'also-write', generateBundle() { this.emitFile({ type: 'asset', fileName, source }) } }
}

/** This package's package.json: the uni_modules manifest carries its version and description. */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string; description: string; license: string }

/**
 * uni-app's plugin market format (`uni_modules/<id>`, docs/plugins.md): a manifest with uni's `dcloudext` and
 * `uni_modules` keys, a readme, and the uni entry built from the same sources as `mpcloud/uni` into one
 * ES2015 file, `js_sdk/index.js`. A build output, so there is no second copy of the SDK to keep in step.
 */
const uniModule = {
  manifest: () =>
    JSON.stringify(
      {
        id: 'mpcloud',
        displayName: 'mpcloud: wx.cloud for uni-app, with a local emulator',
        version: pkg.version,
        description: pkg.description,
        keywords: ['wx.cloud', 'cloudbase', '云开发', 'emulator', 'mpcloud'],
        license: pkg.license,
        engines: { HBuilderX: '^3.1.0' },
        dcloudext: {
          category: ['JS SDK', '通用 SDK'],
          declaration: {
            ads: '无',
            data: '插件不采集任何数据；云开发请求只发往应用自己配置的云环境（微信或支付宝云开发，或 cloud.init 的 endpoint）',
            permissions: '无',
          },
          npmurl: 'https://www.npmjs.com/package/mpcloud',
        },
        uni_modules: {
          dependencies: [],
          encrypt: [],
          platforms: {
            cloud: { tcb: 'u', aliyun: 'u', alipay: 'u' },
            client: {
              Vue: { vue2: 'y', vue3: 'y' },
              App: { 'app-vue': 'y', 'app-nvue': 'u' },
              'H5-mobile': { Safari: 'y', 'Android Browser': 'y', '微信浏览器(Android)': 'y', 'QQ浏览器(Android)': 'u' },
              'H5-pc': { Chrome: 'y', IE: 'n', Edge: 'y', Firefox: 'y', Safari: 'y' },
              小程序: { 微信: 'y', 阿里: 'y', 百度: 'u', 字节跳动: 'u', QQ: 'u' },
              快应用: { 华为: 'u', 联盟: 'u' },
            },
          },
        },
      },
      null,
      2,
    ) + '\n',
  readme: () =>
    [
      '# mpcloud',
      '',
      "`wx.cloud`'s API for uni-app: WeChat's cloud on mp-weixin, Alipay's on mp-alipay, and over HTTP (the local",
      'emulator, or a CloudBase endpoint) on H5 and App. The same SDK as the npm package `mpcloud` (`mpcloud/uni`),',
      'version ' + pkg.version + '.',
      '',
      '```js',
      "import cloud from '@/uni_modules/mpcloud/js_sdk/index.js'",
      "cloud.init({ env: 'my-env-1a2b' })",
      "const { data } = await cloud.database().collection('todos').get()",
      '```',
      '',
      'The local emulator (`npx mpcloud emulator`) and the vite plugin that points development builds at it',
      "(`import mpcloud from 'mpcloud/vite'`) come with the npm package: `npm install -D mpcloud`.",
      '',
    ].join('\n'),
}

function failOnCircular(log: RollupLog, warn: (log: RollupLog) => void): void {
  if (log.code === 'CIRCULAR_DEPENDENCY') throw new Error(`circular import: ${log.message}`)
  warn(log)
}

export default defineConfig([
  {
    input: entries,
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'shared/[name]-[hash].js' },
      // `interop: 'auto'`: Taro's CommonJS build may export itself or `{ default }`.
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'shared/[name]-[hash].cjs', exports: 'named', interop: 'auto' },
    ],
    // The Node adapter's socket library and Node built-ins, and Taro (a peer dependency of mpcloud/taro).
    external: ['ws', /^node:/, '@tarojs/taro'],
    plugins: [es2015()],
    treeshake: { moduleSideEffects: false },
    onwarn: failOnCircular,
  },
  {
    // WeChat DevTools "build npm" copies the `miniprogram` directory as it is: one self-contained CommonJS
    // file, the wx entry, so `require('mpcloud')` in a mini program is the drop-in `wx.cloud`.
    input: { index: 'adapters/wx/index.ts' },
    output: { dir: 'miniprogram_dist', format: 'cjs', entryFileNames: '[name].js', exports: 'named' },
    // Minified: this file is what counts against the mini program's 2 MB package.
    plugins: [es2015(), minify({ target: 'es2015' }), alsoWrite('wx.js', "module.exports = require('./index.js')\n")],
    treeshake: { moduleSideEffects: false },
    onwarn: failOnCircular,
  },
  {
    input: { index: 'adapters/wx/index.ts' },
    output: { dir: 'miniprogram_dist', format: 'es', entryFileNames: '[name].d.ts' },
    plugins: [dts({ tsconfig: 'tsconfig.json' }), alsoWrite('wx.d.ts', "export * from './index'\nexport { default } from './index'\n")],
    onwarn: failOnCircular,
  },
  {
    input: { index: 'adapters/uni/index.ts' },
    output: { dir: 'dist/uni_modules/mpcloud', format: 'es', entryFileNames: 'js_sdk/[name].js', inlineDynamicImports: true },
    plugins: [es2015(), alsoWrite('package.json', uniModule.manifest()), alsoWrite('readme.md', uniModule.readme())],
    treeshake: { moduleSideEffects: false },
    onwarn: failOnCircular,
  },
  {
    input: { index: 'adapters/uni/index.ts' },
    output: { dir: 'dist/uni_modules/mpcloud', format: 'es', entryFileNames: 'js_sdk/[name].d.ts' },
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    onwarn: failOnCircular,
  },
  {
    input: nodeEntries,
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'node/[name]-[hash].js', paths: nodeAdapterAs('./node.js') },
      // `exports: 'named'`: a plugin's default export is `exports.default` beside `__esModule`, which Taro's
      // Kernel unwraps (@tarojs/helper getModuleDefaultExport) and which the `.d.cts` `export default` describes.
      { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'node/[name]-[hash].cjs', paths: nodeAdapterAs('./node.cjs'), exports: 'named' },
    ],
    external: [...external, NODE_ADAPTER],
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.json' })],
    treeshake: { moduleSideEffects: false },
    onwarn: failOnCircular,
  },
  {
    // The CLI runs on import, so its module side effects are kept.
    input: { cli: 'emulator/cli.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'node/[name]-[hash].js' },
    external,
    plugins: [esbuild({ target: 'node20', tsconfig: 'tsconfig.json' })],
    onwarn: failOnCircular,
  },
  {
    input: Object.assign({}, entries, nodeEntries),
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
      // The same declarations for the `require` condition: a `.d.cts` is CommonJS to TypeScript whatever the
      // package's `"type"`, and its imports name the `.cjs` files, so a CommonJS user never meets ESM-only types
      // (TS1479, attw "Masquerading as ESM"). A second output of one build: the declarations are made once.
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: '[name]-[hash].d.cts' },
    ],
    external,
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
    onwarn: failOnCircular,
  },
])
