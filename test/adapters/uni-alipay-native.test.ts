/** mpcloud/uni on mp-alipay (detected at run time): native mode through Alipay's cloud context. */
import { createMyCloud } from '../fakes/clouds'
import { createMy } from '../fakes/my'
import { createUni } from '../fakes/uni'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('uni (mp-alipay), native', () =>
  nativeTarget({
    global: 'uni',
    fake: async (emulator) => {
      const { uni, control } = createUni({ vue: 3, uniPlatform: 'mp-alipay' })
      const my = createMy({ cloud: (await createMyCloud(emulator)) as never })
      return {
        host: uni,
        also: { my: my.my },
        dispose: () => {
          control.dispose()
          my.control.dispose()
        },
      }
    },
    entry: () => import('../../adapters/uni/index'),
    lacks: ['watch', 'aggregate.sort', 'add.batch'],
  }),
)
