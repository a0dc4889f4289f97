/**
 * Every path the gateway dialect serves, by its action name: `METHOD /v1/path/:param`. The HTTP envelope
 * resolves a request to one of these patterns; a path not here is answered INVALID_ACTION (404).
 */
import { DATABASE_ROUTES } from './database-routes'
import { FUNCTION_ROUTES } from './functions-routes'
import type { Route } from './route'
import { STORAGE_ROUTES } from './storage-routes'

export const GATEWAY_ROUTES: Record<string, Route> = { ...DATABASE_ROUTES, ...FUNCTION_ROUTES, ...STORAGE_ROUTES }
