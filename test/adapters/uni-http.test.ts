/**
 * mpcloud/uni in http mode (H5 and App builds): the scenarios over uni's request and SocketTask, with
 * Vue 3's and Vue 2's promise conventions (mpcloud passes callbacks, so both must work the same).
 */
import { createUni } from '../fakes/uni'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('uni (web, Vue 3), http', () => {
  const { uni, control } = createUni({ vue: 3, uniPlatform: 'web' })
  return httpTarget({ global: 'uni', fake: uni, entry: () => import('../../adapters/uni/index'), dispose: () => control.dispose() })
})
