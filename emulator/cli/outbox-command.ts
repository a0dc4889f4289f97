/**
 * `mpcloud outbox [--api X] [--function F] [--follow] [--json]`: the `cloud.openapi` calls a running emulator's
 * functions made (docs/openapi.md), through the admin action `openapi.getOutbox`, signed as `mpcloud logs`
 * signs. `--follow` asks every second for the entries after the cursor of its last answer, so each prints
 * exactly once, until Ctrl+C; `--json` prints each entry as one line of JSON (for scripts).
 */
import type { OutboxEntry } from '../openapi/outbox'
import { callEmulator, followUntilInterrupted, targetOf } from './emulator-call'
import type { Values } from './options'

/** An entry as `mpcloud outbox` prints it: one line, then its data as indented JSON. */
export function formatOutboxEntry(entry: OutboxEntry): string {
  const head = [entry.time, entry.api, `from ${entry.functionName}`, ...(entry.appid ? [`appid ${entry.appid}`] : []), entry.requestId].join('  ')
  return `${head}\n${JSON.stringify(entry.data, null, 2).replace(/^/gm, '    ')}`
}

/** `mpcloud outbox`: resolves with the exit code. */
export async function outboxCommand(values: Values): Promise<number> {
  const target = targetOf('outbox', values)
  const query = {
    ...(values.api !== undefined ? { api: values.api as string } : {}),
    ...(values.function !== undefined ? { function_name: values.function as string } : {}),
  }
  const print = (entries: OutboxEntry[]) => {
    for (const entry of entries) console.log(values.json === true ? JSON.stringify(entry) : formatOutboxEntry(entry))
  }
  const first = await callEmulator('outbox', target, 'openapi.getOutbox', query)
  if (!first) return 1
  print(first.entries as OutboxEntry[])
  if (values.follow !== true) {
    if (!(first.entries as unknown[]).length && values.json !== true) console.log('mpcloud: the outbox is empty: no function has called cloud.openapi yet')
    return 0
  }
  let cursor = first.cursor as number
  return followUntilInterrupted(async () => {
    const next = await callEmulator('outbox', target, 'openapi.getOutbox', { ...query, since: cursor })
    if (!next) return false
    print(next.entries as OutboxEntry[])
    cursor = next.cursor as number
    return true
  })
}
