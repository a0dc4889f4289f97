/** A server in its own process (its own core), as users run it: started with node, ready once it prints its URL. */
import { spawn, type ChildProcess } from 'node:child_process'

/** Starts `args` with node (and `env` added to this process's) and resolves the first line it prints (its URL). */
export async function startChild(args: string[], env: Record<string, string> = {}): Promise<{ process: ChildProcess; url: string }> {
  const started = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
  const url = await new Promise<string>((resolve, reject) => {
    started.once('exit', () => reject(new Error(`${args.join(' ')} exited`)))
    started.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))
  })
  return { process: started, url }
}
