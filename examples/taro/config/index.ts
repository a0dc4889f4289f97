import type { IProjectConfig } from '@tarojs/taro/types/compile'

/**
 * This repository links mpcloud into the app (node_modules/mpcloud -> ../../.., as `npm install` does for
 * `file:../..`). webpack resolves a link to its real path by default, and from the repository's dist/ it
 * cannot find mpcloud's peer `@tarojs/taro`, which only this app has installed; resolving from the link's
 * path finds the app's copy. An app that installs mpcloud from npm does not need this.
 */
const resolveLinksInPlace = (chain: { resolve: { symlinks(value: boolean): unknown } }) => {
  chain.resolve.symlinks(false)
}

/**
 * Taro's build configuration. An app created by `taro init` writes `export default defineConfig(...)` from
 * `@tarojs/cli`; a plain object is accepted as well, and is typed here with @tarojs/taro's own config type so
 * that this file type-checks without installing the CLI.
 */
const config: IProjectConfig<'webpack5'> = {
  projectName: 'mpcloud-taro',
  date: '2024-1-1',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: 'dist',
  // Development builds (`taro build --watch`) talk to a local emulator the plugin starts from mpcloud.json;
  // production builds to the platform's cloud (docs/plugins.md).
  plugins: [['mpcloud/taro-plugin', { env: 'demo-env' }]],
  defineConstants: {},
  copy: { patterns: [], options: {} },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  mini: {
    // Source maps in production builds too (Taro writes them only for watch builds by default), hidden (no
    // sourceMappingURL in the shipped scripts): the repository's toolchain test measures from them how many
    // bytes mpcloud adds to the app.
    enableSourceMap: true,
    sourceMapType: 'hidden-source-map',
    webpackChain: resolveLinksInPlace,
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
    },
  },
  h5: {
    publicPath: '/',
    webpackChain: resolveLinksInPlace,
    staticDirectory: 'static',
    postcss: {
      autoprefixer: { enable: true, config: {} },
    },
  },
}

export default config
