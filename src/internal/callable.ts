/**
 * Wraps a class so it can be called with or without `new`, as wx's `db.Geo.Point(lng, lat)` and
 * `db.RegExp({...})` are. `instanceof` works on the wrapper.
 */
export function callable<A extends unknown[], T>(Class: new (...args: A) => T): { new (...args: A): T; (...args: A): T } {
  function Wrapper(...args: A): T {
    return new Class(...args)
  }
  Wrapper.prototype = Class.prototype
  return Wrapper as unknown as { new (...args: A): T; (...args: A): T }
}
