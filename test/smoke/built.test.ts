/**
 * The built package, as users get it: `dist/` ESM and CJS entries import cleanly, run a query, and
 * contain only ES2015 syntax (mini program hosts lack `?.`, `??` and `globalThis`). `npm test` builds
 * before it runs this.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'
import type * as Mpcloud from '../../src/index'
import { recordingTransport } from '../helpers/recording-transport'

const DIST = new URL('../../dist/', import.meta.url)
const require = createRequire(import.meta.url)

async function whereGet(sdk: typeof Mpcloud) {
  const transport = recordingTransport()
  const cloud = sdk.createCloud({ transport, commands: sdk.createCommand, aggregate: sdk.Aggregate })
  cloud.init({ env: 'smoke' })
  const db = cloud.database()
  const result = await db.collection('todos').where({ n: db.command.gt(1) }).get()
  return { result, request: transport.last() }
}

describe('built output', () => {
  it('ESM entry: dist/index.js', async () => {
    const sdk = (await import(new URL('index.js', DIST).href)) as typeof Mpcloud
    const { result, request } = await whereGet(sdk)
    expect(result).toEqual({ data: [], errMsg: 'collection.get:ok' })
    expect(request).toEqual({ action: 'database.queryDocument', collectionName: 'todos', queryType: 'WHERE', query: { n: { $gt: 1 } }, limit: 100 })
  })

  it('CJS entry: dist/index.cjs', async () => {
    const sdk = require(new URL('index.cjs', DIST).pathname) as typeof Mpcloud
    const { request } = await whereGet(sdk)
    expect(request.query).toEqual({ n: { $gt: 1 } })
    expect(sdk.isCloudError(new sdk.CloudError('a', 'SYS_ERR', 'b'))).toBe(true)
  })

  it('dist/emulator.js and dist/node.js (mpcloud/emulator, mpcloud/node) talk over HTTP', async () => {
    const { startEmulator } = (await import(new URL('emulator.js', DIST).href)) as typeof import('../../emulator/index')
    const node = (await import(new URL('node.js', DIST).href)) as typeof import('../../adapters/node/index')
    const emulator = await startEmulator({ port: 0, collections: ['todos'] })
    try {
      node.cloud.init({ env: emulator.env, endpoint: emulator.url })
      const db = node.cloud.database()
      const { _id } = await db.collection('todos').add({ data: { n: 1 } })
      expect((await db.collection('todos').doc(_id).get()).data).toEqual({ _id, _openid: expect.stringMatching(/^o/), n: 1 })
    } finally {
      await emulator.stop()
    }
  })

  it('dist/testing.js (mpcloud/testing) uses dist/node.js: its errors are the same CloudError class', async () => {
    const testing = (await import(new URL('testing.js', DIST).href)) as typeof import('../../testing/index')
    const node = (await import(new URL('node.js', DIST).href)) as typeof import('../../adapters/node/index')
    const env = await testing.createTestEnvironment({ collections: ['todos'], rules: { database: { todos: { read: 'doc._openid == auth.openid', write: true } } } })
    try {
      const denied = await testing.assertFails(env.authenticatedContext('o-a').database().collection('todos').get())
      expect(denied).toBeInstanceOf(node.CloudError)
    } finally {
      await env.cleanup()
    }
  })

  it('bundled types: dist/index.d.ts declares the public API', () => {
    const dts = readFileSync(new URL('index.d.ts', DIST), 'utf8')
    for (const name of ['createCloud', 'CollectionTypes', 'CloudError', 'Database', 'Query', 'Aggregate']) {
      expect(dts).toMatch(new RegExp(`\\b${name}\\b`))
    }
  })

  it('every file that ships to mini programs parses as ES2015 and never names globalThis', () => {
    // The emulator, mpcloud/testing, the CLI and the build plugins (emulator.*, testing.*, cli.js, node/,
    // taro-plugin.*, vite.*) run on Node 20 only, inside the developer's build, never in a mini program.
    const files = readdirSync(DIST, { recursive: true })
      .map(String)
      .filter((f) => /\.c?js$/.test(f) && !/^(emulator\.|testing\.|cli\.|node\/|taro-plugin\.|vite\.)/.test(f))
      .map((f) => new URL(f, DIST))
      .concat(new URL('../../miniprogram_dist/index.js', import.meta.url))
    expect(files.length).toBeGreaterThan(8)
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
      // A real parse: ?., ??, object spread, async functions, class fields... are all syntax errors here.
      expect(() => parse(code, { ecmaVersion: 2015, sourceType: /\.cjs$|miniprogram_dist/.test(file.pathname) ? 'script' : 'module' }), file.pathname).not.toThrow()
      expect(code, file.pathname).not.toMatch(/\bglobalThis\b/)
    }
  })
})
