/**
 * The gateway's function path (docs/protocol.md §8): `POST /v1/functions/<name>` with the caller's data as
 * the body runs `functions.invokeFunction`, and the reply's body is the function's return value itself.
 */
import type { Route } from './route'

export const FUNCTION_ROUTES: Record<string, Route> = {
  'POST /v1/functions/:name': {
    target: (request) => request.params.name,
    async run(request, call) {
      // The body as sent is the client dialect's `request_data` (JSON text, or '' for no data).
      const answer = await call('functions.invokeFunction', { function_name: request.params.name, request_data: request.text })
      return (answer.data as { response_data: string }).response_data
    },
  },
}
