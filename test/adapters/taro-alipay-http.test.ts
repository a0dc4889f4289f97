/** mpcloud/taro in http mode on Alipay: Taro's Alipay layer (status→statusCode, the global socket bound to a task). */
import { createTaro } from '../fakes/taro'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('Taro (alipay), http', () => {
  const { Taro, control } = createTaro({ env: 'ALIPAY' })
  return httpTarget({ global: 'Taro', fake: Taro, entry: () => import('../../adapters/taro/index'), dispose: () => control.dispose() })
})
