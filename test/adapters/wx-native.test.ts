/** mpcloud/wx in native mode: the scenarios through the shared decoder onto wx.cloud (official builder). */
import { createWxCloud } from '../fakes/clouds'
import { createWx } from '../fakes/wx'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('wx, native', () =>
  nativeTarget({
    global: 'wx',
    fake: async (emulator) => {
      const { wx, control } = createWx({ cloud: (await createWxCloud(emulator)) as never })
      return { host: wx, dispose: () => control.dispose() }
    },
    entry: () => import('../../adapters/wx/index'),
  }),
)
