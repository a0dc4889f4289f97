/**
 * `mpcloud trigger <function> [<trigger>]`: fires a function's timer trigger now, in a running emulator,
 * as its timer would (the event `{ Type: 'Timer', TriggerName, Time, Message: '' }`, as the system, SOURCE
 * `wx_trigger`). It is the admin action `functions.fireTrigger`, signed with the emulator's admin key, which
 * this takes from `--admin-key ID:KEY` (as the emulator's banner prints it) or from the emulator's `--data
 * DIR` (its admin-key.json). Prints what the function returned; fails (exit 1) when the run fails.
 */
import { callEmulator, targetOf } from './emulator-call'
import type { Values } from './options'

/** Runs the command; resolves with the exit code. */
export async function triggerCommand(values: Values): Promise<number> {
  const name = values.function as string
  const trigger = values.trigger as string | undefined
  const answered = await callEmulator('trigger', targetOf('trigger', values), 'functions.fireTrigger', { function_name: name, ...(trigger !== undefined ? { trigger_name: trigger } : {}) })
  if (!answered) return 1
  const data = answered as unknown as { function_name: string; trigger_name: string; event: { Time: string }; response_data: string }
  console.log(`mpcloud: fired timer trigger "${data.trigger_name}" of function "${data.function_name}" (Time ${data.event.Time}); it returned ${data.response_data}`)
  return 0
}
