/**
 * The script each function instance runs (CommonJS, run with `eval`, so that no separate file has to ship beside
 * the bundle). An instance serves one function, one invocation at a time, for as long as it is warm: it loads
 * `index.js` once, with `import()` (CommonJS and ESM alike), on its first invocation (the cold start), and keeps
 * the module, so that what the module keeps at its top level (a cache, a client) is there on the next call.
 *
 * The emulator posts `{ kind: 'invoke', event, context, env }`; the instance sets `env` (the caller's identity:
 * `WX_CONTEXT_KEYS`, `WX_OPENID`, `TCB_SOURCE`, ...) into `process.env` for that invocation, as CloudBase's
 * runtime does from the context's `environ`, calls `main(event, context)` and posts back, on its port:
 * - `{ kind: 'output', stream, text }` for each console call (see below), with `fields` and `level` for a
 *   `cloud.logger()` record;
 * - then one `{ kind: 'answer', ok: true, json, memory }`, `json` the UTF-8 bytes of the value's JSON text
 *   (so the emulator can check their size before it makes a string of them), or `{ kind: 'answer', ok: false,
 *   message, stack?, loaded }`, or `{ kind: 'answer', ok: false, tooLarge: true }` for a value whose JSON passes
 *   `workerData.maxResultBytes`. `memory` is the instance's heap and external memory in bytes, `loaded` false
 *   when the module itself could not be loaded (the emulator then discards the instance).
 * After the answer the identity is taken out of `process.env` again (the values from before are put back).
 */
export const WORKER_SOURCE = `'use strict'
const { workerData, parentPort } = require('node:worker_threads')
const { pathToFileURL } = require('node:url')
const { format } = require('node:util')
// Bound now: whatever the function later does to MessagePort.prototype does not reach the emulator's messages.
const post = parentPort.postMessage.bind(parentPort)
// A function cannot take the emulator's process down with it.
const refuse = (what) => () => { throw new Error(what + ' is not available to a cloud function in the emulator') }
const kill = process.kill.bind(process)
// Its own pid, its parent's, or a process group (0, negative) would take the emulator down too.
process.kill = (pid, signal) => (Number(pid) <= 0 || Number(pid) === process.pid || Number(pid) === process.ppid ? refuse('process.kill of the emulator')() : kill(pid, signal))
process.abort = refuse('process.abort')
// Console calls go to the emulator on the port the answer takes, so every line arrives, in order, before the
// answer: the worker's stdout and stderr streams (still piped, for process.stdout.write and console.dir) may
// deliver their last chunk after it, or with the next invocation.
const STREAMS = { log: 'stdout', info: 'stdout', debug: 'stdout', warn: 'stderr', error: 'stderr' }
for (const method of Object.keys(STREAMS)) {
  console[method] = (...args) => post({ kind: 'output', stream: STREAMS[method], text: format(...args) })
}
// cloud.logger() (node-sdk's Logger) hands each record to the runtime's console.__baseLog__ when _SCF_TCB_LOG
// is 1, as SCF's advanced logging does: the record's key/value pairs become searchable fields, each value a
// string. Its text (the JSON of the fields) is a line of the run's log as well.
Object.defineProperty(console, '__baseLog__', {
  value: (record, level) => {
    const fields = {}
    for (const key of Object.keys(record || {})) {
      const value = record[key]
      try { fields[key] = typeof value === 'string' ? value : JSON.stringify(value) } catch (_) { fields[key] = String(value) }
    }
    post({ kind: 'output', stream: level === 'warn' || level === 'error' ? 'stderr' : 'stdout', text: JSON.stringify(fields), fields, level: String(level) })
  },
})
const describe = (error) => {
  if (error instanceof Error || (error && typeof error === 'object' && typeof error.message === 'string')) {
    return { message: String(error.message), stack: error.stack ? String(error.stack) : undefined }
  }
  if (typeof error === 'string') return { message: error }
  try { return { message: JSON.stringify(error) } } catch (_) { return { message: String(error) } }
}

const MAX = workerData.maxResultBytes
// Thrown by the walk below as soon as the JSON is known to pass MAX.
const TOO_LARGE = {}
// What JSON.stringify leaves out of an object (and writes as null in an array).
const leftOut = (v) => v === undefined || typeof v === 'function' || typeof v === 'symbol'
// The UTF-8 size of JSON.stringify(root), without building the text, so that a value far over the limit
// never becomes one string (JSON.stringify of a 100-million-character string can exhaust the heap in native
// code, which aborts the whole process). Follows JSON.stringify: toJSON, wrapper objects, left-out members,
// non-finite numbers as null. A cycle or a BigInt ends the walk quietly: JSON.stringify then says what is wrong.
const jsonSize = (root) => {
  let size = 0
  const add = (n) => {
    size += n
    if (size > MAX) throw TOO_LARGE
  }
  const ancestors = new Set()
  const string = (s) => {
    add(2)
    // Each UTF-16 unit is at least one byte: a string that long is too large unread (reading a rope builds it).
    if (s.length > MAX - size) throw TOO_LARGE
    let n = 0
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c === 34 || c === 92) n += 2
      else if (c < 32) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6
      else if (c < 0x80) n += 1
      else if (c < 0x800) n += 2
      else if (c < 0xd800 || c > 0xdfff) n += 3
      else if (c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
        n += 4
        i++
      }
      // A lone surrogate: JSON.stringify writes it as a six-character escape.
      else n += 6
    }
    add(n)
  }
  // The value JSON.stringify writes for v under key.
  const prepare = (v, key) => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
      // Typed arrays and Buffers take at least two bytes per element; checked before Buffer's toJSON lists them.
      if (ArrayBuffer.isView(v) && 2 * v.length > MAX - size) throw TOO_LARGE
      if (typeof v.toJSON === 'function') v = v.toJSON(key)
    }
    if (v instanceof Number) return Number(v)
    if (v instanceof String) return String(v)
    if (v instanceof Boolean) return v.valueOf()
    return v
  }
  const measure = (v) => {
    if (v === null) return add(4)
    if (typeof v === 'boolean') return add(v ? 4 : 5)
    if (typeof v === 'number') return add(Number.isFinite(v) ? String(v).length : 4)
    if (typeof v === 'string') return string(v)
    if (typeof v !== 'object' || ancestors.has(v)) return
    ancestors.add(v)
    add(2)
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (i > 0) add(1)
        const item = prepare(v[i], String(i))
        if (leftOut(item)) add(4)
        else measure(item)
      }
    } else {
      let first = true
      for (const key of Object.keys(v)) {
        const member = prepare(v[key], key)
        if (leftOut(member)) continue
        if (!first) add(1)
        first = false
        string(key)
        add(1)
        measure(member)
      }
    }
    ancestors.delete(v)
  }
  const value = prepare(root, '')
  if (leftOut(value)) add(4)
  else measure(value)
  return size
}

// A warm instance waits for its next invocation on its port (which keeps it alive); a main that never settles
// waits for the timeout, as on CloudBase, and the emulator then ends the instance.
let current = 0
let restore = null
const answer = (id, message, transfer) => {
  if (id !== current) return
  current = 0
  if (restore) restore()
  restore = null
  const { heapUsed, external } = process.memoryUsage()
  post(Object.assign({ kind: 'answer', memory: heapUsed + external }, message), transfer)
}
const send = (id, value) => {
  try {
    jsonSize(value)
  } catch (error) {
    if (error === TOO_LARGE) return answer(id, { ok: false, tooLarge: true })
    // Anything else (a stack overflow on deep nesting) is for JSON.stringify to report or to get right.
  }
  let json
  try {
    json = JSON.stringify(value)
  } catch (error) {
    throw new Error('the return value cannot be sent as JSON: ' + describe(error).message)
  }
  const bytes = new TextEncoder().encode(json === undefined ? 'null' : json)
  // The walk saw what toJSON, getters and proxies told it; JSON.stringify asked them again.
  if (bytes.byteLength > MAX) return answer(id, { ok: false, tooLarge: true })
  answer(id, { ok: true, json: bytes }, [bytes.buffer])
}
// The module, loaded once; a module that fails to load makes every invocation fail (the emulator then
// discards the instance, so the next call loads it afresh).
let loading = null
let loaded = false
const load = () => {
  if (!loading) {
    loading = import(pathToFileURL(workerData.file).href).then((mod) => {
      const main = typeof mod.main === 'function' ? mod.main : mod.default && typeof mod.default.main === 'function' ? mod.default.main : undefined
      if (!main) throw new Error(workerData.file + ' does not export a function main(event, context)')
      loaded = true
      return main
    })
  }
  return loading
}
// process.env for one invocation: the previous values of the keys it sets come back when it answers.
const setEnv = (env) => {
  const before = {}
  for (const key of Object.keys(env)) {
    before[key] = Object.prototype.hasOwnProperty.call(process.env, key) ? process.env[key] : undefined
    process.env[key] = env[key]
  }
  return () => {
    for (const key of Object.keys(before)) {
      if (before[key] === undefined) delete process.env[key]
      else process.env[key] = before[key]
    }
  }
}
let invocations = 0
const onMessage = (message) => {
  if (!message || message.kind !== 'invoke') return
  const id = ++invocations
  current = id
  restore = setEnv(message.env)
  const fail = (error) => answer(id, Object.assign({ ok: false, loaded }, describe(error)))
  load()
    .then((main) => main(message.event, message.context))
    .then((value) => send(id, value), fail)
    .catch(fail)
}
parentPort.on('message', onMessage)
`
