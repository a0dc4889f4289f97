/**
 * The plugins' options as docs/plugins.md lists them: defaults, and for each wrong value one message
 * naming the plugin, the option, what was given and what is allowed. Also the address each `host` gives
 * (the LAN address picked from a machine's interfaces as `os.networkInterfaces()` reports them).
 */
import { describe, expect, it } from 'vitest'
import { addressFor, lanAddress, type Interfaces } from '../../plugins/address'
import { resolveOptions } from '../../plugins/options'
import mpcloudVite from '../../plugins/vite'

const P = 'mpcloud/vite'

describe('plugin options', () => {
  it('defaults: port 9000, host localhost, the emulator on, env and mode left to the project and the build', () => {
    expect(resolveOptions(undefined, P, {})).toEqual({ port: 9000, host: 'localhost', emulator: {}, runtimeEndpoint: false })
    expect(resolveOptions({ env: 'my-env-1a2b', port: 9100, host: 'lan', emulator: false, mode: 'production', runtimeEndpoint: true }, P, {})).toEqual({ env: 'my-env-1a2b', port: 9100, host: 'lan', emulator: false, mode: 'production', runtimeEndpoint: true })
  })

  const wrong: [string, unknown, string][] = [
    ['not an object', 'my-env', `${P}: the options must be an object ({ env, port, host, emulator, mode, runtimeEndpoint }), not "my-env"`],
    ['an unknown option', { endpoint: 'http://x' }, `${P}: unknown option "endpoint"; the options are env, port, host, emulator, mode, runtimeEndpoint`],
    ['env', { env: 'my env' }, `${P}: option "env" must be an environment id (letters, digits, _ and -, up to 64), not "my env"`],
    ['port 0', { port: 0 }, `${P}: option "port" must be a TCP port from 1 to 65535, not 0`],
    ['port as text', { port: '9000' }, `${P}: option "port" must be a TCP port from 1 to 65535, not "9000"`],
    ['host with a scheme', { host: 'http://10.0.0.2' }, `${P}: option "host" must be "localhost", "lan", or a host name or IPv4 address without scheme or port (e.g. "192.168.1.20"), not "http://10.0.0.2"`],
    ['host with a port', { host: '10.0.0.2:9000' }, `${P}: option "host" must be "localhost", "lan", or a host name or IPv4 address without scheme or port (e.g. "192.168.1.20"), not "10.0.0.2:9000"`],
    ['mode', { mode: 'dev' }, `${P}: option "mode" must be "development" or "production", not "dev"`],
    ['runtimeEndpoint', { runtimeEndpoint: 'yes' }, `${P}: option "runtimeEndpoint" must be true or false, not "yes"`],
    ['emulator', { emulator: 'yes' }, `${P}: option "emulator" must be true, false or an object ({ project, dataDir, functions, collections, rules, log }), not "yes"`],
    ['an unknown emulator option', { emulator: { data: '.mpcloud' } }, `${P}: unknown option "emulator.data"; the emulator options are project, dataDir, functions, collections, rules, log`],
    ['emulator.dataDir', { emulator: { dataDir: '' } }, `${P}: option "emulator.dataDir" must be a folder path (relative to the app root), not ""`],
    ['emulator.collections', { emulator: { collections: 'todos' } }, `${P}: option "emulator.collections" must be an array of collection names, not "todos"`],
    ['emulator.rules', { emulator: { rules: 42 } }, `${P}: option "emulator.rules" must be the rules object ({ database, storage, functions }), "open", or a rules file's path, not 42`],
    ['emulator.log', { emulator: { log: 'all' } }, `${P}: option "emulator.log" must be true or false, not "all"`],
  ]
  for (const [what, given, message] of wrong) {
    it(`refuses ${what}`, () => {
      expect(() => resolveOptions(given, P, {})).toThrow(message)
    })
  }

  it('MPCLOUD_PORT, MPCLOUD_HOST and MPCLOUD_MODE override the options for one build', () => {
    const environment = { MPCLOUD_PORT: '9100', MPCLOUD_HOST: 'lan', MPCLOUD_MODE: 'development' }
    expect(resolveOptions({ env: 'my-env-1a2b', port: 9000, mode: 'production' }, P, environment)).toEqual({ env: 'my-env-1a2b', port: 9100, host: 'lan', emulator: {}, mode: 'development', runtimeEndpoint: false })
    // Empty is unset, as in a shell's `MPCLOUD_PORT= npm run build`.
    expect(resolveOptions({ port: 9200 }, P, { MPCLOUD_PORT: '' })).toEqual({ port: 9200, host: 'localhost', emulator: {}, runtimeEndpoint: false })
  })

  it('a wrong environment variable is named as such', () => {
    expect(() => resolveOptions({}, P, { MPCLOUD_PORT: '9000x' })).toThrow(`${P}: environment variable MPCLOUD_PORT must be a TCP port from 1 to 65535, not "9000x"`)
    expect(() => resolveOptions({}, P, { MPCLOUD_PORT: '0' })).toThrow(`${P}: environment variable MPCLOUD_PORT must be a TCP port from 1 to 65535, not 0`)
    expect(() => resolveOptions({}, P, { MPCLOUD_MODE: 'dev' })).toThrow(`${P}: environment variable MPCLOUD_MODE must be "development" or "production", not "dev"`)
    expect(() => resolveOptions({}, P, { MPCLOUD_HOST: 'http://10.0.0.2' })).toThrow(`${P}: environment variable MPCLOUD_HOST must be`)
  })

  it('the vite plugin checks its options when the config is loaded, before anything builds', () => {
    expect(() => mpcloudVite({ port: 70000 })).toThrow(`${P}: option "port" must be a TCP port from 1 to 65535, not 70000`)
  })
})

describe('the address for each host', () => {
  // What os.networkInterfaces() reports on a laptop on Wi-Fi with Docker: loopback first, IPv6 before IPv4.
  const laptop: Interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }, { address: '::1', family: 'IPv6', internal: true }],
    wlan0: [{ address: 'fe80::1c2b:3cff:fe4d:5e6f', family: 'IPv6', internal: false }, { address: '192.168.1.23', family: 'IPv4', internal: false }],
    docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
  }

  it('"lan": the first non-internal IPv4 address, the emulator on every interface', () => {
    expect(lanAddress(laptop)).toBe('192.168.1.23')
    expect(addressFor('lan', 9000, P, laptop)).toEqual({ endpoint: 'http://192.168.1.23:9000', listen: '0.0.0.0' })
  })

  it('"localhost": 127.0.0.1 (what DevTools and the browser reach; "localhost" may mean ::1), the emulator on loopback only', () => {
    expect(addressFor('localhost', 9000, P, laptop)).toEqual({ endpoint: 'http://127.0.0.1:9000', listen: '127.0.0.1' })
  })

  it('a named host: compiled in as it is, the emulator on every interface', () => {
    expect(addressFor('dev-box.local', 9100, P)).toEqual({ endpoint: 'http://dev-box.local:9100', listen: '0.0.0.0' })
  })

  it('"lan" on a machine without a network says so', () => {
    expect(() => addressFor('lan', 9000, P, { lo: laptop.lo })).toThrow(`${P}: option "host" is "lan" but this machine has no LAN IPv4 address`)
  })
})
