/** A function's config.json: what it declares, its defaults without one, and one-line errors naming the file and key. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readFunctionConfig } from '../../emulator/functions/function-config'

const dir = mkdtempSync(join(tmpdir(), 'mpcloud-function-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function withConfig(name: string, text: string | undefined): string {
  mkdirSync(join(dir, name), { recursive: true })
  if (text !== undefined) writeFileSync(join(dir, name, 'config.json'), text)
  return name
}

describe('config.json', () => {
  it('gives the timeout (seconds), env variables, open APIs and the timer trigger', () => {
    const name = withConfig(
      'full',
      JSON.stringify({ timeout: 20, envVariables: { MODE: 'test' }, permissions: { openapi: ['subscribeMessage.send'] }, triggers: [{ name: 'daily', type: 'timer', config: '0 0 2 * * * *' }] }),
    )
    expect(readFunctionConfig(dir, name)).toEqual({
      timeoutMs: 20_000,
      envVariables: { MODE: 'test' },
      openapi: ['subscribeMessage.send'],
      triggers: [{ name: 'daily', type: 'timer', config: '0 0 2 * * * *' }],
    })
  })

  it('without a config.json: no timeout of its own, nothing declared', () => {
    expect(readFunctionConfig(dir, withConfig('bare', undefined))).toEqual({ envVariables: {}, openapi: [], triggers: [] })
  })

  it.each([
    ['{ "timeout": 3, }', /not JSON \(strict JSON: no comments, no trailing commas\)/],
    ['[]', /must hold a JSON object/],
    ['{ "timeout": 1000 }', /"timeout" must be a number of seconds from 1 to 900, not 1000/],
    ['{ "envVariables": { "A": 1 } }', /"envVariables" must be an object of strings/],
    ['{ "permissions": { "openapi": "subscribeMessage.send" } }', /"permissions" must be \{ "openapi"/],
    ['{ "triggers": [{ "name": "a", "type": "timer", "config": "* * * * * * *" }, { "name": "b", "type": "timer", "config": "* * * * * * *" }] }', /CloudBase takes one per function/],
    ['{ "triggers": [{ "name": "1st", "type": "timer", "config": "* * * * * * *" }] }', /"name" must start with a letter/],
    ['{ "triggers": [{ "name": "db", "type": "database", "config": "x" }] }', /"type" must be "timer"/],
  ])('refuses %s, naming the file and what is wrong', (text, message) => {
    const name = withConfig(`bad-${Math.random().toString(36).slice(2)}`, text)
    expect(() => readFunctionConfig(dir, name)).toThrow(new RegExp(`config\\.json: .*${message.source}`))
  })
})
