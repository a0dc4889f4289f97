/**
 * A Node platform adapter for the official @cloudbase/js-sdk, built to @cloudbase/adapter-interface: it
 * carries js-sdk's HTTP through `fetch`, its socket through `ws`, keeps its storage in memory, and sends
 * every request (whatever CloudBase host js-sdk computed: `<env>.<region>.tcb-api.tencentcloudapi.com` in
 * CLOUD_API mode, `<env>.api.tcloudbasegateway.com` in the default GATEWAY mode) to the emulator, path kept. The adapter is the one part of
 * the official client we provide; the SDK above it runs unmodified.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { CloudbaseAdapter, IRequestOptions, IFetchOptions, SDKAdapterInterface, StorageInterface } from '@cloudbase/adapter-interface'
import WebSocket from 'ws'

const require = createRequire(import.meta.url)

/** js-sdk 3.7.0's browser build (the one the reference captured), which takes adapters. */
export function loadJsSdk(): any {
  const path = require.resolve('@cloudbase/js-sdk').replace(/[^/]+$/, 'index.cjs.js')
  const sdk = require(path)
  return sdk.default || sdk
}

/**
 * js-sdk 3.x's two wire modes: `CLOUD_API` (dialect A, `POST /web`) and `GATEWAY` (dialect B, REST under
 * `/v1`), its default. The interop tests run their scenarios in both.
 */
export const JS_SDK_MODES = ['CLOUD_API', 'GATEWAY'] as const
export type JsSdkMode = (typeof JS_SDK_MODES)[number]

/** The emulator dialect each mode's requests arrive in (the log's `dialect`). */
export const DIALECT_OF: Record<JsSdkMode, 'web' | 'gateway'> = { CLOUD_API: 'web', GATEWAY: 'gateway' }

/** What `cloudbase.init` is given for `mode`: GATEWAY is what js-sdk does when told nothing, so nothing is said. */
export const modeConfig = (mode: JsSdkMode): { endPointMode?: 'CLOUD_API' } => (mode === 'CLOUD_API' ? { endPointMode: 'CLOUD_API' } : {})

interface Answer {
  statusCode: number
  status: number
  data: unknown
  header: Record<string, string>
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text()
  let data: unknown = text
  try {
    data = JSON.parse(text)
  } catch {
    // Not JSON: js-sdk gets the text, as from a browser.
  }
  return { statusCode: response.status, status: response.status, data, header: Object.fromEntries(response.headers) }
}

function memoryStorage(): StorageInterface {
  const items = new Map<string, string>()
  return {
    mode: 'sync',
    setItem: (key, value) => void items.set(key, String(value)),
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  }
}

/** An adapter that points js-sdk at `endpoint` (the emulator's URL). */
export function emulatorAdapter(endpoint: string): CloudbaseAdapter {
  const to = (url = '') => url.replace(/^(https?:|wss?:)?\/\/[^/]+/, endpoint)
  class Request {
    async post({ url, data, headers }: IRequestOptions): Promise<Answer> {
      const body = typeof data === 'string' ? data : JSON.stringify(data || {})
      return answer(await fetch(to(url), { method: 'POST', headers: { 'content-type': 'application/json', ...(headers as object) }, body }))
    }
    async get({ url, headers }: IRequestOptions): Promise<Answer> {
      return answer(await fetch(to(url), { headers: headers as Record<string, string> }))
    }
    /**
     * The gateway's transport (js-sdk's default mode). As js-sdk's own browser adapter does, a status that is
     * not 2xx rejects with the parsed body (`{ code, message, requestId }`): that rejection is what makes
     * js-sdk refresh an expired token and retry, and what its callers see as the server's error.
     */
    async fetch({ url, method, headers, body, shouldThrowOnError = true }: IFetchOptions & { shouldThrowOnError?: boolean }): Promise<Answer> {
      const answered = await answer(await fetch(to(url), { method, headers, body } as RequestInit))
      if (shouldThrowOnError && (answered.status < 200 || answered.status > 299)) throw answered.data
      return answered
    }
    upload(): Promise<never> {
      return Promise.reject(new Error('uploads are not served by this adapter yet'))
    }
    download(): Promise<never> {
      return Promise.reject(new Error('downloads are not served by this adapter yet'))
    }
  }
  class Socket extends WebSocket {
    constructor(url: string) {
      super(to(url).replace(/^http/, 'ws'))
    }
  }
  const platform: SDKAdapterInterface = {
    root: {},
    reqClass: Request,
    wsClass: Socket as unknown as SDKAdapterInterface['wsClass'],
    localStorage: memoryStorage(),
    primaryStorage: 'local' as SDKAdapterInterface['primaryStorage'],
  }
  return { runtime: 'node-emulator', isMatch: () => true, genAdapter: () => platform }
}

/** What js-sdk gives the adapter's `upload`: the COS URL, the file (a path in Node), the method, headers or form fields. */
interface UploadOptions {
  url: string
  file?: string
  fileContent?: Uint8Array | Blob
  name: string
  method?: string
  headers?: Record<string, unknown>
  data?: Record<string, unknown>
}

const defined = (record: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(record).filter(([key, value]) => value !== undefined && key !== 'undefined').map(([key, value]) => [key, String(value)]))

/**
 * The emulator adapter plus what js-sdk needs for files in Node: `upload` sends the file's bytes with PUT
 * (headers) or POST (a multipart form whose last field is `file`, as COS wants), `download` GETs the URL
 * and writes `tempFilePath` when given.
 */
export function emulatorAdapterWithFiles(endpoint: string): CloudbaseAdapter {
  const base = emulatorAdapter(endpoint)
  return {
    ...base,
    genAdapter(options?: unknown) {
      const platform = (base.genAdapter as (options?: unknown) => SDKAdapterInterface)(options)
      const Base = platform.reqClass as unknown as new (config: unknown) => object
      class WithFiles extends Base {
        async upload({ url, file, fileContent, name, method, headers, data }: UploadOptions) {
          const bytes = typeof file === 'string' ? new Uint8Array(readFileSync(file)) : fileContent instanceof Blob ? new Uint8Array(await fileContent.arrayBuffer()) : fileContent
          if (!bytes) throw new Error('nothing to upload: neither filePath nor fileContent')
          let response: Response
          if ((method || 'put').toLowerCase() === 'post') {
            const form = new FormData()
            for (const [key, value] of Object.entries(defined(data))) form.append(key, value)
            form.append('file', new Blob([bytes]), name.split('/').pop())
            response = await fetch(url, { method: 'POST', headers: defined(headers), body: form })
          } else {
            response = await fetch(url, { method: 'PUT', headers: defined(headers), body: bytes })
          }
          return { statusCode: response.status, status: response.status, data: await response.text(), header: Object.fromEntries(response.headers) }
        }
        async download({ url, tempFilePath }: { url: string; tempFilePath?: string }) {
          const response = await fetch(url)
          const data = Buffer.from(await response.arrayBuffer())
          if (tempFilePath && response.ok) writeFileSync(tempFilePath, data)
          return { statusCode: response.status, tempFilePath: tempFilePath || url, data }
        }
      }
      return { ...platform, reqClass: WithFiles as unknown as SDKAdapterInterface['reqClass'] }
    },
  }
}
