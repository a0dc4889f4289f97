/**
 * HTTP access from the command line and the project folder: `--http PATH=FUNCTION` (repeatable) and
 * `--http-port N`, mpcloud.json's `"http": { "/api": "api" }`, checked with one-line errors; the banner
 * names each route's URL and function, and each request prints one event line.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readProject } from '../../emulator/cli/project'
import { startEmulatorCommand } from '../helpers/cli'
import { writeFunction } from '../helpers/functions'

const CLI = new URL('../../emulator/cli.ts', import.meta.url).pathname
/** tsx by its path: the commands run in temp folders, where no node_modules would find it. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const args = (...rest: string[]) => ['--import', TSX, CLI, ...rest]

let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-http-cli-'))
  writeFunction(join(dir, 'cloudfunctions'), 'api', `exports.main = (event) => ({ path: event.path, method: event.httpMethod })`)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `mpcloud emulator ...` from source in `cwd`, until its banner is out. */
const serve = (cwd: string, ...rest: string[]) => startEmulatorCommand(args('emulator', ...rest), cwd)

describe('mpcloud.json "http"', () => {
  it('gives the routes as --http values', () => {
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ functions: 'cloudfunctions', http: { '/api': 'api', '/': 'api' } }))
    expect(readProject(dir).http).toEqual(['/api=api', '/=api'])
  })

  it('a route that is not a path, or a function that is not a name, is one error naming the key', () => {
    for (const http of [['/api'], { api: 'api' }, { '/api': 3 }, { '/api': '../x' }]) {
      writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ http }))
      expect(() => readProject(dir)).toThrow(/^mpcloud\.json: "http" must be an object of HTTP access routes, each a path starting with "\/" and the function serving it/)
    }
  })
})

describe('mpcloud emulator --http', () => {
  it('serves each route on the HTTP port, says so in the banner, and prints one event per request', async () => {
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ functions: 'cloudfunctions' }))
    const emulator = await serve(dir, '--port', '0', '--http-port', '0', '--http', '/api=api', '--http', '/hook/=api')
    try {
      const lines = emulator.output().split('\n')
      const api = lines.find((line) => /^ {2}http {7}http:\/\/127\.0\.0\.1:\d+\/api → api/.test(line))
      expect(api, emulator.output()).toBeDefined()
      expect(lines.some((line) => /^ {2}http {7}http:\/\/127\.0\.0\.1:\d+\/hook → api/.test(line))).toBe(true)
      const url = /(http:\/\/\S+)\/api/.exec(api!)![1]!
      expect(url).not.toBe(/endpoint\s+(http:\/\/\S+)/.exec(emulator.output())![1])
      const response = await fetch(`${url}/hook/a/b`, { method: 'DELETE' })
      expect(await response.json()).toEqual({ path: '/a/b', method: 'DELETE' })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(emulator.output()).toMatch(/\[mpcloud\] \S+ http DELETE \/hook\/a\/b guest api ok/)
    } finally {
      await emulator.stop()
    }
  }, 30_000)

  it('reads the routes from mpcloud.json; without any, the banner says how to add one', async () => {
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ functions: 'cloudfunctions', http: { '/v1': 'api' } }))
    const configured = await serve(dir, '--port', '0', '--http-port', '0')
    try {
      expect(configured.output()).toMatch(/^ {2}http {7}http:\/\/127\.0\.0\.1:\d+\/v1 → api/m)
    } finally {
      await configured.stop()
    }
    writeFileSync(join(dir, 'mpcloud.json'), JSON.stringify({ functions: 'cloudfunctions' }))
    const none = await serve(dir, '--port', '0')
    try {
      expect(none.output()).toMatch(/^ {2}http {7}none \(--http \/api=api serves a function by URL/m)
    } finally {
      await none.stop()
    }
  }, 30_000)

  it('a taken --http-port is one line naming it and suggesting --http-port 0, exit 2', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const taken = (holder.address() as { port: number }).port
    try {
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, args('emulator', '--port', '0', '--http', '/api=api', '--http-port', String(taken)), { cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] })
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
        child.once('exit', (status) => resolve({ status, stderr }))
      })
      expect(result.status).toBe(2)
      expect(result.stderr.trim()).toMatch(new RegExp(`^mpcloud: port ${taken} on 127\\.0\\.0\\.1 is taken.*choose another with --http-port N, or use --http-port 0 for any free port$`))
    } finally {
      holder.close()
    }
  }, 30_000)

  it('a bad --http or --http-port is one line naming it, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['--http', 'api'], /^mpcloud: --http must be PATH=FUNCTION \(e\.g\. --http \/api=api\), got "api"$/],
      [['--http', 'api=api'], /^mpcloud: --http: the route "api" must be a path starting with "\/"/],
      [['--http', '/api=no/name'], /^mpcloud: --http: the route "\/api" must name a function/],
      [['--http', '/api=api', '--http-port', 'x'], /^mpcloud: --http-port must be a whole number from 0 to 65535, got "x"$/],
    ]
    for (const [rest, message] of cases) {
      const result = spawnSync(process.execPath, args('emulator', '--port', '0', ...rest), { cwd: tmpdir(), encoding: 'utf8', timeout: 20_000 })
      expect(result.status, rest.join(' ')).toBe(2)
      expect(result.stderr.trim()).toMatch(message)
    }
  }, 30_000)
})
