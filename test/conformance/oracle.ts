/**
 * Reads the conformance oracle: test/fixtures/cloudbase-wire-examples.txt (the requests
 * described in docs/protocol.md, kept in the repository), captured by running
 * the official, unmodified SDKs with recording transports. PART A holds the `/web` bodies js-sdk 3.7.0
 * (serializer @cloudbase/database 0.12.1) sends ("J" cases); PART C what @cloudbase/database 1.4.3 hands
 * its transport ("N" cases, EJSON strings).
 */
import { readFileSync } from 'node:fs'

export const ORACLE_URL = new URL('../fixtures/cloudbase-wire-examples.txt', import.meta.url)

/** Envelope fields every body carries; they say nothing about the operation. */
const ENVELOPE = ['dataVersion', 'env', 'access_token', 'seqId']

export interface OracleCase {
  /** `J18b` */
  id: string
  /** The heading after the id, e.g. `where({done:false}).get()  [defaults: limit 100]`. */
  title: string
  /** Every request body the case sent, in order, as parsed JSON (envelope included). */
  bodies: Record<string, unknown>[]
  /** `N` cases: the `params` handed to the transport. */
  params: Record<string, unknown>[]
  /** The message after `!! threw:`, when the official SDK threw. */
  threw?: string
}

const text = readFileSync(ORACLE_URL, 'utf8')

/** The text between the `# PART <letter>.` banner and the next banner. */
function part(letter: string): string {
  const start = text.indexOf(`# PART ${letter}.`)
  if (start < 0) throw new Error(`the oracle has no PART ${letter}`)
  const end = text.indexOf('\n# PART ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}

function parseCases(section: string): Map<string, OracleCase> {
  const cases = new Map<string, OracleCase>()
  for (const chunk of section.split(/^### /m).slice(1)) {
    const [heading = '', ...lines] = chunk.split('\n')
    const space = heading.indexOf(' ')
    const id = heading.slice(0, space)
    const entry: OracleCase = { id, title: heading.slice(space + 1).trim(), bodies: [], params: [] }
    for (const line of lines) {
      const trimmed = line.trim()
      if (trimmed.startsWith('body: ')) entry.bodies.push(JSON.parse(trimmed.slice(6)))
      else if (trimmed.startsWith('params: ')) entry.params.push(JSON.parse(trimmed.slice(8)))
      else if (trimmed.startsWith('!! threw: ')) entry.threw = trimmed.slice(10)
    }
    cases.set(id, entry)
  }
  return cases
}

/** PART A: js-sdk CLOUD_API (client dialect A) cases J1..J31. */
export const J_CASES: Map<string, OracleCase> = parseCases(part('A'))
/** PART C: @cloudbase/database 1.4.3 cases N1..N25. */
export const N_CASES: Map<string, OracleCase> = parseCases(part('C'))

export function jCase(id: string): OracleCase {
  const found = J_CASES.get(id)
  if (!found) throw new Error(`the oracle has no case ${id}`)
  return found
}

/** A body without `dataVersion`, `env`, `access_token` and `seqId`. */
export function withoutEnvelope(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(body)) if (ENVELOPE.indexOf(key) < 0) out[key] = body[key]
  return out
}

/** Case `id`'s only body, without the envelope. */
export function oracleBody(id: string): Record<string, unknown> {
  const { bodies } = jCase(id)
  if (bodies.length !== 1) throw new Error(`${id} sent ${bodies.length} requests, not one`)
  return withoutEnvelope(bodies[0]!)
}

/**
 * Canonical EJSON numbers (`{"$numberInt":"1"}`, `$numberDouble`, `$numberLong`) to plain numbers: the
 * 1.4.3 dialect's values in the client dialect's form.
 */
export function relaxNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relaxNumbers)
  if (!value || typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const keys = Object.keys(object)
  if (keys.length === 1 && /^\$number(Int|Double|Long)$/.test(keys[0]!)) return Number(object[keys[0]!])
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = relaxNumbers(object[key])
  return out
}

/** The value at `path` (keys) of a parsed body, failing loudly when the oracle does not have it. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (!current || typeof current !== 'object' || !(key in current)) {
      throw new Error(`the oracle has no value at ${path.join(' > ')}`)
    }
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
