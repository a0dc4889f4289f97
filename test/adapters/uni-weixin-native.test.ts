/** mpcloud/uni on mp-weixin (detected at run time): native mode through WeChat's cloud (`wx.cloud`). */
import { createWxCloud } from '../fakes/clouds'
import { createUni } from '../fakes/uni'
import { createWx } from '../fakes/wx'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('uni (mp-weixin), native', () =>
  nativeTarget({
    global: 'uni',
    fake: async (emulator) => {
      const { uni, control } = createUni({ vue: 3, uniPlatform: 'mp-weixin' })
      const wx = createWx({ cloud: (await createWxCloud(emulator)) as never })
      return {
        host: uni,
        also: { wx: wx.wx },
        dispose: () => {
          control.dispose()
          wx.control.dispose()
        },
      }
    },
    entry: () => import('../../adapters/uni/index'),
  }),
)
