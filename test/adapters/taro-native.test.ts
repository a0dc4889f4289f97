/** mpcloud/taro on weapp: native mode through `Taro.cloud` (which Taro sets to wx.cloud). */
import { createWxCloud } from '../fakes/clouds'
import { createTaro } from '../fakes/taro'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('Taro (weapp), native', () =>
  nativeTarget({
    global: 'Taro',
    fake: async (emulator) => {
      const { Taro, control } = createTaro({ env: 'WEAPP', cloud: (await createWxCloud(emulator)) as never })
      return { host: Taro, dispose: () => control.dispose() }
    },
    entry: () => import('../../adapters/taro/index'),
  }),
)
