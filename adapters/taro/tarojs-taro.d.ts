// Our view of the peer dependency, so the adapter builds without installing Taro (its peers pin rollup 3).
declare module '@tarojs/taro' {
  const Taro: import('./taro-api').TaroApi
  export default Taro
}
