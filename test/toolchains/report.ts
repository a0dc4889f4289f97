/**
 * What the toolchain tests measure, printed as one table per test file: each build's time, and for the
 * production mini program builds the bytes mpcloud adds beside the size budget it is held to.
 */
export interface BuildRow {
  example: string
  target: string
  mode: string
  seconds: number
  /** Minified bytes of mpcloud's code in the output, and those bytes gzipped (production mini program builds). */
  mpcloud?: { bytes: number; gzip: number }
  /** The size budget (.size-limit.mjs) of what the build uses, as written there. */
  budget?: { name: string; limit: string }
}

const rows: BuildRow[] = []

export function record(row: BuildRow): void {
  rows.push(row)
}

/** Adds what was measured in a build's output to its row. */
export function recordSize(example: string, target: string, mode: string, mpcloud: BuildRow['mpcloud'], budget: BuildRow['budget']): void {
  const row = rows.find((r) => r.example === example && r.target === target && r.mode === mode)
  if (!row) throw new Error(`no build of ${example} ${target} (${mode}) to add a size to`)
  Object.assign(row, { mpcloud, budget })
}

/** In size-limit's units (1 KB = 1000 bytes), so that a size reads against its budget. */
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`

export function table(): string {
  const lines = ['| build | mode | time | mpcloud in it (min / gzip) | budget (gzip) |', '| --- | --- | --- | --- | --- |']
  for (const row of rows) {
    const size = row.mpcloud ? `${kb(row.mpcloud.bytes)} / ${kb(row.mpcloud.gzip)}` : ''
    const budget = row.budget ? `${row.budget.limit} (${row.budget.name})` : ''
    lines.push(`| ${row.example} ${row.target} | ${row.mode} | ${row.seconds.toFixed(1)} s | ${size} | ${budget} |`)
  }
  return lines.join('\n')
}
