/**
 * `mpcloud.schema.json`, the schema editors check `mpcloud.json` with, agrees with the emulator's own reading
 * of the file (emulator/cli/project.ts): the same keys, and the same verdict on each sample below, valid or
 * not. The samples are the documented forms (README, docs/triggers.md, docs/security-rules.md) and their
 * usual mistakes; the verdicts are checked by a real JSON Schema validator (ajv).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv from 'ajv'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_KEYS, readProject } from '../../emulator/cli/project'
import { createEnforcement } from '../../emulator/rules/enforcement'
import schema from '../../mpcloud.schema.json'

const dir = mkdtempSync(join(tmpdir(), 'mpcloud-schema-'))
writeFileSync(join(dir, 'rules.json'), '{}')
writeFileSync(join(dir, 'todos.json'), '[]')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const validate = new Ajv({ allErrors: true }).compile(schema)

/** Whether the emulator command accepts `json` as the project's mpcloud.json. */
function emulatorAccepts(json: unknown): boolean {
  writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify(json))
  try {
    // Rules written inline are compiled by the emulator command as it starts (a mistake names the rule's line).
    const { inlineRules } = readProject(dir)
    if (inlineRules) createEnforcement(inlineRules)
    return true
  } catch {
    return false
  }
}

const VALID: unknown[] = [
  {},
  { $schema: './node_modules/mpcloud/mpcloud.schema.json', env: 'my-env', collections: ['todos'], functions: '.', rules: 'rules.json' },
  { rules: 'open' },
  { rules: { database: { todos: 'PRIVATE', posts: { read: true, write: 'doc._openid == auth.openid' } }, storage: 'READONLY', functions: { '*': { invoke: 'auth != null' } } } },
  { http: { '/api': 'api', '/': 'home' } },
  { databaseTriggers: [{ name: 'onOrderCreate', collection: 'orders', events: ['insert'], condition: { all: [{ field: 'status', op: '=', value: 'new' }] }, function: 'onOrderCreate' }] },
  { databaseTriggers: [{ name: 'big', collection: 'orders', condition: { any: [{ field: 'total', op: '>=', value: 100 }] }, function: 'audit' }] },
  { seed: { todos: 'todos.json', tags: [{ _id: 't1', name: 'home', at: { $date: '2026-01-01T00:00:00Z' } }] } },
]

const INVALID: unknown[] = [
  { unknown: 1 },
  { env: 'has space' },
  { collections: 'todos' },
  { collections: [''] },
  { http: { api: 'api' } },
  { http: { '/api': 'no spaces' } },
  { rules: 7 },
  { rules: { database: { todos: 'SECRET' } } },
  { rules: { database: { todos: { read: true, list: true } } } },
  { databaseTriggers: [{ name: 'a', collection: 'c' }] },
  { databaseTriggers: [{ name: 'a', collection: 'c', function: 'f', events: [] }] },
  { databaseTriggers: [{ name: 'a', collection: 'c', function: 'f', events: ['insert', 'insert'] }] },
  { databaseTriggers: [{ name: 'a', collection: 'c', function: 'f', condition: { all: [{ field: 'x', op: '~', value: 1 }] } }] },
  { seed: ['todos.json'] },
  { seed: { todos: 3 } },
]

describe('mpcloud.schema.json', () => {
  it('has the keys the emulator reads, and $schema', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', ...PROJECT_KEYS].sort())
  })

  it.each(VALID.map((json) => [JSON.stringify(json), json]))('accepts what the emulator accepts: %s', (_, json) => {
    expect(emulatorAccepts(json)).toBe(true)
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each(INVALID.map((json) => [JSON.stringify(json), json]))('refuses what the emulator refuses: %s', (_, json) => {
    expect(emulatorAccepts(json)).toBe(false)
    expect(validate(json)).toBe(false)
  })
})
