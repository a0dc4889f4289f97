/**
 * One build of an example by its own toolchain (Taro's CLI, uni's), as a user runs it: a child process in
 * the example's folder, timed, its output folder copied aside (the next build writes the same folder) and
 * its time recorded for the report.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENVIRONMENT } from '../../plugins/options'
import { record } from './report'

export type BuildMode = 'development' | 'production'

export interface BuildRequest {
  /** The example's folder, e.g. examples/taro. */
  cwd: string
  /** The report's names: `Taro`, `weapp`. */
  example: string
  target: string
  mode: BuildMode
  /** The node script and its arguments, e.g. `['node_modules/@tarojs/cli/bin/taro', 'build', '--type', 'weapp']`. */
  command: string[]
  /** Extra environment, e.g. `{ MPCLOUD_MODE: 'development', MPCLOUD_PORT: '9123' }`. */
  env?: Record<string, string>
  /** Where the build writes, relative to `cwd`. */
  output: string
}

export interface Build {
  /** A copy of the build's output, kept for this test file. */
  dir: string
  seconds: number
  /** What the toolchain printed (stdout and stderr). */
  log: string
}

/**
 * The environment a user's shell gives the toolchain: vitest's NODE_ENV=test removed, so the CLI decides it
 * itself, and the plugins' overrides only as this build asks.
 */
function userEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.assign({}, process.env, extra)
  if (!('NODE_ENV' in extra)) delete env.NODE_ENV
  for (const [name] of ENVIRONMENT) if (!(name in extra)) delete env[name]
  return env
}

const copies: string[] = []

/** Removes the output copies this test file's builds made (call it in `afterAll`). */
export function removeBuildCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Runs the build; fails with the toolchain's own output when it exits non-zero or writes nothing. */
export function runBuild(request: BuildRequest): Promise<Build> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile(process.execPath, request.command, { cwd: request.cwd, env: userEnvironment(request.env || {}), maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) => {
      const log = `${stdout}${stderr}`
      const seconds = (performance.now() - started) / 1000
      const output = join(request.cwd, request.output)
      if (error) return reject(new Error(`${request.example} ${request.target} (${request.mode}) failed: ${error.message}\n${log}`))
      if (!existsSync(output)) return reject(new Error(`${request.example} ${request.target} (${request.mode}) wrote no ${request.output}\n${log}`))
      const dir = mkdtempSync(join(tmpdir(), `mpcloud-${request.target}-${request.mode}-`))
      copies.push(dir)
      cpSync(output, dir, { recursive: true })
      record({ example: request.example, target: request.target, mode: request.mode, seconds })
      resolve({ dir, seconds, log })
    })
  })
}
