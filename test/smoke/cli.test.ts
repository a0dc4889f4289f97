/**
 * The built command line, run as a user runs it (`node dist/cli.js`, what `npx mpcloud` starts): help
 * texts, the version, bad options, a taken port, `--host`, the banner and the event lines.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import { writeFunction } from '../helpers/functions'
import { startEmulatorCommand } from '../helpers/cli'
import { anonymousToken } from '../helpers/web'

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 })

/** The built emulator command, until its banner is out. */
const serve = (...args: string[]) => startEmulatorCommand([CLI, 'emulator', ...args])

describe('help and version', () => {
  it('mpcloud --help lists the commands and exits 0; so does mpcloud alone', () => {
    for (const args of [['--help'], []]) {
      const result = run(...args)
      expect(result.status).toBe(0)
      expect(result.stdout).toMatch(/Usage: mpcloud <command> \[options\]/)
      expect(result.stdout).toMatch(/^ {2}emulator {5}runs the local cloud/m)
    }
  })

  it('mpcloud emulator --help describes every option with its default and an example', () => {
    const result = run('emulator', '--help')
    expect(result.status).toBe(0)
    for (const option of ['--port N', '--host ADDRESS', '--data DIR', '--env ID', '--collection NAME', '--functions DIR', '--function-timeout MS', '--function-idle-timeout MS', '--max-function-workers N', '--max-queued-function-calls N', '--max-upload-mb N', '--admin-key ID:KEY', '--allow-unauthenticated', '--log FORMAT', '--quiet']) {
      expect(result.stdout).toContain(`  ${option}`)
    }
    expect(result.stdout).toMatch(/--port N\s+TCP port to listen on; 0 picks a free one \(default 9000\)\n\s+e\.g\. --port 0/)
    expect(result.stdout).toMatch(/--log FORMAT .*\(one of text, json; default text\)/)
    expect(result.stdout).toMatch(/Examples:\n {2}npx mpcloud emulator/)
  })

  it('--version prints the package version', () => {
    const result = run('--version')
    expect(result.status).toBe(0)
    expect(result.stdout.trim()).toBe(VERSION)
  })
})

describe('mistakes', () => {
  it('an unknown option, a bad value or an unknown command is one line naming it, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['emulator', '--prot', '1'], /^mpcloud: unknown option --prot for `mpcloud emulator`; its options are --port, --host/],
      [['emulator', '--log', 'xml'], /^mpcloud: --log must be text or json, got "xml"$/],
      [['emulator', '--port', 'x'], /^mpcloud: --port must be a whole number from 0 to 65535, got "x"$/],
      [['emulator', '--admin-key', 'nocolon'], /^mpcloud: --admin-key: the admin key must be ID:KEY/],
      [['emulatr'], /^mpcloud: unknown command "emulatr"; the commands are emulator/],
    ]
    for (const [args, message] of cases) {
      const result = run(...args)
      expect(result.status, args.join(' ')).toBe(2)
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(result.stderr.trim()).toMatch(message)
    }
  }, 30_000) // one CLI process per case, each loading the emulator: seconds apiece on a busy 2-core machine

  it('--rules: a missing file, a file that is not JSON and a bad rule are one line naming the file; open warns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-cli-rules-'))
    try {
      const broken = join(dir, 'broken.json')
      const bad = join(dir, 'bad.json')
      writeFileSync(broken, '{"database":')
      writeFileSync(bad, JSON.stringify({ database: { todos: { read: 'doc.a = 1' } } }))
      for (const [file, message] of [
        [join(dir, 'missing.json'), /ENOENT/],
        [broken, /not JSON/],
        [bad, /todos.*read.*column 7/],
      ] as const) {
        const result = run('emulator', '--port', '0', '--rules', file)
        expect(result.status, file).toBe(2)
        expect(result.stderr.trim().split('\n'), file).toHaveLength(1)
        expect(result.stderr.trim()).toMatch(new RegExp(`^mpcloud: --rules ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*`))
        expect(result.stderr).toMatch(message)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const open = await serve('--port', '0', '--rules', 'open')
    try {
      expect(open.output()).toMatch(/WARNING --rules open: no security rule is enforced/)
      expect(open.output()).toMatch(/rules {6}OPEN: nothing is checked/)
    } finally {
      await open.stop()
    }
  })

  it('--rules FILE follows the file: a changed one is in force at once, a broken one is reported and the old rules stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-cli-reload-'))
    const file = join(dir, 'rules.json')
    writeFileSync(file, JSON.stringify({ database: { todos: 'ADMINONLY' } }))
    const emulator = await serve('--port', '0', '--collection', 'todos', '--rules', file)
    try {
      const token = await anonymousToken(emulator)
      const count = async () => {
        const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify({ action: 'database.countDocument', env: 'demo-env', access_token: token, collectionName: 'todos' }) })
        return ((await response.json()) as { code?: string }).code
      }
      expect(await count()).toBe('DATABASE_PERMISSION_DENIED')
      writeFileSync(file, JSON.stringify({ database: { todos: 'READONLY' } }))
      await vi.waitFor(() => expect(emulator.output()).toContain(`the rules of ${file} are in force`), { timeout: 5000 })
      expect(await count()).toBeUndefined()
      writeFileSync(file, JSON.stringify({ database: { todos: { read: 'doc.a = 1' } } }))
      await vi.waitFor(() => expect(emulator.output()).toMatch(/column 7.*; the rules in force stay/), { timeout: 5000 })
      expect(await count()).toBeUndefined()
    } finally {
      await emulator.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a taken port is one line naming who holds it and suggesting --port 0, not a stack trace', async () => {
    const holder = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as { port: number }).port
    try {
      const result = run('emulator', '--port', String(port))
      expect(result.status).toBe(2)
      expect(result.stderr.trim()).toMatch(new RegExp(`^mpcloud: port ${port} on 127\\.0\\.0\\.1 is taken by PID ${process.pid} \\(.*\\): stop that, choose another with --port N, or use --port 0 for any free port$`))
      expect(result.stderr).not.toMatch(/\n\s+at /)
    } finally {
      holder.close()
    }
  })
})

describe('the running emulator', () => {
  it('prints every address a user needs, then one line per request', async () => {
    const emulator = await serve('--port', '0', '--collection', 'todos')
    try {
      const out = emulator.output()
      expect(out).toMatch(/^mpcloud emulator: env demo-env, in memory/m)
      expect(out).toContain(`cloud.init({ env: 'demo-env', endpoint: '${emulator.url}' })`)
      expect(out).toContain(`realtime   ${emulator.url.replace('http', 'ws')}/ws`)
      expect(out).toMatch(new RegExp(`admin {6}${emulator.url}/admin .*secretId 'AKID\\w+', secretKey '\\S+'`))
      expect(out).toMatch(/DevTools {3}turn off domain checking/)
      expect(out).toMatch(/rules {6}CloudBase's defaults: collections PRIVATE/)
      expect(out).not.toMatch(/LAN|warning/)
      await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify({ action: 'database.countDocument', collectionName: 'todos' }) })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(emulator.output()).toMatch(/\[mpcloud\] \d\d:\d\d:\d\d\.\d{3} web database\.countDocument guest todos CHECK_LOGIN_FAILED/)
    } finally {
      await emulator.stop()
    }
  })

  it('--host 0.0.0.0 warns, lists the LAN addresses, and still serves this machine on loopback', async () => {
    const emulator = await serve('--port', '0', '--host', '0.0.0.0', '--log', 'json')
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(emulator.output()).toMatch(/warning {4}listening on every network interface/)
      const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: '{}' })
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_PARAM')
      await new Promise((resolve) => setTimeout(resolve, 200))
      const event = emulator.output().split('\n').find((line) => line.startsWith('{'))
      expect(JSON.parse(event!)).toMatchObject({ kind: 'request', dialect: 'web', code: 'INVALID_PARAM' })
    } finally {
      await emulator.stop()
    }
  })
})

describe('the project folder', () => {
  /** A WeChat cloud project: project.config.json points at its functions; mpcloud.json adds collections and rules. */
  function project(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'mpcloud-cli-project-'))
    writeFunction(join(dir, 'cloudfunctions'), 'hello', "exports.main = async () => 'hello from the project'")
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content))
    return dir
  }

  it('project.config.json and mpcloud.json set functions, env, collections and rules; a flag still wins', async () => {
    const dir = project({
      'project.config.json': { miniprogramRoot: 'miniprogram/', cloudfunctionRoot: 'cloudfunctions/' },
      'mpcloud.json': { env: 'project-env', collections: ['notes'], rules: { database: { notes: { read: true, write: false } } } },
    })
    const emulator = await serve('--port', '0', '--project', dir)
    const flagged = await serve('--port', '0', '--project', dir, '--env', 'flag-env', '--rules', 'open')
    try {
      const out = emulator.output()
      expect(out).toMatch(/^mpcloud emulator: env project-env/m)
      expect(out).toMatch(/project {4}project\.config\.json \(functions in cloudfunctions\/\), mpcloud\.json/)
      expect(out).toMatch(/functions  from .*cloudfunctions/)
      expect(out).toMatch(/rules {6}from mpcloud\.json \("rules"\)/)
      const token = await anonymousToken(emulator)
      const call = async (target: string, env: string, body: Record<string, unknown>) =>
        (await (await fetch(`${target}/web`, { method: 'POST', body: JSON.stringify({ env, access_token: token, ...body }) })).json()) as Record<string, unknown>
      // The collection exists, reads are open and writes refused, as mpcloud.json's rule says; the function runs.
      expect(await call(emulator.url, 'project-env', { action: 'database.countDocument', collectionName: 'notes' })).toMatchObject({ data: { total: 0 } })
      expect(await call(emulator.url, 'project-env', { action: 'database.addDocument', collectionName: 'notes', data: { a: 1 } })).toMatchObject({ code: 'DATABASE_PERMISSION_DENIED' })
      expect(await call(emulator.url, 'project-env', { action: 'functions.invokeFunction', function_name: 'hello', request_data: '{}' })).toMatchObject({ data: { response_data: JSON.stringify('hello from the project') } })
      expect(flagged.output()).toMatch(/^mpcloud emulator: env flag-env/m)
      expect(flagged.output()).toMatch(/rules {6}OPEN/)
    } finally {
      await emulator.stop()
      await flagged.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a mistake in mpcloud.json is one line naming the key and what it must be (exit 2)', () => {
    for (const [content, message] of [
      [{ colections: ['a'] }, /^mpcloud: mpcloud\.json: unknown key "colections"; the keys are env, collections, functions, rules, http, databaseTriggers, seed$/],
      [{ collections: 'todos' }, /^mpcloud: mpcloud\.json: "collections" must be an array of collection names, not "todos"$/],
      [{ rules: { database: { notes: { read: 'doc.a = 1' } } } }, /^mpcloud: mpcloud\.json: "rules": .*collection notes: in `read`: .*line 1, column 7/],
      ['{ "env": ', /^mpcloud: .*mpcloud\.json is not JSON/],
    ] as const) {
      const dir = project({ 'mpcloud.json': content })
      try {
        const result = run('emulator', '--port', '0', '--project', dir)
        expect(result.status).toBe(2)
        expect(result.stderr.trim()).toMatch(message)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  })
})
