#!/usr/bin/env node
/**
 * `mpcloud emulator [--port 9000] [--data .mpcloud] [--env demo-env] [--collection name ...]`
 * Runs the local cloud until interrupted, logging one line per request.
 */
import { parseArgs } from 'node:util'
import { startEmulator } from './index'

const USAGE = 'usage: mpcloud emulator [--port 9000] [--data DIR] [--env ID] [--collection NAME ...] [--quiet]'

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command !== 'emulator') {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string', default: '9000' },
      data: { type: 'string' },
      env: { type: 'string', default: 'demo-env' },
      collection: { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`)
  const emulator = await startEmulator({
    port,
    env: values.env,
    collections: values.collection,
    ...(values.data ? { dataDir: values.data } : {}),
    log: values.quiet ? undefined : (line) => console.log(`[mpcloud] ${new Date().toISOString()} ${line}`),
  })
  console.log(`mpcloud emulator: env ${emulator.env} at ${emulator.url}${values.data ? ` (data in ${values.data})` : ' (in memory)'}`)
  const stop = () => {
    emulator.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`mpcloud: ${error instanceof Error ? error.message : String(error)}`)
  console.error(USAGE)
  process.exitCode = 1
})
