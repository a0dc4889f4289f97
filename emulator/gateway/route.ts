/**
 * What a gateway route is: the REST request as the HTTP envelope hands it over, and a translation of it
 * into calls of the client dialect's actions (the same handlers `/web` runs), whose answers it reshapes
 * into the gateway's reply. The helpers read the REST request's parts with messages naming them.
 */
import { invalidParam, shown } from '../errors'
import type { Answer } from '../pipeline/service'

/** The gateway request the pipeline is handed (emulator/http/server.ts builds it). */
export interface GatewayBody {
  /** The route pattern's path parameters (`:collection` → `params.collection`), percent-decoded. */
  params: Record<string, string>
  /** The query string's parameters. */
  search: Record<string, string>
  /** The body parsed as JSON; `undefined` when there is none. */
  json: unknown
  /** The body as sent ('' when there is none). */
  text: string
}

/** Runs the client dialect's action `name` on `body` for this request's caller: its rules, checks and log decisions apply. */
export type Call = (name: string, body: Record<string, unknown>) => Promise<Answer>

export interface Route {
  /** What the request is about, for the log (a collection, a function, a file). */
  target?(request: GatewayBody): string | undefined
  /** The reply's JSON text. */
  run(request: GatewayBody, call: Call): Promise<string>
}

type AnyObject = Record<string, unknown>

export const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value)

/** The body, which must be a JSON object. */
export function objectBody(request: GatewayBody): AnyObject {
  if (!isObject(request.json)) throw invalidParam('the request body must be a JSON object')
  return request.json
}

/** The body, which must be a JSON array of at most `max` items. */
export function arrayBody(request: GatewayBody, max: number): unknown[] {
  const list = request.json
  if (!Array.isArray(list) || !list.length) throw invalidParam('the request body must be a non-empty JSON array')
  if (list.length > max) throw invalidParam(`the request body has ${list.length} items; at most ${max} per call`)
  return list
}

/** A boolean member of the body, if given. */
export function flagOf(body: AnyObject, key: string): boolean | undefined {
  const value = body[key]
  if (value !== undefined && typeof value !== 'boolean') throw invalidParam(`${key} must be true or false, got ${shown(value)}`)
  return value
}

/** A non-empty string member of the body, if given. */
export function stringOf(body: AnyObject, key: string): string | undefined {
  const value = body[key]
  if (value !== undefined && (typeof value !== 'string' || !value)) throw invalidParam(`${key} must be a non-empty string, got ${shown(value)}`)
  return value
}

/** A query parameter holding a non-negative integer, if given. */
export function integerParam(search: Record<string, string>, key: string): number | undefined {
  const text = search[key]
  if (text === undefined) return undefined
  if (!/^\d{1,15}$/.test(text)) throw invalidParam(`the query parameter ${key} must be a non-negative integer, got ${shown(text)}`)
  return Number(text)
}

/** A query parameter holding JSON, if given. */
export function jsonParam(search: Record<string, string>, key: string): unknown {
  const text = search[key]
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw invalidParam(`the query parameter ${key} is not valid JSON`)
  }
}

/** The JSON text of an answer's `data`: most routes reply with what the client action answered. */
export const dataOf = (answer: Answer): string => JSON.stringify(answer.data)
