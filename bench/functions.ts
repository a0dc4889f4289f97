/**
 * Cloud function instances (issue 13, "Judged by"): an in-process emulator, a signed-in user calling over
 * loopback HTTP (keep-alive, `bench/raw-loop.ts`).
 * 1. cold vs warm latency: the first call of a function (a new instance loads its module) against later calls
 *    of a warm one, for a trivial function and for one that loads wx-server-sdk at its top level;
 * 2. invocations per second of a trivial function at 1 and 20 concurrent callers, with the default cap of
 *    instances (4) and with 20.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type RunningEmulator } from '../emulator/index'
import { writeFunction, WX_SERVER_SDK } from '../test/helpers/functions'
import { anonymousToken } from '../test/helpers/web'
import { keepAlive, perSecond, rawPost } from './raw-loop'

const COLD_SAMPLES = 12
const WARM_SAMPLES = 200
const SECONDS = 2

const TRIVIAL = `exports.main = (event) => ({ n: event.n })`
const WITH_SDK = `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = (event) => ({ n: event.n, env: cloud.getWXContext().ENV })`

const median = (samples: number[]) => samples.slice().sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

async function caller(emulator: RunningEmulator) {
  const agent = keepAlive()
  const access_token = await anonymousToken(emulator)
  const bodies = new Map<string, Buffer>()
  const invoke = async (name: string) => {
    let body = bodies.get(name)
    if (!body) bodies.set(name, (body = Buffer.from(JSON.stringify({ action: 'functions.invokeFunction', env: emulator.env, access_token, function_name: name, request_data: '{"n":1}' }))))
    const answer = JSON.parse(await rawPost(agent, `${emulator.url}/web`, body)) as { code?: string; message?: string }
    if (answer.code) throw new Error(`${name}: ${answer.code} ${answer.message}`)
  }
  return { invoke, close: () => agent.destroy() }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

async function latencies(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-functions-'))
  for (let i = 0; i < COLD_SAMPLES; i++) {
    writeFunction(dir, `trivial${i}`, TRIVIAL)
    writeFunction(dir, `sdk${i}`, WITH_SDK)
  }
  const emulator = await startEmulator({ port: 0, functions: dir, maxFunctionWorkers: 2 * COLD_SAMPLES + 1 })
  const client = await caller(emulator)
  try {
    // Warm the emulator's own code path once (a function not measured).
    await client.invoke('trivial0')
    console.log('cold vs warm invocation latency (median ms, loopback HTTP, one caller)')
    for (const [label, prefix] of [
      ['trivial function', 'trivial'],
      ['wx-server-sdk at the top level', 'sdk'],
    ] as const) {
      const cold: number[] = []
      for (let i = prefix === 'trivial' ? 1 : 0; i < COLD_SAMPLES; i++) cold.push(await timed(() => client.invoke(`${prefix}${i}`)))
      const warm: number[] = []
      for (let i = 0; i < WARM_SAMPLES; i++) warm.push(await timed(() => client.invoke(`${prefix}1`)))
      const [c, w] = [median(cold), median(warm)]
      console.log(`  ${label.padEnd(32)} cold ${c.toFixed(1).padStart(7)} ms   warm ${w.toFixed(2).padStart(6)} ms   (${(c / w).toFixed(0)}x)`)
    }
  } finally {
    client.close()
    await emulator.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function throughput(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mpcloud-bench-functions-'))
  writeFunction(dir, 'trivial', TRIVIAL)
  console.log('invocations per second of a trivial function (loopback HTTP, keep-alive)')
  try {
    for (const workers of [4, 20]) {
      const emulator = await startEmulator({ port: 0, functions: dir, maxFunctionWorkers: workers })
      const client = await caller(emulator)
      try {
        // The first emulator of the process pays for its code's warm-up: not counted.
        if (workers === 4) await perSecond(20, 1, () => client.invoke('trivial'))
        const figures: string[] = []
        for (const callers of [1, 20]) figures.push(`${callers} caller${callers === 1 ? ' ' : 's'}: ${String(await perSecond(callers, SECONDS, () => client.invoke('trivial'))).padStart(6)}/s`)
        console.log(`  maxFunctionWorkers ${String(workers).padEnd(3)} ${figures.join('   ')}`)
      } finally {
        client.close()
        await emulator.stop()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await latencies()
await throughput()
