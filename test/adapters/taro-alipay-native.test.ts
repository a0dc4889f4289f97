/** mpcloud/taro on Alipay: native mode through `Taro.cloud` (Alipay's `my.cloud`, copied over by Taro). */
import { createMyCloud } from '../fakes/clouds'
import { createTaro } from '../fakes/taro'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('Taro (alipay), native', () =>
  nativeTarget({
    global: 'Taro',
    fake: async (emulator) => {
      const { Taro, control } = createTaro({ env: 'ALIPAY', cloud: (await createMyCloud(emulator)) as never })
      return { host: Taro, dispose: () => control.dispose() }
    },
    entry: () => import('../../adapters/taro/index'),
    lacks: ['watch', 'aggregate.sort', 'add.batch'],
  }),
)
