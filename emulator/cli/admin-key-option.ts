/**
 * The admin key a command that calls a running emulator (`mpcloud trigger`, `logs`, `stats`) signs with:
 * `--admin-key ID:KEY` (as the emulator's banner prints it), else the emulator's `--data DIR` (its
 * admin-key.json). A missing or wrong one is a UsageError saying where to find it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkAdminKey, parseAdminKey } from '../auth/admin-key'
import type { AdminCredentials } from '../auth/admin-signature'
import { UsageError, type Values } from './options'

export function adminKeyOf(command: string, values: Values): AdminCredentials {
  const given = values['admin-key'] as string | undefined
  const data = values.data as string | undefined
  if (given !== undefined && data !== undefined) throw new UsageError('give --admin-key or --data, not both: the key is in one place')
  if (given !== undefined) {
    try {
      return parseAdminKey(given)
    } catch (error) {
      throw new UsageError(`--admin-key: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (data === undefined) {
    throw new UsageError(`mpcloud ${command} signs with the emulator's admin key: give --admin-key ID:KEY (the emulator prints it when it starts) or --data DIR (the emulator's --data, where it keeps admin-key.json)`)
  }
  const file = join(data, 'admin-key.json')
  if (!existsSync(file)) throw new UsageError(`--data ${data}: there is no admin-key.json in it; is it the --data of the emulator? (or give --admin-key ID:KEY)`)
  try {
    const key = JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials
    checkAdminKey(key)
    return { secretId: key.secretId, secretKey: key.secretKey }
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
