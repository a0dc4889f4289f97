/**
 * The two ways a security rule fails before it answers: its text is not a rule (found once, when the
 * rule is compiled), or one evaluation went past CloudBase's `get()` limits (found at request time).
 */
import { EmulatorError } from '../errors'

/** Where a 0-based index falls in `source`, 1-based as editors count lines and columns. */
function lineAndColumn(source: string, position: number): { line: number; column: number } {
  const before = source.slice(0, position)
  const lineStart = before.lastIndexOf('\n') + 1
  return { line: before.split('\n').length, column: position - lineStart + 1 }
}

/** The text at `position`, quoted and cut short, so a message shows the part that is wrong. */
function excerpt(source: string, position: number): string {
  if (position >= source.length) return 'at the end of the rule'
  const rest = source.slice(position).split('\n')[0] ?? ''
  return `at \`${rest.length > 24 ? `${rest.slice(0, 24)}…` : rest}\``
}

/**
 * A rule expression that is not valid: a syntax error, a construct the rule language refuses (arithmetic,
 * calls other than `get`, assignments, ...) or a rule over the 1024-character limit. The message says what
 * is wrong, where (line and column) and quotes the text there.
 */
export class RuleSyntaxError extends EmulatorError {
  /** 0-based index into the rule's text. */
  readonly position: number
  /** 1-based line of `position`. */
  readonly line: number
  /** 1-based column of `position` in its line. */
  readonly column: number
  /** What is wrong, without the location (the message adds it). */
  readonly description: string

  constructor(description: string, source: string, position: number) {
    const { line, column } = lineAndColumn(source, position)
    super('INVALID_PARAM', `${description} (line ${line}, column ${column}, ${excerpt(source, position)})`)
    this.name = 'RuleSyntaxError'
    this.description = description
    this.position = position
    this.line = line
    this.column = column
  }
}

/**
 * One evaluation of a rule went past a `get()` limit (at most 3 calls per evaluation, 10 distinct
 * documents per request). CloudBase refuses such a request; so does the emulator, with this message.
 */
export class RuleLimitError extends EmulatorError {
  constructor(message: string) {
    super('DATABASE_PERMISSION_DENIED', message)
    this.name = 'RuleLimitError'
  }
}
