/**
 * `mpcloud trigger <function> [<trigger>]`: fires a function's timer trigger now, in a running emulator,
 * as its timer would (the event `{ Type: 'Timer', TriggerName, Time, Message: '' }`, as the system, SOURCE
 * `wx_trigger`). It is the admin action `functions.fireTrigger`, signed with the emulator's admin key, which
 * this takes from `--admin-key ID:KEY` (as the emulator's banner prints it) or from the emulator's `--data
 * DIR` (its admin-key.json). Prints what the function returned; fails (exit 1) when the run fails.
 */
import { adminKeyOf } from './admin-key-option'
import { adminRequest, type AdminAnswer } from './admin-client'
import { UsageError, type Values } from './options'

/** Runs the command; resolves with the exit code. */
export async function triggerCommand(values: Values): Promise<number> {
  const name = values.function as string
  const trigger = values.trigger as string | undefined
  const url = values.url as string
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be the emulator's http:// address, e.g. http://127.0.0.1:9000, got ${JSON.stringify(url)}`)
  const key = adminKeyOf('trigger', values)
  let answer: AdminAnswer
  try {
    answer = await adminRequest({ url, env: values.env as string, key }, 'functions.fireTrigger', { function_name: name, ...(trigger !== undefined ? { trigger_name: trigger } : {}) })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') throw new UsageError(`no emulator answers at ${url}: start one (npx mpcloud emulator) or point --url at it`)
    throw error
  }
  if (answer.code !== undefined) {
    const hint =
      answer.code === 'SIGN_PARAM_INVALID'
        ? " (sign with this emulator's key: --admin-key as its banner prints it, or its --data DIR)"
        : answer.code === 'INVALID_ENV'
          ? ' (--env names the env the emulator serves)'
          : answer.code === 'INVALID_ACTION'
            ? ' (is this emulator older than mpcloud trigger?)'
            : ''
    console.error(`mpcloud: ${answer.code}: ${answer.message}${hint}`)
    return 1
  }
  const data = answer.data as { function_name: string; trigger_name: string; event: { Time: string }; response_data: string }
  console.log(`mpcloud: fired timer trigger "${data.trigger_name}" of function "${data.function_name}" (Time ${data.event.Time}); it returned ${data.response_data}`)
  return 0
}
