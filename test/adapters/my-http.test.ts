/** mpcloud/my in http mode: the scenarios over the Alipay fake's request and SocketTask, against the emulator. */
import { createMy } from '../fakes/my'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('my, http', () => {
  const { my, control } = createMy()
  return httpTarget({ global: 'my', fake: my, entry: () => import('../../adapters/my/index'), dispose: () => control.dispose() })
})
