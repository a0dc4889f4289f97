/**
 * Regular expressions from requests, matched in linear time. V8's RegExp backtracks: `/(a+)+$/` over 27
 * "a"s and a "!" takes seconds, on the one event loop every request shares. `LinearRegExp` is a RegExp
 * (mingo and the codec take it as one) whose `exec` runs RE2 (re2js), linear in the input whatever the
 * pattern; mingo's operators that would copy it into a plain RegExp turn it back (regex-operators.ts). `test`, `match`, `matchAll`, `replace`, `search` and `split` all reach
 * `exec` (ECMA-262's RegExpExec looks it up on the object), so every way of matching is linear.
 *
 * The pattern is read as JavaScript writes it (re2js translates the syntax), flags `i`, `m`, `s` keep their
 * meaning, `g` and `y` their `lastIndex` behaviour. Where RE2 reads an escape otherwise than JavaScript
 * (`\A`, `\z`, `\Q…\E`, `\pL` are RE2's, as in PCRE, CloudBase's engine; `\s` is ASCII whitespace), RE2's
 * reading is what matches. RE2 has no backreferences and no lookarounds: such a pattern is refused when
 * it is first matched (a query's, when the query is prepared), with a message saying so.
 */
import { RE2JS } from 're2js'
import { invalidParam } from '../errors'

/** Compiled programs by flags and source, so a query shape seen before is not compiled again. Bounded: emptied when full. */
const programs = new Map<string, RE2JS>()
const MAX_PROGRAMS = 500

/** What in `source` RE2 could not run, in words a person can act on. */
function unsupported(source: string, reason: string): string {
  if (/\(\?[=!]/.test(reason)) return 'uses a lookahead ((?= or (?!)'
  if (/\(\?<[=!]/.test(reason)) return 'uses a lookbehind ((?<= or (?<!)'
  if (/escape sequence: `\\[1-9]/.test(reason) || hasNamedBackreference(source)) return 'uses a backreference (\\1 or \\k<name>)'
  if (/repeat count/.test(reason)) return 'repeats more than 1000 times ({n} with n > 1000)'
  return `cannot be compiled by RE2 (${reason})`
}

/** `\k<name>`: re2js's translation would read it as the letters "k<name>", so it is refused before. */
function hasNamedBackreference(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue
    if (source[i + 1] === 'k' && source[i + 2] === '<') return true
    i++ // the escaped character: `\\k<` is a backslash, then "k<"
  }
  return false
}

function refuse(source: string, flags: string, reason: string): never {
  throw invalidParam(
    `the regular expression /${source}/${flags} ${unsupported(source, reason)}: the emulator matches regular expressions with a linear-time engine (RE2), which cannot run it, although CloudBase's engine can; rewrite the pattern without it`,
  )
}

function compile(source: string, flags: string): RE2JS {
  const key = `${flags}/${source}`
  const cached = programs.get(key)
  if (cached) return cached
  if (hasNamedBackreference(source)) refuse(source, flags, '\\k<name>')
  let options = 0
  if (flags.indexOf('i') >= 0) options |= RE2JS.CASE_INSENSITIVE
  if (flags.indexOf('m') >= 0) options |= RE2JS.MULTILINE
  if (flags.indexOf('s') >= 0) options |= RE2JS.DOTALL
  let program: RE2JS
  try {
    program = RE2JS.compile(RE2JS.translateRegExp(source), options)
  } catch (error) {
    refuse(source, flags, error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error))
  }
  if (programs.size >= MAX_PROGRAMS) programs.clear()
  programs.set(key, program)
  return program
}

/** The first match in `text` from `from` on (null: none), as `exec` answers it. */
interface Search {
  text: string
  from: number
  match: RegExpExecArray | null
}

/** A RegExp that matches through RE2, in time linear in the input. */
export class LinearRegExp extends RegExp {
  private program: RE2JS | undefined
  /** The last search, so that a sticky `exec` at each position (`split` does that) is not a search per position. */
  private last: Search | undefined

  /** Compiles the pattern for RE2 now: refuses, with the message a person can act on, what RE2 cannot run. */
  check(): this {
    this.compiled()
    return this
  }

  override exec(input: string): RegExpExecArray | null {
    const text = String(input)
    const stateful = this.global || this.sticky
    const start = stateful ? this.lastIndex : 0
    const found = start > text.length ? null : this.search(text, start).match
    // Sticky: only a match starting at `start`. Leftmost-first, a match found from before `start` that
    // starts there is the one found from `start`.
    const match = found && (!this.sticky || found.index === start) ? found : null
    if (stateful) this.lastIndex = match ? match.index + match[0].length : 0
    return match
  }

  /** The first match from `start` on, from the last search when it already answers that. */
  private search(text: string, start: number): Search {
    const last = this.last
    if (last && last.text === text && last.from <= start && (!last.match || start <= last.match.index)) return last
    return (this.last = { text, from: start, match: this.find(text, start) })
  }

  private find(text: string, start: number): RegExpExecArray | null {
    const program = this.compiled()
    // The DFA answers "is there a match" fastest, and most strings a filter tests do not match.
    if (start === 0 && !program.test(text)) return null
    const matcher = program.matcher(text)
    if (!matcher.find(start)) return null
    const match: (string | undefined)[] = []
    for (let group = 0; group <= matcher.groupCount(); group++) {
      const value = matcher.group(group)
      match.push(value === null ? undefined : value)
    }
    const named = program.namedGroups()
    let groups: Record<string, string | undefined> | undefined
    for (const name of Object.keys(named)) {
      groups = groups || (Object.create(null) as Record<string, string | undefined>)
      groups[name] = match[named[name]!]
    }
    return Object.assign(match, { index: matcher.start(), input: text, groups }) as RegExpExecArray
  }

  override test(input: string): boolean {
    // Without `g`/`y` there is no lastIndex to move, and no capture is wanted: the DFA alone answers.
    if (!this.global && !this.sticky) return this.compiled().test(String(input))
    return this.exec(input) !== null
  }

  private compiled(): RE2JS {
    return this.program || (this.program = compile(this.source, this.flags))
  }
}

/**
 * The linear-time version of any RegExp: mingo copies the RegExps of a query into plain ones
 * (`new RegExp(re)` when it clones a condition), so its operators turn them back before matching.
 */
export function linear(pattern: RegExp): LinearRegExp {
  return pattern instanceof LinearRegExp ? pattern : new LinearRegExp(pattern.source, pattern.flags)
}
