/**
 * Actions named by a method and a path pattern (`GET /v1/a/:x/b`), as the gateway dialect's are: which
 * pattern a request's method and path match, and the values of its `:name` segments. A literal segment
 * wins over a `:name` one, whatever order the patterns come in.
 */
import { invalidParam } from '../errors'

interface Compiled {
  name: string
  method: string
  segments: string[]
  literals: number
}

/** A request resolved to its pattern: the pattern (the action's name) and its path parameters. */
export interface PatternMatch {
  action: string
  params: Record<string, string>
}

/** The matcher of `patterns` (each `METHOD /path/with/:params`). */
export function pathPatterns(patterns: readonly string[]): (method: string, path: string) => PatternMatch | undefined {
  const compiled: Compiled[] = patterns.map((name) => {
    const [method = '', path = ''] = name.split(' ')
    const segments = path.split('/')
    return { name, method, segments, literals: segments.filter((s) => s[0] !== ':').length }
  })
  compiled.sort((a, b) => b.literals - a.literals)
  return (method, path) => {
    const segments = path.split('/')
    for (const pattern of compiled) {
      if (pattern.method !== method || pattern.segments.length !== segments.length) continue
      const params: Record<string, string> = Object.create(null)
      const matched = pattern.segments.every((segment, i) => {
        const given = segments[i]!
        if (segment[0] !== ':') return segment === given
        if (!given) return false
        params[segment.slice(1)] = decoded(given)
        return true
      })
      if (matched) return { action: pattern.name, params }
    }
    return undefined
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw invalidParam(`the path segment ${JSON.stringify(segment.slice(0, 64))} is not valid percent-encoding`)
  }
}
