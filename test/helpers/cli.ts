/** The emulator command run as a user runs it, in its own process, for the CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process'

export interface RunningCommand {
  /** The endpoint its banner names. */
  url: string
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Ends it as Ctrl+C does, and resolves once it is gone. */
  stop(): Promise<unknown>
}

/** Starts `node <argv...>` (the CLI and `emulator ...`) in `cwd` and resolves once its banner is out. */
export async function startEmulatorCommand(argv: string[], cwd?: string): Promise<RunningCommand> {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => /DevTools/.test(out) && (clearInterval(timer), resolve()), 20)
    child.once('exit', (code) => (clearInterval(timer), reject(new Error(`the emulator exited (${code}): ${out}`))))
  })
  const url = /endpoint\s+(http:\/\/\S+)/.exec(out)![1]!
  return { url, output: () => out, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGINT'))) }
}

/** The command line run from source (`mpcloud <args>` through tsx), for the commands that call a running emulator. */
export const CLI_SOURCE = new URL('../../emulator/cli.ts', import.meta.url).pathname

export interface CliRun {
  child: ChildProcess
  /** What it printed so far. */
  output(): { stdout: string; stderr: string }
  /** Its exit status, once it ends. */
  exited: Promise<number | null>
}

/** Starts `mpcloud <args>` from source in its own process, without waiting for it. */
export function startCli(...args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (status) => resolve(status))
  })
  return { child, output: () => ({ stdout, stderr }), exited }
}

/** Runs `mpcloud <args>` from source to its end, without blocking this process (an emulator may run in it). */
export async function runCli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const run = startCli(...args)
  const status = await run.exited
  return { status, ...run.output() }
}

/** Resolves once `check()` holds, polling every 50 ms; fails after `ms`. */
export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
