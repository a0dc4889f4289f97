/**
 * What the commands that call a running emulator (`mpcloud trigger`, `logs`, `stats`) share: the admin key
 * they sign with (`--admin-key ID:KEY` as the emulator's banner prints it, else the emulator's `--data DIR`,
 * its admin-key.json; a missing or wrong one is a UsageError saying where to find it), and the call itself,
 * whose failures are one line with a hint.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkAdminKey, parseAdminKey } from '../auth/admin-key'
import type { AdminCredentials } from '../auth/admin-signature'
import { adminRequest, type AdminAnswer, type AdminTarget } from './admin-client'
import { UsageError, type Values } from './options'

/** The key to sign with. */
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

/** The emulator a command calls (`--url`, `--env`) and the key it signs with. */
export function targetOf(command: string, values: Values): AdminTarget {
  const url = values.url as string
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be the emulator's http:// address, e.g. http://127.0.0.1:9000, got ${JSON.stringify(url)}`)
  return { url, env: values.env as string, key: adminKeyOf(command, values) }
}

/** One admin call; an emulator that does not answer is a UsageError, an error answer is printed (undefined). */
export async function callEmulator(command: string, target: AdminTarget, action: string, params: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  let answer: AdminAnswer
  try {
    answer = await adminRequest(target, action, params)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') throw new UsageError(`no emulator answers at ${target.url}: start one (npx mpcloud emulator) or point --url at it`)
    throw error
  }
  if (answer.code !== undefined) {
    const hint =
      answer.code === 'SIGN_PARAM_INVALID'
        ? " (sign with this emulator's key: --admin-key as its banner prints it, or its --data DIR)"
        : answer.code === 'INVALID_ENV'
          ? ' (--env names the env the emulator serves)'
          : answer.code === 'INVALID_ACTION'
            ? ` (is this emulator older than mpcloud ${command}?)`
            : ''
    console.error(`mpcloud: ${answer.code}: ${answer.message}${hint}`)
    return undefined
  }
  return answer.data as Record<string, unknown>
}

/** How often `--follow` asks for more. */
export const FOLLOW_POLL_MS = 1000

/**
 * `--follow`'s loop for the commands that print what a running emulator recorded: `poll` every
 * FOLLOW_POLL_MS until Ctrl+C or SIGTERM (exit code 0), or until `poll` says the emulator stopped
 * answering (false: exit code 1). A signal cuts the wait short rather than waiting for the next poll.
 */
export async function followUntilInterrupted(poll: () => Promise<boolean>): Promise<number> {
  let stopped = false
  let wake = () => {}
  const stop = () => {
    stopped = true
    wake()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_POLL_MS)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      if (stopped) break
      if (!(await poll())) return 1
    }
  } finally {
    process.removeListener('SIGINT', stop)
    process.removeListener('SIGTERM', stop)
  }
  return 0
}
