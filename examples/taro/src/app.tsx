import { type PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import cloud from 'mpcloud/taro'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // The same line in every build. mpcloud/taro-plugin (config/index.ts) compiles the local emulator's
    // endpoint in for development builds, so they talk to the emulator it starts; production builds get no
    // endpoint and use the platform's own cloud (Taro.cloud on weapp). H5 has no native cloud: an H5
    // production build needs a deployed endpoint, `cloud.init({ env, endpoint: 'https://...' })`.
    cloud.init({ env: 'demo-env' })
  })
  return children
}

export default App
