/**
 * CloudBase error codes (docs/protocol.md §13) and the one error type every mpcloud API fails with.
 *
 * Server errors arrive as `{ code, message, requestId }` with a string `code`; wx.cloud reports them as
 * numeric `errCode`s with an `errMsg` of `'<api>:fail <errCode> <description>. <server message>'`.
 */

/** Numeric wx `errCode` and a short English description for each string code CloudBase sends. */
const CODES: Record<string, [number, string]> = {
  SYS_ERR: [-501001, 'system error'],
  SERVER_TIMEOUT: [-501002, 'server timeout'],
  EXCEED_REQUEST_LIMIT: [-501003, 'request limit exceeded'],
  EXCEED_CONCURRENT_REQUEST_LIMIT: [-501004, 'concurrent request limit exceeded'],
  INVALID_ENV: [-501005, 'invalid env'],
  INVALIID_ENV: [-501005, 'invalid env'],
  INVALID_COMMON_PARAM: [-501006, 'invalid common parameters'],
  INVALID_PARAM: [-501007, 'invalid parameters'],
  INVALID_REQUEST_SOURCE: [-501008, 'invalid request source'],
  RESOURCE_NOT_INITIAL: [-501009, 'resource not initialized'],
  DATABASE_REQUEST_FAILED: [-502001, 'database request fail'],
  DATABASE_INVALID_OPERRATOR: [-502002, 'invalid database operator'],
  DATABASE_PERMISSION_DENIED: [-502003, 'database permission denied'],
  DATABASE_COLLECTION_EXCEED_LIMIT: [-502004, 'database collection count exceeds limit'],
  DATABASE_COLLECTION_NOT_EXIST: [-502005, 'database collection not exists'],
  STORAGE_REQUEST_FAIL: [-503001, 'storage request fail'],
  STORAGE_EXCEED_AUTHORITY: [-503002, 'storage permission denied'],
  STORAGE_FILE_NONEXIST: [-503003, 'storage file not exists'],
  STORAGE_SIGN_PARAM_INVALID: [-503004, 'invalid storage signature'],
  FUNCTIONS_REQUEST_FAIL: [-504001, 'functions request fail'],
  FUNCTIONS_EXECUTE_FAIL: [-504002, 'functions execute fail'],
  // SDK-side codes (wx's -401xxx family).
  INVALID_ARGUMENT: [-401002, 'invalid parameter'],
  NETWORK_ERROR: [-1, 'network error'],
  TIMEOUT: [-1, 'request timeout'],
  SDK_ERROR: [-1, 'sdk error'],
}

/** The numeric wx errCode of a CloudBase string code; unknown codes map to `SYS_ERR` (-501001) as wx-server-sdk does. */
export function errCodeOf(code: string): number {
  const known = CODES[code]
  return known ? known[0] : -501001
}

/**
 * The string code of a wx errCode: the reverse of {@link errCodeOf} for the codes CloudBase servers send
 * (`-502005` → `'DATABASE_COLLECTION_NOT_EXIST'`); `undefined` for wx's local -1 and unknown numbers.
 */
export function serverCodeOf(errCode: number): string | undefined {
  for (const code in CODES) if (CODES[code]![0] === errCode && errCode !== -1) return code
  return undefined
}

/** True for a code CloudBase servers send (mpcloud's local codes have errCode -1). */
export function isServerCode(code: string): boolean {
  const known = Object.prototype.hasOwnProperty.call(CODES, code) ? CODES[code] : undefined
  return known ? known[0] !== -1 : code === 'DATABASE_TRANSACTION_CONFLICT'
}

/** The shape of a failed protocol response. */
export interface ErrorResponse {
  code: string
  message?: string
  requestId?: string
}

/**
 * The error every mpcloud API fails with: wx's `errCode`/`errMsg`, plus the server's string `code`
 * and the `requestId` to quote in a support ticket.
 */
export class CloudError extends Error {
  /** wx's numeric code: negative cloud codes, or -1 for local failures. */
  readonly errCode: number
  /** `'<api>:fail <errCode> <description>. <detail>'` (or `'<api>:fail <detail>'` for errCode -1). */
  readonly errMsg: string
  /** The CloudBase string code, e.g. `DATABASE_COLLECTION_NOT_EXIST` or `INVALID_ARGUMENT`. */
  readonly code: string
  readonly requestId: string | undefined

  /**
   * @param known the errCode and description of a code this table does not hold (a feature's own codes,
   *   kept with the feature so bundles without it do not carry them)
   */
  constructor(api: string, code: string, detail: string, requestId?: string, known: [number, string] | undefined = CODES[code]) {
    const errCode = known ? known[0] : -501001
    const errMsg =
      errCode === -1 ? `${api}:fail ${detail}` : `${api}:fail ${errCode} ${known ? known[1] : code}. ${detail}`
    super(errMsg)
    this.name = 'CloudError'
    this.errCode = errCode
    this.errMsg = errMsg
    this.code = code
    this.requestId = requestId
  }
}

/** True for a {@link CloudError} from any copy of mpcloud (no `instanceof`, so two bundles interoperate). */
export function isCloudError(value: unknown): value is CloudError {
  const e = value as CloudError | null
  return !!e && typeof e.errCode === 'number' && typeof e.errMsg === 'string' && typeof e.code === 'string'
}

/** An input validation failure of `api`, with a message that says what to fix. */
export function invalidArgument(api: string, detail: string): CloudError {
  return new CloudError(api, 'INVALID_ARGUMENT', detail)
}
