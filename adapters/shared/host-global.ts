/** The one error every host entry gives when its host global is missing. */
import { CloudError } from '../../src/index'

export function missingHost(entry: string, global: string): CloudError {
  return new CloudError('cloud', 'RESOURCE_NOT_INITIAL', `${entry} runs where the ${global} global exists; elsewhere use mpcloud/node, or createCloud({ platform }) from mpcloud`)
}
