/** mpcloud/wx in http mode: the scenarios over the wx fake's request and SocketTask, against the emulator. */
import { createWx } from '../fakes/wx'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('wx, http', () => {
  const { wx, control } = createWx()
  return httpTarget({ global: 'wx', fake: wx, entry: () => import('../../adapters/wx/index'), dispose: () => control.dispose() })
})
