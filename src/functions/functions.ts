/**
 * `cloud.callFunction`: runs a cloud function with `data` and resolves its return value (docs/protocol.md §8:
 * action `functions.invokeFunction`, the data and the result travel as JSON text).
 */
import { invalidArgument, CloudError } from '../protocol/errors'
import { isObjectLike } from '../internal/is'
import type { Callbacks } from '../core/callbackify'
import type { Requester } from '../core/request'

/** `callFunction()` options, as on wx. */
export interface CallFunctionOptions<R = unknown> extends Callbacks<CallFunctionResult<R>> {
  /** The function's name. */
  name: string
  /** The event the function receives (JSON: dates become strings, as on wx). */
  data?: Record<string, unknown>
  /** Per call: another environment. */
  config?: { env?: string }
}

/** wx's `CallFunctionResult`. */
export interface CallFunctionResult<R = unknown> {
  result: R
  errMsg: string
  requestID?: string
}

const API = 'cloud.callFunction'
/** CloudBase function names: letters, digits, `-` and `_`, starting with a letter, at most 60. */
const NAME = /^[A-Za-z][\w-]{0,59}$/

/** Calls a function through `send` (the requester of the call's environment). */
export function invokeFunction<R>(send: Requester, options: CallFunctionOptions<R>): Promise<CallFunctionResult<R>> {
  if (!options || typeof options.name !== 'string' || !NAME.test(options.name)) {
    throw invalidArgument(API, `takes { name, data }: name is the function's name (letters, digits, "-", "_"), got ${options ? String(options.name) : 'nothing'}`)
  }
  const { data } = options
  if (data !== undefined && !isObjectLike(data)) throw invalidArgument(API, 'data must be an object (the event the function receives)')
  let requestData: string
  try {
    requestData = JSON.stringify(data || {})
  } catch (error) {
    throw invalidArgument(API, `data cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  return send(API, { action: 'functions.invokeFunction', function_name: options.name, request_data: requestData }).then((response) => {
    const text = response.data && (response.data as { response_data?: unknown }).response_data
    let result: unknown = text
    if (typeof text === 'string') {
      try {
        result = JSON.parse(text)
      } catch {
        // A function may return plain text: wx hands it over as a string.
      }
    } else if (text === undefined) {
      throw new CloudError(API, 'SDK_ERROR', `function ${options.name} answered without response_data`, response.requestId)
    }
    const out: CallFunctionResult<R> = { result: result as R, errMsg: `${API}:ok` }
    if (response.requestId) out.requestID = response.requestId
    return out
  })
}
