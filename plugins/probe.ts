/**
 * What listens on the emulator's port before the plugin starts one: nothing, an mpcloud emulator (of which
 * environment), or something else. An emulator the developer runs already (`npx mpcloud emulator` in another
 * terminal, a second watch build) is reused instead of failing on a taken port.
 */
import { request } from 'node:http'

export type PortState = { state: 'free' } | { state: 'emulator'; env: string } | { state: 'other-env'; message: string } | { state: 'taken' }

/** How long a listener may take to answer before it is taken for something else. */
const PROBE_TIMEOUT_MS = 1500

/**
 * Asks `127.0.0.1:port` for an action no emulator has, in environment `env`: an emulator of that env answers
 * `INVALID_ACTION`, one of another env `INVALID_ENV` (its message names the env it serves); a refused
 * connection means the port is free.
 */
export function probePort(port: number, env: string): Promise<PortState> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ env, action: 'mpcloud.plugin.probe' })
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/web', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: PROBE_TIMEOUT_MS }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        let answer: { code?: unknown; message?: unknown } = {}
        try {
          answer = JSON.parse(text) as typeof answer
        } catch {
          // Not JSON: not an emulator.
        }
        if (answer.code === 'INVALID_ACTION') resolve({ state: 'emulator', env })
        else if (answer.code === 'INVALID_ENV') resolve({ state: 'other-env', message: String(answer.message) })
        else resolve({ state: 'taken' })
      })
      res.on('error', () => resolve({ state: 'taken' }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? { state: 'free' } : { state: 'taken' }))
    req.end(body)
  })
}
