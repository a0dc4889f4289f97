// Taro's Babel preset (babel-preset-taro, installed with Taro's toolchain: see README.md).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
}
