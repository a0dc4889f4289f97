import { invalidArgument } from './errors'

/** `db.serverDate({ offset })`: the server's clock at write time, plus `offset` milliseconds. */
export class ServerDate {
  readonly offset: number
  constructor(options?: { offset?: number }) {
    const offset = options && options.offset !== undefined ? options.offset : 0
    if (typeof offset !== 'number' || !isFinite(offset)) {
      throw invalidArgument('serverDate', `offset must be a number of milliseconds, got ${String(offset)}`)
    }
    this.offset = offset
  }
  get _internalType(): string {
    return 'ServerDate'
  }
}

/** True for a {@link ServerDate} of any copy of mpcloud. */
export function isServerDate(value: unknown): value is ServerDate {
  return !!value && (value as ServerDate)._internalType === 'ServerDate'
}
