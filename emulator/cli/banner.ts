/** What the emulator prints when it starts: every address a user needs, and what DevTools needs. */
import { networkInterfaces } from 'node:os'
import type { RunningEmulator } from '../index'

export interface BannerFacts {
  emulator: RunningEmulator
  host: string
  dataDir?: string
  functions?: string
  /** `--rules`: a file (followed), `open`, `mpcloud.json` (rules written there), or absent (CloudBase's defaults). */
  rules?: string
  /** The project files read, and what they said. */
  project?: string[]
  /** The HTTP access routes served (path prefix → function), at the emulator's `httpUrl`. */
  http?: Record<string, string>
}

const LOOPBACK = /^(127\.|::1$|localhost$)/

/** The machine's addresses a phone on the same network could use, when listening on all of them. */
function lanAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return LOOPBACK.test(host) ? [] : [host]
  const found: string[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list || []) if (entry.family === 'IPv4' && !entry.internal) found.push(entry.address)
  }
  return found
}

/** Which security rules are checked, in one line. */
function rulesLine(rules: string | undefined): string {
  if (rules === 'open') return 'OPEN: nothing is checked (--rules open)'
  const defaults = "CloudBase's defaults: collections PRIVATE, storage read by all and written by the uploader, functions for signed-in users"
  if (rules === undefined) return `${defaults} (--rules FILE sets yours)`
  return `from ${rules === 'mpcloud.json' ? 'mpcloud.json ("rules")' : `${rules}, followed while it changes`}; what it leaves out: ${defaults}`
}

/** One line per HTTP access route: its URL and the function serving it. */
function httpLines(httpUrl: string | undefined, routes: Record<string, string> | undefined): string[] {
  if (!httpUrl || !routes) return ['  http       none (--http /api=api serves a function by URL, as CloudBase\'s HTTP access)']
  return Object.entries(routes).map(([path, fn]) => `  http       ${httpUrl}${path === '/' ? '/' : path.replace(/\/+$/, '')} → ${fn}    event.path relative to it`)
}

export function banner({ emulator, host, dataDir, functions, rules, project, http }: BannerFacts): string {
  const { url, env, adminCredentials } = emulator
  const port = new URL(url).port
  const lines = [
    `mpcloud emulator: env ${env}, ${dataDir ? `data in ${dataDir}` : 'in memory (--data DIR keeps it)'}`,
    ...(project ? [`  project    ${project.join(', ')}`] : []),
    `  endpoint   ${url}    cloud.init({ env: '${env}', endpoint: '${url}' })`,
    `  realtime   ${url.replace(/^http/, 'ws')}/ws`,
    `  storage    ${url}/storage/`,
    `  functions  ${functions ? `from ${functions}` : 'none (--functions DIR serves a folder of them)'}`,
    ...httpLines(emulator.httpUrl, http),
    `  rules      ${rulesLine(rules)}`,
    `  admin      ${url}/admin    server SDKs: serviceUrl '${url}/admin', secretId '${adminCredentials.secretId}', secretKey '${adminCredentials.secretKey}'`,
  ]
  for (const address of lanAddresses(host)) lines.push(`  LAN        http://${address}:${port}    for a phone on the same network`)
  if (host === '0.0.0.0' || host === '::') {
    lines.push(`  warning    listening on every network interface: anyone on your network can reach this emulator`)
  }
  lines.push(
    `  DevTools   turn off domain checking (Details → Local Settings → "Do not verify valid domain names…") to call ${url} from the simulator`,
  )
  return lines.join('\n')
}
