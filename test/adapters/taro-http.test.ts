/** mpcloud/taro in http mode on weapp: the scenarios over Taro's promise-with-abort request and Promise<SocketTask>. */
import { createTaro } from '../fakes/taro'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('Taro (weapp), http', () => {
  const { Taro, control } = createTaro({ env: 'WEAPP' })
  return httpTarget({ global: 'Taro', fake: Taro, entry: () => import('../../adapters/taro/index'), dispose: () => control.dispose() })
})
