/**
 * Failures the emulator reports in CloudBase's wire form `{ code, message, requestId }` (docs/protocol.md §13).
 * Handlers throw an `EmulatorError`; the server turns it into a response and keeps serving.
 */
export class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status to answer with; CloudBase answers 200 with a `code` in the body. */
    readonly status = 200,
  ) {
    super(message)
  }
}

/** CloudBase's answer for a collection that was never created (-502005). */
export function collectionMissing(collection: string): EmulatorError {
  return new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', `collection ${collection} not exists`)
}

/** A request parameter is missing or has the wrong type. */
export function invalidParam(message: string): EmulatorError {
  return new EmulatorError('INVALID_PARAM', message)
}

/**
 * A value from a request, as an error message shows it: strings quoted and cut short, other primitives as
 * they are, objects by their kind. Never `String(value)`: an object whose `toString` is not a function
 * throws there, inside the very error meant to refuse it.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value)
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
