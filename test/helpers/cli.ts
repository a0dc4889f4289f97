/** The emulator command run as a user runs it, in its own process, for the CLI tests. */
import { spawn } from 'node:child_process'

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
