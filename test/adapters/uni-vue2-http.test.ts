/** mpcloud/uni in http mode on an App build with Vue 2 (`[err, res]` promises, which mpcloud avoids). */
import { createUni } from '../fakes/uni'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('uni (app, Vue 2), http', () => {
  const { uni, control } = createUni({ vue: 2, uniPlatform: 'app' })
  return httpTarget({ global: 'uni', fake: uni, entry: () => import('../../adapters/uni/index'), dispose: () => control.dispose() })
})
