/**
 * The physical ceiling of a watch fan-out: a bare server whose every HTTP request sends one fixed frame to
 * each open WebSocket and then answers fixed bytes (the emulator, too, pushes at commit, before its reply).
 * Run in its own process, it prints its URL (sockets connect to the same port).
 * Usage: node --import tsx bench/fan-out-server.ts <frame> <body>
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

const [frame = '{}', answer = '{}'] = process.argv.slice(2)
const body = Buffer.from(answer)
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    for (const socket of sockets.clients) socket.send(frame)
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body)
  })
})
const sockets = new WebSocketServer({ server })
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`))
