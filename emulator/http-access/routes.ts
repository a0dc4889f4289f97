/**
 * HTTP access routes (docs/http-access.md): a path prefix served by a cloud function, as CloudBase's HTTP
 * access service maps a trigger path to a function (`{ "/api": "api" }`). A route serves its own path and
 * every path below it; the longest matching prefix wins.
 */

/** Letters, digits, `_` and `-`, as CloudBase function names (the functions service checks the same). */
const FUNCTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/

/** A trigger path: `/`, or `/` followed by segments of URL path characters (no query, fragment or `..`). */
const ROUTE_PATH = /^\/(?:[A-Za-z0-9._~!$&'()*+,;=:@%-]+\/?)*$/

/** One route, normalized: `prefix` has no trailing `/` (except the root route `/`). */
export interface Route {
  prefix: string
  fn: string
}

/**
 * The routes of `{ path: functionName }`, checked and normalized, longest prefix first. A mistake throws an
 * Error that names the route and says what it must be.
 */
export function parseRoutes(routes: Record<string, string>, what = 'http routes'): Route[] {
  if (!routes || typeof routes !== 'object' || Array.isArray(routes)) throw new Error(`${what} must be an object of { "/path": "functionName" }`)
  const parsed: Route[] = []
  for (const [path, fn] of Object.entries(routes)) {
    if (!ROUTE_PATH.test(path) || /(^|\/)\.\.?(\/|$)/.test(path)) {
      throw new Error(`${what}: the route ${JSON.stringify(path)} must be a path starting with "/" (no query, no "..", e.g. "/api")`)
    }
    if (typeof fn !== 'string' || !FUNCTION_NAME.test(fn)) {
      throw new Error(`${what}: the route ${JSON.stringify(path)} must name a function (letters, digits, "_" and "-", at most 60), not ${JSON.stringify(fn)}`)
    }
    const prefix = path.length > 1 ? path.replace(/\/+$/, '') : path
    if (parsed.some((route) => route.prefix === prefix)) throw new Error(`${what}: the route ${JSON.stringify(prefix)} is given twice`)
    parsed.push({ prefix, fn })
  }
  return parsed.sort((a, b) => b.prefix.length - a.prefix.length)
}

/** The route serving `pathname` (the longest prefix it is, or is under), and the path relative to it. */
export function matchRoute(routes: readonly Route[], pathname: string): { route: Route; path: string } | undefined {
  for (const route of routes) {
    if (route.prefix === '/') return { route, path: pathname }
    if (pathname === route.prefix || pathname.startsWith(`${route.prefix}/`)) return { route, path: pathname.slice(route.prefix.length) || '/' }
  }
  return undefined
}
