/**
 * How much one request may make the engine build. MongoDB bounds a document at 16 MB (BSON) and a
 * pipeline stage's memory at 100 MB; the emulator bounds the values operators build the same way, so a
 * single request cannot grow the process without limit (`$range: [0, 1e9]`, a `$reduce` that doubles a
 * string at every step).
 */
import { EmulatorError } from '../errors'

/** The largest document CloudBase (MongoDB) stores, and the largest value one operator may build. */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024

/**
 * What one request's operators may build in all (MongoDB's memory limit of a pipeline stage): a loop
 * (`$map`, `$reduce`, `$unwind`) that builds a bounded value many times is bounded too.
 */
export const MAX_BUILT_BYTES = 100 * 1024 * 1024

/** The most an aggregation may answer, all its documents together. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024

/** `16 MB`, `1.2 GB`: sizes in the unit a person reads them in (MB = 2^20 bytes, as MongoDB counts). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`
  return `${Math.ceil(bytes / 1024)} KB`
}

/** The refusal of a request that would build too much: a resource limit, not a malformed request. */
export function limitExceeded(message: string): EmulatorError {
  return new EmulatorError('DATABASE_REQUEST_FAILED', message)
}

/** `larger than 16 MB (about 11.2 GB)`: how far past `limit` a size is, when that reads differently. */
export function beyond(bytes: number, limit: number): string {
  const about = formatBytes(bytes)
  return about === formatBytes(limit) ? `larger than ${about}` : `larger than ${formatBytes(limit)} (about ${about})`
}

/**
 * Refuses a value of `bytes` that `operator` is about to build (or has built), when it is over
 * `MAX_VALUE_BYTES`. `known`: `bytes` is the value's size, not where measuring it stopped.
 */
export function checkValue(operator: string, bytes: number, what = 'a value', known = true): void {
  if (bytes > MAX_VALUE_BYTES) {
    const size = known ? beyond(bytes, MAX_VALUE_BYTES) : `larger than ${formatBytes(MAX_VALUE_BYTES)}`
    throw limitExceeded(`${operator} would build ${what} ${size}; the emulator allows at most ${formatBytes(MAX_VALUE_BYTES)} per value (MongoDB's document limit)`)
  }
}

/**
 * The bytes one request's operators have built so far. Each request (query, aggregation, update, or one
 * watch test) gets its own; `charge` refuses the request once the total passes `MAX_BUILT_BYTES`.
 */
export class Budget {
  private used = 0

  /** Counts `bytes` built by `operator`; throws when the request has built more than it may. */
  charge(operator: string, bytes: number): void {
    this.used += bytes
    if (this.used > MAX_BUILT_BYTES) {
      throw limitExceeded(`${operator}: this request has built more than ${formatBytes(MAX_BUILT_BYTES)} of values, the most one request may build (MongoDB's memory limit of a pipeline stage); build smaller values, or fewer ($map, $reduce, $unwind steps)`)
    }
  }

  /** Starts counting again (a watch's matcher, before each document it tests). */
  reset(): void {
    this.used = 0
  }
}
