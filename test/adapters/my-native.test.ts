/**
 * mpcloud/my in native mode: the scenarios through the shared decoder onto an Alipay cloud context
 * (official builder dressed as Alipay documents it). Alipay has no watch and four aggregation stages.
 */
import { createMyCloud } from '../fakes/clouds'
import { createMy } from '../fakes/my'
import { nativeTarget } from './native-target'
import { scenarios } from './scenarios'

scenarios('my, native', () =>
  nativeTarget({
    global: 'my',
    fake: async (emulator) => {
      const { my, control } = createMy({ cloud: (await createMyCloud(emulator)) as never })
      return { host: my, dispose: () => control.dispose() }
    },
    entry: () => import('../../adapters/my/index'),
    lacks: ['watch', 'aggregate.sort', 'add.batch'],
  }),
)
