/**
 * `mpcloud logs [<function>] [--follow] [--errors]` and `mpcloud stats [<function>]`: a running emulator's
 * function logs and metrics (docs/logs.md), through the admin actions `functions.getLogs` and
 * `functions.getStats`, signed with the emulator's admin key as `mpcloud trigger` signs (`--admin-key ID:KEY`
 * or the emulator's `--data DIR`). `--follow` asks every second for the runs after the cursor of its last
 * answer, so each later run prints exactly once, until Ctrl+C.
 */
import type { InvocationRecord } from '../pipeline/events'
import { callEmulator, followUntilInterrupted, targetOf } from './emulator-call'
import { integerOption, type Values } from './options'

/** A record as `mpcloud logs` prints it: one line, then its Log lines and RetMsg indented. */
export function formatInvocation(record: InvocationRecord): string {
  const head = [
    record.StartTime,
    record.FunctionName,
    `RetCode ${record.RetCode}`,
    `${record.Duration.toFixed(2)}ms/${record.BillDuration}ms`,
    // Bytes as MB with 3 decimals, as the tcb CLI prints MemUsage.
    `${(record.MemUsage / 1024 / 1024).toFixed(3)}MB`,
    ...(record.cold ? ['cold'] : []),
    record.RequestId,
  ].join('  ')
  const lines = record.Log === '' ? [] : record.Log.split('\n').map((line) => `    ${line}`)
  return [head, ...lines, `    RetMsg: ${record.RetMsg}`].join('\n')
}

/** `mpcloud logs`: resolves with the exit code (`--follow` only when interrupted, or when the emulator stops answering). */
export async function logsCommand(values: Values): Promise<number> {
  const limit = integerOption('limit', values.limit as string, 1, 2000)
  const target = targetOf('logs', values)
  const query = {
    ...(values.function !== undefined ? { function_name: values.function as string } : {}),
    ...(values.errors === true ? { errors_only: true } : {}),
  }
  const first = await callEmulator('logs', target, 'functions.getLogs', { ...query, limit })
  if (!first) return 1
  for (const record of first.logs as InvocationRecord[]) console.log(formatInvocation(record))
  if (values.follow !== true) return 0
  let cursor = first.cursor as number
  return followUntilInterrupted(async () => {
    // Until the answer is empty: a cursor cut by the limit asks again at once.
    for (;;) {
      const next = await callEmulator('logs', target, 'functions.getLogs', { ...query, since: cursor, limit: 2000 })
      if (!next) return false
      for (const record of next.logs as InvocationRecord[]) console.log(formatInvocation(record))
      const moved = next.cursor as number
      const more = (next.logs as unknown[]).length === 2000 && moved > cursor
      cursor = moved
      if (!more) return true
    }
  })
}

/** `mpcloud stats`: a table of count, errors and p50/p95/max duration per function over the window. */
export async function statsCommand(values: Values): Promise<number> {
  const windowSeconds = integerOption('window', values.window as string, 1, 86_400)
  const target = targetOf('stats', values)
  const data = await callEmulator('stats', target, 'functions.getStats', {
    ...(values.function !== undefined ? { function_name: values.function as string } : {}),
    window_seconds: windowSeconds,
  })
  if (!data) return 1
  const functions = data.functions as { function_name: string; count: number; errors: number; p50_ms: number; p95_ms: number; max_ms: number }[]
  if (!functions.length) {
    console.log(`mpcloud: no function ran in the last ${windowSeconds} s${values.function !== undefined ? ` (function "${values.function as string}")` : ''}`)
    return 0
  }
  const rows = [
    ['FUNCTION', 'COUNT', 'ERRORS', 'P50 ms', 'P95 ms', 'MAX ms'],
    ...functions.map((f) => [f.function_name, String(f.count), String(f.errors), f.p50_ms.toFixed(2), f.p95_ms.toFixed(2), f.max_ms.toFixed(2)]),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  console.log(`function runs in the last ${windowSeconds} s`)
  for (const row of rows) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '))
  return 0
}
