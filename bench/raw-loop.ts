/** The client that is not the bottleneck: `node:http` POSTs of fixed bytes on a keep-alive agent, nothing else. */
import { Agent, request } from 'node:http'

/** One POST of `body`; resolves with the answer's text. */
export function rawPost(agent: Agent, url: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json;charset=UTF-8', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve(Buffer.concat(chunks).toString()))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Requests per second of `clients` loops each awaiting `run()` back to back for `seconds`, after half a
 * second of the same as a warm-up (sockets opened, code optimised).
 */
export async function perSecond(clients: number, seconds: number, run: () => Promise<unknown>): Promise<number> {
  const loop = async (ms: number) => {
    let done = 0
    const until = performance.now() + ms
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          await run()
          done++
        }
      }),
    )
    return done
  }
  await loop(500)
  return Math.round((await loop(seconds * 1000)) / seconds)
}

/** A fresh keep-alive pool, so each measurement opens its own sockets. */
export const keepAlive = () => new Agent({ keepAlive: true })
