/**
 * The README's "Cloud functions" section, as a newcomer follows it: its files written into an empty folder,
 * `npx mpcloud emulator` (the command line from source) started there with the section's flags, then each
 * thing the section says works: the SDK call and its result, the URL and its answer, `mpcloud trigger`, the
 * database trigger and `mpcloud logs` with the logger's record.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulatorCommand, type RunningCommand } from '../helpers/cli'
import { connectHttp, createCloud, invokeFunction, nodePlatform } from '../helpers/sdk'

const ROOT = new URL('../../', import.meta.url).pathname
const CLI = join(ROOT, 'emulator/cli.ts')
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const start = readme.indexOf('## Cloud functions')
const section = readme.slice(start, readme.indexOf('\n## ', start + 1))

/** The section's fenced blocks, each with its language and the file it is, when the line before names one (`a/b.json`). */
function blocks(): { language: string; file?: string; text: string }[] {
  const found: { language: string; file?: string; text: string }[] = []
  let open: { language: string; file?: string; lines: string[] } | undefined
  let before = ''
  for (const raw of section.split('\n')) {
    const line = raw.trim()
    if (!line.startsWith('```')) {
      if (open) open.lines.push(raw)
      else if (line) before = line
    } else if (open) {
      found.push({ language: open.language, ...(open.file ? { file: open.file } : {}), text: open.lines.join('\n') })
      open = undefined
      before = ''
    } else {
      const file = /^`([\w./-]+\.(?:js|json))`/.exec(before)
      open = { language: line.slice(3).trim(), ...(file ? { file: file[1] } : {}), lines: [] }
    }
  }
  return found
}

const mpcloud = promisify(execFile)
let dir: string
let command: RunningCommand
let httpUrl: string

beforeAll(async () => {
  // Inside the repository, so that the function's require('wx-server-sdk') finds the installed one, as `npm install` would.
  dir = mkdtempSync(join(ROOT, '.readme-functions-'))
  const files = blocks().filter((block) => block.file)
  expect(files.map((block) => block.file)).toEqual(['project.config.json', 'cloudfunctions/hello/index.js', 'cloudfunctions/hello/config.json', 'mpcloud.json'])
  for (const { file, text } of files) {
    mkdirSync(dirname(join(dir, file!)), { recursive: true })
    writeFileSync(join(dir, file!), text)
  }
  // What the section's `npm install wx-server-sdk` leaves in the function's folder besides node_modules.
  writeFileSync(join(dir, 'cloudfunctions/hello/package.json'), JSON.stringify({ dependencies: { 'wx-server-sdk': '^4.0.2' } }))
  const shell = blocks().find((block) => block.language === 'sh')!.text
  const args = shell.replace(/#.*/, '').trim().split(/\s+/)
  expect(args.slice(0, 3)).toEqual(['npx', 'mpcloud', 'emulator'])
  command = await startEmulatorCommand(['--import', 'tsx', CLI, ...args.slice(2), '--port', '0', '--http-port', '0'], dir)
  httpUrl = /(http:\/\/\S+)\/hello → hello/.exec(command.output())![1]!
}, 60_000)
afterAll(async () => {
  await command?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const cli = async (...args: string[]) => (await mpcloud(process.execPath, ['--import', 'tsx', CLI, ...args, '--url', command.url, '--data', '.mpcloud'], { cwd: dir })).stdout

describe("the README's cloud functions", () => {
  it('the SDK call answers what the section says', async () => {
    const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, functions: invokeFunction })
    cloud.init({ env: 'demo-env', endpoint: command.url })
    const { result } = await cloud.callFunction({ name: 'hello', data: { name: 'Ada' } })
    expect(result).toEqual({ hello: 'Ada', openid: expect.any(String), source: 'wx_client' })
    // A database trigger: an insert into guests runs hello with the document.
    await cloud.database().collection('guests').add({ data: { name: 'Grace' } })
  }, 30_000)

  it('the URL answers with httpMethod and the path below the route', async () => {
    const answer = await fetch(`${httpUrl}/hello/there`)
    expect(await answer.json()).toMatchObject({ method: 'GET', path: '/there', hello: 'world' })
  }, 30_000)

  it('mpcloud trigger fires the timer; mpcloud logs shows the runs, the trigger’s and the logger’s records', async () => {
    expect(await cli('trigger', 'hello')).toMatch(/fired timer trigger "morning" of function "hello"/)
    let logs = ''
    for (let tries = 0; tries < 100 && !logs.includes('"greeted":"Grace"'); tries++) {
      logs = await cli('logs', 'hello')
      if (!logs.includes('"greeted":"Grace"')) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    for (const greeted of ['Ada', 'world', 'Grace']) expect(logs).toContain(`{"greeted":"${greeted}"}`)
  }, 60_000)
})
