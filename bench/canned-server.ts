/**
 * The physical ceiling of a JSON answer over loopback HTTP: a bare `node:http` server that reads each
 * request's body and answers the same fixed bytes. Run in its own process (its own core), it prints its URL.
 * Usage: node --import tsx bench/canned-server.ts <body>
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const body = Buffer.from(process.argv[2] || '{}')
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body))
})
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`))
