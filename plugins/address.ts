/**
 * Where the app finds the emulator, and where the emulator listens for it: the simulator and the browser on
 * this machine reach 127.0.0.1, a phone on the Wi-Fi reaches only this machine's LAN address, so for `'lan'`
 * (and a host the user names) the emulator listens on every interface.
 */
import { networkInterfaces } from 'node:os'

/** `os.networkInterfaces()`'s shape, so tests can pass a machine's interfaces. */
export type Interfaces = Record<string, Array<{ address: string; family: string | number; internal: boolean }> | undefined>

/** The first non-internal IPv4 address of `interfaces`, or undefined when the machine has none (no network). */
export function lanAddress(interfaces: Interfaces = networkInterfaces() as Interfaces): string | undefined {
  for (const name of Object.keys(interfaces)) {
    for (const entry of interfaces[name] || []) {
      // Node 18.0-18.3 said `family: 4`; later versions say 'IPv4'.
      if (!entry.internal && (entry.family === 'IPv4' || entry.family === 4)) return entry.address
    }
  }
  return undefined
}

/** The endpoint the app is compiled with and the address the emulator listens on, for the `host` option. */
export interface Address {
  /** `http://HOST:PORT`, what `process.env.MPCLOUD_ENDPOINT` becomes. */
  endpoint: string
  /** What the emulator listens on. */
  listen: string
}

/** The address for `host` (`'localhost'`, `'lan'`, or a name or IPv4 address) and `port`; `plugin` names the plugin in errors. */
export function addressFor(host: string, port: number, plugin: string, interfaces?: Interfaces): Address {
  if (host === 'localhost') return { endpoint: `http://127.0.0.1:${port}`, listen: '127.0.0.1' }
  const name = host === 'lan' ? lanAddress(interfaces) : host
  if (!name) throw new Error(`${plugin}: option "host" is "lan" but this machine has no LAN IPv4 address (connect it to the phone's network, or give the address as "host")`)
  return { endpoint: `http://${name}:${port}`, listen: '0.0.0.0' }
}
