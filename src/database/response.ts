import { CloudError } from '../protocol/errors'
import type { ProtocolResponse } from '../protocol/database'

/** The `data` member of a successful response, or a clear error when a server sent something else. */
export function dataOf(response: ProtocolResponse, api: string): Record<string, unknown> {
  const data = response.data
  if (!data || typeof data !== 'object') {
    throw new CloudError(api, 'SDK_ERROR', 'the server sent a response without data', response.requestId)
  }
  return data as Record<string, unknown>
}
