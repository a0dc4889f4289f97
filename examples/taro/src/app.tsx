import { type PropsWithChildren } from 'react'
import Taro, { useLaunch } from '@tarojs/taro'
import cloud from 'mpcloud/taro'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    if (Taro.getEnv() === Taro.ENV_TYPE.WEB) {
      // H5 has no native cloud: use an endpoint, here the local emulator
      // (`npx mpcloud emulator --env demo-env --collection todos`), over Taro.request and Taro.connectSocket.
      cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
    } else {
      // weapp: WeChat's cloud (Taro.cloud, i.e. wx.cloud); alipay: Alipay's (my.cloud). mpcloud picks it from
      // process.env.TARO_ENV. For the emulator on a mini program too, pass the endpoint as above:
      // cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
      cloud.init({ env: 'demo-env' })
    }
  })
  return children
}

export default App
