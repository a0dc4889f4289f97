#!/usr/bin/env node
/**
 * `mpcloud emulator [--port 9000] [--data .mpcloud] [--functions cloudfunctions] [--env demo-env] [--collection name ...]`
 * Runs the local cloud until interrupted, logging one line per request.
 */
import { parseArgs } from 'node:util'
import { parseAdminKey } from './auth/admin-key'
import { formatEvent, startEmulator } from './index'

const USAGE =
  'usage: mpcloud emulator [--port 9000] [--data DIR] [--functions DIR] [--function-timeout MS] [--max-upload-mb N] [--env ID] [--collection NAME ...]' +
  ' [--admin-key ID:KEY] [--allow-unauthenticated] [--log text|json] [--quiet]'

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
      functions: { type: 'string' },
      'function-timeout': { type: 'string' },
      'max-upload-mb': { type: 'string' },
      env: { type: 'string', default: 'demo-env' },
      collection: { type: 'string', multiple: true, default: [] },
      'admin-key': { type: 'string' },
      'allow-unauthenticated': { type: 'boolean', default: false },
      log: { type: 'string', default: 'text' },
      quiet: { type: 'boolean', default: false },
    },
  })
  if (values.log !== 'text' && values.log !== 'json') throw new Error(`--log must be text or json, got ${values.log}`)
  const json = values.log === 'json'
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`)
  const timeout = values['function-timeout'] === undefined ? undefined : Number(values['function-timeout'])
  if (timeout !== undefined && !(timeout > 0)) throw new Error(`--function-timeout must be a positive number of ms, got ${values['function-timeout']}`)
  const uploadMb = values['max-upload-mb'] === undefined ? undefined : Number(values['max-upload-mb'])
  if (uploadMb !== undefined && !(uploadMb > 0)) throw new Error(`--max-upload-mb must be a positive number, got ${values['max-upload-mb']}`)
  const emulator = await startEmulator({
    port,
    env: values.env,
    collections: values.collection,
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values.functions ? { functions: values.functions } : {}),
    ...(timeout !== undefined ? { functionTimeout: timeout } : {}),
    ...(uploadMb !== undefined ? { maxUploadBytes: Math.floor(uploadMb * 1024 * 1024) } : {}),
    ...(values['admin-key'] !== undefined ? { adminKey: parseAdminKey(values['admin-key']) } : {}),
    allowUnauthenticated: values['allow-unauthenticated'],
    ...(values.quiet ? {} : { onEvent: (event) => console.log(json ? JSON.stringify(event) : `[mpcloud] ${formatEvent(event)}`) }),
  })
  console.log(
    `mpcloud emulator: env ${emulator.env} at ${emulator.url}${values.data ? ` (data in ${values.data})` : ' (in memory)'}` +
      (values.functions ? `, functions from ${values.functions}` : '') +
      `\n  admin key (server SDKs: serviceUrl ${emulator.url}/admin): secretId ${emulator.adminCredentials.secretId} secretKey ${emulator.adminCredentials.secretKey}`,
  )
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
