/** mpcloud/uni on mp-alipay over an endpoint: uni's Alipay layer (fileName, fileType, apFilePath) under wx naming. */
import { createUni } from '../fakes/uni'
import { httpTarget } from './http-target'
import { scenarios } from './scenarios'

scenarios('uni (mp-alipay), http', () => {
  const { uni, control } = createUni({ vue: 3, uniPlatform: 'mp-alipay' })
  return httpTarget({ global: 'uni', fake: uni, entry: () => import('../../adapters/uni/index'), dispose: () => control.dispose() })
})
