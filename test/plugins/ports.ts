/** The plugin tests' view of a port, from outside the plugins: a free port to give them, and what answers on it. */
import { request } from 'node:http'
import { createServer } from 'node:net'

/** A port nothing listens on now (the OS's pick, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * What an emulator on `host:port` (default 127.0.0.1) says to a client request of env `env` for an action that does not
 * exist (protocol.md: `INVALID_ACTION`, or `INVALID_ENV` from an emulator of another env), or `refused`.
 * A fresh connection each time (no keep-alive), so a stopped emulator is seen as one.
 */
export function emulatorAnswer(port: number, env: string, host = '127.0.0.1'): Promise<string> {
  const body = JSON.stringify({ env, action: 'test.no-such-action' })
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/web', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      res.on('end', () => resolve(String((JSON.parse(text) as { code?: string }).code)))
    })
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)))
    req.end(body)
  })
}
