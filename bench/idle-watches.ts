/**
 * Memory of 500 idle watches, in the server: the emulator in its own process holding 500 watches (10
 * sockets × 50 watches of 10 documents each, opened by mpcloud/node) against the physical ceiling, a
 * bare `ws` server in its own process holding the same 10 idle sockets and nothing else. Reported as
 * resident memory added per watch, read from /proc after the watches are open and the process settled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { connectHttp, createCloud, createRealtime } from '../dist/index.js'
import { nodePlatform } from '../adapters/node/platform'
import { startChild } from './child-process'

const SOCKETS = 10
const WATCHES_PER_SOCKET = 50
const DOCS_PER_WATCH = 10

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!
  return Number(/(\d+)/.exec(line)![1]) * 1024
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 1500))

async function emulatorWatches(): Promise<{ before: number; after: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-watches-'))
  const script = new URL('../test/helpers/emulator-process.ts', import.meta.url).pathname
  const { process: server, url } = await startChild(['--import', 'tsx', script, dataDir, 'items'])
  try {
    const clouds = Array.from({ length: SOCKETS }, () => {
      const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, realtime: createRealtime })
      cloud.init({ env: 'demo-env', endpoint: url })
      return cloud.database()
    })
    const total = SOCKETS * WATCHES_PER_SOCKET
    await clouds[0]!.collection('items').add({ data: Array.from({ length: total * DOCS_PER_WATCH }, (_, i) => ({ group: Math.floor(i / DOCS_PER_WATCH), title: `item ${i}` })) })
    await settle()
    const before = rss(server.pid!)
    const listeners = await Promise.all(
      clouds.flatMap((db, s) =>
        Array.from({ length: WATCHES_PER_SOCKET }, (_, w) => {
          const group = s * WATCHES_PER_SOCKET + w
          return new Promise<{ close(): Promise<void> }>((resolve, reject) => {
            const listener = db.collection('items').where({ group }).watch({ onChange: () => resolve(listener), onError: reject })
          })
        }),
      ),
    )
    await settle()
    const after = rss(server.pid!)
    await Promise.all(listeners.map((listener) => listener.close()))
    return { before, after }
  } finally {
    server.kill()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function bareSockets(): Promise<{ before: number; after: number }> {
  const source = `const { WebSocketServer } = require('ws'); const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' }, () => console.log('ws://127.0.0.1:' + wss.address().port)); wss.on('connection', (s) => s.on('message', (m) => s.send(m)))`
  const { process: server, url } = await startChild(['-e', source])
  try {
    await settle()
    const before = rss(server.pid!)
    const sockets = await Promise.all(
      Array.from({ length: SOCKETS }, () => new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url)
        socket.once('open', () => resolve(socket))
        socket.once('error', reject)
      })),
    )
    await settle()
    const after = rss(server.pid!)
    for (const socket of sockets) socket.close()
    return { before, after }
  } finally {
    server.kill()
  }
}

const watches = SOCKETS * WATCHES_PER_SOCKET
const ours = await emulatorWatches()
const ceiling = await bareSockets()
const kb = (bytes: number) => (bytes / 1024).toFixed(1)
console.log(`\n## ${watches} idle watches (${SOCKETS} sockets × ${WATCHES_PER_SOCKET}, ${DOCS_PER_WATCH} documents each): server resident memory`)
console.table({
  'emulator (500 watches)': { 'RSS before (KB)': kb(ours.before), 'RSS after (KB)': kb(ours.after), 'added (KB)': kb(ours.after - ours.before), 'per watch (KB)': kb((ours.after - ours.before) / watches) },
  'bare ws server (10 sockets, no watch)': { 'RSS before (KB)': kb(ceiling.before), 'RSS after (KB)': kb(ceiling.after), 'added (KB)': kb(ceiling.after - ceiling.before), 'per watch (KB)': '-' },
})
console.log(`emulator memory added by 500 watches / bare server's for their 10 sockets: ${((ours.after - ours.before) / Math.max(1, ceiling.after - ceiling.before)).toFixed(1)}x`)
process.exit(0)
