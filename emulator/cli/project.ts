/**
 * What `npx mpcloud emulator` learns from the project folder it runs in, before any flag: a WeChat cloud
 * project's `project.config.json` (`cloudfunctionRoot`: where the functions are), a CloudBase project's
 * `cloudbaserc.json` (`envId`, `functionRoot`), and `mpcloud.json`, which says what those cannot (the
 * environment's collections and its security rules). A flag always wins over the files; `mpcloud.json`
 * wins over the other two.
 *
 * `mpcloud.json`:
 * ```json
 * { "env": "my-env", "collections": ["todos"], "functions": "cloudfunctions", "rules": "rules.json", "http": { "/api": "api" } }
 * ```
 * `rules` is a rules file's path (followed while it changes, as `--rules FILE`), `"open"`, or the rules
 * themselves; `http` the HTTP access routes (path prefix → function, as `--http /api=api`);
 * `databaseTriggers` the database triggers (`[{ "name", "collection", "events", "condition", "function" }]`,
 * docs/triggers.md), which no flag sets; `seed` the documents each collection starts with when it is empty
 * (`{ "todos": "seed/todos.json", "tags": [{ "_id": "t1", "name": "home" }] }`: a file, of one JSON array or of
 * JSON Lines as a CloudBase export writes, or the documents themselves; values in EJSON, e.g.
 * `{ "$date": "2026-01-01T00:00:00Z" }`). Paths are relative to the project folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { SeedDocuments } from '../database/seed'
import { parseEJSON } from '../query/ejson'
import type { RulesSource } from '../rules/gate'
import { checkDatabaseTriggers, type DatabaseTrigger } from '../triggers/database-config'
import { UsageError } from './options'

/** What the project files say, as the emulator command's option values (`env`, `collection`, `functions`, `rules`). */
export interface ProjectDefaults {
  env?: string
  collection?: string[]
  functions?: string
  /** A rules file's absolute path, or `open`. */
  rules?: string
  /** Rules written in `mpcloud.json` itself. */
  inlineRules?: RulesSource
  /** HTTP access routes, as `--http` values (`/api=api`). */
  http?: string[]
  /** mpcloud.json's database triggers, checked. */
  databaseTriggers?: DatabaseTrigger[]
  /** mpcloud.json's seed documents, decoded. */
  seed?: SeedDocuments
  /** The files read, and what each said, for the banner. */
  found: string[]
}

/** The keys of `mpcloud.json`, each with what it must be (mpcloud.schema.json says the same for editors). */
const KEYS: Record<string, string> = {
  env: 'an environment id (letters, digits, _ and -)',
  collections: 'an array of collection names',
  functions: "the folder of the cloud functions, relative to the project",
  rules: 'a rules file (relative to the project), "open", or the rules object ({ "database", "storage", "functions" })',
  http: 'an object of HTTP access routes, each a path starting with "/" and the function serving it ({ "/api": "api" })',
  databaseTriggers: 'an array of database triggers ({ "name", "collection", "events"?, "condition"?, "function" })',
  seed: 'an object of collection name → its documents: an array of them, or a file (relative to the project) of a JSON array or JSON Lines',
}

/** `mpcloud.json`'s keys, besides `$schema`. */
export const PROJECT_KEYS: readonly string[] = Object.keys(KEYS)

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)

/** The JSON object in `file`, or undefined when there is no such file; a file that is not one is a UsageError naming it. */
function readJsonObject(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!isObject(json)) throw new UsageError(`${file} must hold a JSON object`)
  return json
}

/** `relative`, resolved in `dir`, when it is a folder that exists. */
function folderIn(dir: string, relative: unknown, what: string): string {
  const folder = resolve(dir, String(relative))
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${what} names the folder ${folder}, which does not exist`)
  return folder
}

/** The documents of one JSON Lines text (a CloudBase export) or JSON array text, in EJSON; `where` names them in errors. */
function documentsOf(text: string, where: string): Record<string, unknown>[] {
  const decode = (json: string, at: string): unknown => {
    try {
      return parseEJSON(json, at, Date.now(), `${at} is not JSON`)
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error))
    }
  }
  const whole = text.trimStart().startsWith('[')
  const values = whole ? decode(text, where) : text.split('\n').flatMap((line, index) => (line.trim() ? [decode(line, `${where} line ${index + 1}`)] : []))
  if (!Array.isArray(values)) throw new UsageError(`${where} must hold a JSON array of documents or one document per line`)
  values.forEach((doc, index) => {
    if (!isObject(doc)) throw new UsageError(`${where}${whole ? `[${index}]` : ` document ${index + 1}`} must be an object, not ${JSON.stringify(doc)}`)
  })
  return values as Record<string, unknown>[]
}

/** mpcloud.json's "seed": each collection's documents, read from their file or written inline. */
function readSeed(dir: string, value: unknown, wrong: () => UsageError): SeedDocuments {
  if (!isObject(value)) throw wrong()
  const seed: Record<string, Record<string, unknown>[]> = {}
  for (const [collection, given] of Object.entries(value)) {
    const where = `mpcloud.json: "seed"."${collection}"`
    if (typeof given === 'string' && given) {
      const file = resolve(dir, given)
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${where} names the file ${file}, which does not exist`)
      seed[collection] = documentsOf(readFileSync(file, 'utf8'), file)
    } else if (Array.isArray(given)) seed[collection] = documentsOf(JSON.stringify(given), where)
    else throw wrong()
  }
  return seed
}

/** Reads the project files of `dir` (none of them is required). */
export function readProject(dir: string): ProjectDefaults {
  const defaults: ProjectDefaults = { found: [] }

  const wechat = readJsonObject(join(dir, 'project.config.json'))
  if (wechat && typeof wechat.cloudfunctionRoot === 'string' && wechat.cloudfunctionRoot) {
    defaults.functions = folderIn(dir, wechat.cloudfunctionRoot, 'project.config.json\'s "cloudfunctionRoot"')
    defaults.found.push(`project.config.json (functions in ${wechat.cloudfunctionRoot})`)
  }

  const cloudbase = readJsonObject(join(dir, 'cloudbaserc.json'))
  if (cloudbase) {
    if (typeof cloudbase.envId === 'string' && cloudbase.envId) defaults.env = cloudbase.envId
    if (typeof cloudbase.functionRoot === 'string' && cloudbase.functionRoot) defaults.functions = folderIn(dir, cloudbase.functionRoot, 'cloudbaserc.json\'s "functionRoot"')
    defaults.found.push('cloudbaserc.json')
  }

  const file = join(dir, 'mpcloud.json')
  const own = readJsonObject(file)
  if (!own) return defaults
  const wrong = (key: string, value: unknown) => new UsageError(`mpcloud.json: "${key}" must be ${KEYS[key]}, not ${JSON.stringify(value)}`)
  for (const [key, value] of Object.entries(own)) {
    // An editor's pointer to mpcloud.schema.json (the same keys, for completion and checking as one types).
    if (key === '$schema') continue
    if (!Object.prototype.hasOwnProperty.call(KEYS, key)) throw new UsageError(`mpcloud.json: unknown key "${key}"; the keys are ${Object.keys(KEYS).join(', ')}`)
    if (key === 'env') {
      if (typeof value !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/.test(value)) throw wrong(key, value)
      defaults.env = value
    } else if (key === 'collections') {
      if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && name)) throw wrong(key, value)
      defaults.collection = value as string[]
    } else if (key === 'functions') {
      if (typeof value !== 'string' || !value) throw wrong(key, value)
      defaults.functions = folderIn(dir, value, 'mpcloud.json\'s "functions"')
    } else if (key === 'http') {
      if (!isObject(value) || !Object.entries(value).every(([path, fn]) => path.startsWith('/') && typeof fn === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_-]{0,59}$/.test(fn))) throw wrong(key, value)
      defaults.http = Object.entries(value).map(([path, fn]) => `${path}=${fn as string}`)
    } else if (key === 'databaseTriggers') {
      try {
        defaults.databaseTriggers = checkDatabaseTriggers(value, 'mpcloud.json: "databaseTriggers"')
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error))
      }
    } else if (key === 'seed') {
      defaults.seed = readSeed(dir, value, () => wrong(key, value))
    } else if (typeof value === 'string' && value) {
      defaults.rules = value === 'open' ? 'open' : resolve(dir, value)
    } else if (isObject(value)) {
      defaults.inlineRules = value as RulesSource
    } else throw wrong(key, value)
  }
  defaults.found.push('mpcloud.json')
  return defaults
}
