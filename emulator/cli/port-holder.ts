/**
 * Who listens on a TCP port, when the system tells: on Linux, the listening socket's inode from
 * /proc/net/tcp{,6}, then the process whose file descriptors include it. Elsewhere, or without the
 * rights to look, nothing (the message then only says the port is taken).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** The inodes of sockets listening on `port`. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; the inode is the tenth field.
      const local = fields[1]
      if (!local || fields[3] !== '0A') continue
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9]) inodes.add(fields[9])
    }
  }
  return inodes
}

/** `PID 1234 (node dist/cli.js emulator)`, or undefined when it cannot be told. */
export function portHolder(port: number): string | undefined {
  const inodes = listeningInodes(port)
  if (!inodes.size) return undefined
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  for (const pid of pids) {
    let fds: string[]
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {
      continue
    }
    for (const fd of fds) {
      let target: string
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {
        continue
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)
      if (!inode || !inodes.has(inode[1]!)) continue
      let command = ''
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
      } catch {
        // The PID alone still helps.
      }
      return `PID ${pid}${command ? ` (${command.length > 80 ? `${command.slice(0, 80)}…` : command})` : ''}`
    }
  }
  return undefined
}
