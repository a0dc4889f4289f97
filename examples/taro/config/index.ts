import type { IProjectConfig } from '@tarojs/taro/types/compile'

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
  plugins: [],
  defineConstants: {},
  copy: { patterns: [], options: {} },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  mini: {
    postcss: {
      pxtransform: { enable: true, config: {} },
      cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
    },
  },
  h5: {
    publicPath: '/',
    staticDirectory: 'static',
    postcss: {
      autoprefixer: { enable: true, config: {} },
    },
  },
}

export default config
