import { invalidArgument } from './errors'

/** `db.RegExp({ regexp, options })`: a regular expression given as a string, for patterns built at run time. */
export class DbRegExp {
  readonly regexp: string
  readonly options: string | undefined
  constructor(init: { regexp: string; options?: string }) {
    if (!init || typeof init.regexp !== 'string' || !init.regexp) {
      throw invalidArgument('RegExp', 'takes { regexp: string, options?: string } with a non-empty regexp')
    }
    if (init.options !== undefined && (typeof init.options !== 'string' || !/^[imsux]*$/.test(init.options))) {
      throw invalidArgument('RegExp', `options may only contain the flags i, m, s, u and x, got ${String(init.options)}`)
    }
    this.regexp = init.regexp
    this.options = init.options
  }
  get _internalType(): string {
    return 'RegExp'
  }
}

/** True for a {@link DbRegExp} of any copy of mpcloud. */
export function isDbRegExp(value: unknown): value is DbRegExp {
  return !!value && (value as DbRegExp)._internalType === 'RegExp'
}
