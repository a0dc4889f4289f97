/**
 * Storage in the emulator over real HTTP: `storage.getUploadMetadata`, the upload route (PUT raw body,
 * POST multipart form as in J30/J31), `storage.batchGetDownloadUrl` and its signed, expiring download
 * URLs, `storage.batchDeleteFile`; on `/web` (signed in) and `/admin`; in memory and in a data dir. The bad
 * cases (path traversal, forged or expired signatures, oversized uploads) are refused clearly and the
 * emulator keeps serving.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { adminCall } from '../helpers/admin'
import { webCaller, type WebCall } from '../helpers/web'

/** Small, so that "too large" costs nothing to send. */
const MAX_UPLOAD = 4096

let emulator: RunningEmulator
let call: WebCall

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, maxUploadBytes: MAX_UPLOAD, collections: ['todos'] })
  call = await webCaller(emulator)
})
afterAll(async () => {
  await emulator.stop()
})

interface Metadata {
  url: string
  token: string
  authorization: string
  fileId: string
  cosFileId: string
  download_url: string
}
interface DownloadItem {
  fileid: string
  fileID: string
  download_url: string
  tempFileURL: string
  code: string
  maxAge: number
  message: string
}

/** The fileID the docs/protocol.md §7.1 rule gives: `cloud://<env>.<hex of its first two chars>-<env>-<appId>/<path>`. */
const fileIdOf = (env: string, path: string) => `cloud://${env}.${Buffer.from(env.slice(0, 2)).toString('hex')}-${env}-1250000000/${path}`

async function metadata(path: string, method = 'put', caller: WebCall = call): Promise<Metadata> {
  const answer = await caller('storage.getUploadMetadata', { path, method })
  expect(answer.code).toBeUndefined()
  return answer.data as Metadata
}

/** js-sdk's and node-sdk's PUT (J30, W16): the grant in headers, the raw bytes as body. */
function put(meta: Metadata, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(meta.url, {
    method: 'PUT',
    headers: { authorization: meta.authorization, 'x-cos-security-token': meta.token, 'x-cos-meta-fileid': meta.cosFileId, ...headers },
    body,
  })
}

/** js-sdk's POST form (J31): key, signature, x-cos-meta-fileid, success_action_status, x-cos-security-token, then file. */
function post(meta: Metadata, key: string, body: Uint8Array | string, fields: Record<string, string | undefined> = {}): Promise<Response> {
  const form = new FormData()
  const all: Record<string, string | undefined> = {
    key,
    signature: meta.authorization,
    'x-cos-meta-fileid': meta.cosFileId,
    success_action_status: '201',
    'x-cos-security-token': meta.token,
    ...fields,
  }
  for (const [name, value] of Object.entries(all)) if (value !== undefined) form.append(name, value)
  form.append('file', new Blob([body]), 'upload.bin')
  return fetch(meta.url, { method: 'POST', body: form })
}

async function upload(path: string, body: Uint8Array | string, caller: WebCall = call): Promise<Metadata> {
  const meta = await metadata(path, 'put', caller)
  const response = await put(meta, body)
  expect(response.status).toBe(200)
  return meta
}

async function downloadList(fileList: unknown[], caller: WebCall = call): Promise<DownloadItem[]> {
  const answer = await caller('storage.batchGetDownloadUrl', { file_list: fileList })
  expect(answer.code).toBeUndefined()
  return (answer.data as { download_list: DownloadItem[] }).download_list
}

/** GET as the official SDKs do it: `encodeURI(download_url)`. */
async function get(url: string): Promise<{ status: number; body: Buffer; type: string | null }> {
  const response = await fetch(encodeURI(url))
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') }
}

/** A request with exactly this path (fetch would resolve `..` segments before sending). */
function rawRequest(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(emulator.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The `<Code>` of a COS XML error. */
const cosCode = async (response: Response) => /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1]

describe('upload and download', () => {
  it('getUploadMetadata: a URL on the emulator, a signed grant, the fileID of §7.1', async () => {
    const meta = await metadata('dir/a.txt')
    expect(meta.url).toBe(`${emulator.url}/storage/upload/dir/a.txt`)
    expect(meta.fileId).toBe(fileIdOf(emulator.env, 'dir/a.txt'))
    expect(meta.authorization).toMatch(/q-signature=[0-9a-f]{64}/)
    expect(meta.token).toEqual(expect.any(String))
    expect(meta.cosFileId).toEqual(expect.any(String))
    expect(meta.download_url).toMatch(new RegExp(`^${emulator.url}/storage/download/dir/a\\.txt\\?sign=[0-9a-f]{32}&t=\\d+$`))
  })

  it('PUT the raw bytes, then read them back through a temporary URL', async () => {
    const bytes = randomBytes(3000)
    const meta = await upload('photos/raw.bin', bytes)
    const [item] = await downloadList([{ fileid: meta.fileId }])
    const { status, body } = await get(item!.download_url)
    expect(status).toBe(200)
    expect(body.equals(bytes)).toBe(true)
  })

  it('POST the J31 form: 201 as success_action_status asks, then the bytes read back', async () => {
    const meta = await metadata('forms/b.txt', 'post')
    const response = await post(meta, 'forms/b.txt', 'posted text')
    expect(response.status).toBe(201)
    expect(await response.text()).toContain('<Key>forms/b.txt</Key>')
    const [item] = await downloadList([{ fileid: meta.fileId }])
    expect(await get(item!.tempFileURL)).toMatchObject({ status: 200, body: Buffer.from('posted text'), type: 'text/plain; charset=utf-8' })
  })

  it('POST without success_action_status answers 204, as COS', async () => {
    const meta = await metadata('forms/c.txt', 'post')
    expect((await post(meta, 'forms/c.txt', 'c', { success_action_status: undefined })).status).toBe(204)
  })

  it('an upload replaces the file; non-ASCII and spaces in paths survive the round trip', async () => {
    const path = '目录/my file.txt'
    await upload(path, 'first')
    const meta = await upload(path, 'second')
    expect(meta.fileId).toBe(fileIdOf(emulator.env, path))
    const [item] = await downloadList([{ fileid: meta.fileId }])
    expect((await get(item!.download_url)).body.toString()).toBe('second')
  })

  it('batchGetDownloadUrl: every spelling of §7.2 on each item, max_age honoured, missing files STORAGE_FILE_NONEXIST', async () => {
    const meta = await upload('list/here.txt', 'here')
    const missing = fileIdOf(emulator.env, 'list/missing.txt')
    const before = Math.floor(Date.now() / 1000)
    const [found, gone, plain] = await downloadList([{ fileid: meta.fileId, max_age: 120 }, { fileid: missing }, { fileid: meta.fileId }])
    expect(found).toEqual({ fileid: meta.fileId, fileID: meta.fileId, download_url: expect.any(String), tempFileURL: found!.download_url, code: 'SUCCESS', maxAge: 120, message: expect.any(String) })
    const t = Number(new URL(found!.download_url).searchParams.get('t'))
    expect(t - before).toBeGreaterThanOrEqual(120)
    expect(t - before).toBeLessThanOrEqual(122)
    expect(gone).toEqual({ fileid: missing, fileID: missing, download_url: '', tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', maxAge: 86400, message: 'file not exist' })
    expect(plain).toMatchObject({ code: 'SUCCESS', maxAge: 86400 })
  })

  it('a fileID of another env or bucket names no file here, and says so', async () => {
    const [other, bucket] = await downloadList([{ fileid: fileIdOf('prod-env', 'a.txt') }, { fileid: `cloud://${emulator.env}.x-bucket/a.txt` }])
    expect(other).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', message: expect.stringContaining('belongs to env "prod-env"') })
    expect(bucket).toMatchObject({ code: 'STORAGE_FILE_NONEXIST', message: expect.stringContaining('names bucket "x-bucket"') })
  })

  it('HEAD gives the size without the bytes', async () => {
    const meta = await upload('head/h.json', '{"a":1}')
    const [item] = await downloadList([{ fileid: meta.fileId }])
    const response = await fetch(item!.download_url, { method: 'HEAD' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-length')).toBe('7')
    expect(response.headers.get('content-type')).toBe('application/json')
  })

  it('batchDeleteFile: deleted, then missing everywhere; deleting again is STORAGE_FILE_NONEXIST', async () => {
    const meta = await upload('del/x.txt', 'x')
    const [item] = await downloadList([{ fileid: meta.fileId }])
    const answer = await call('storage.batchDeleteFile', { fileid_list: [meta.fileId] })
    expect(answer.data).toEqual({ delete_list: [{ fileid: meta.fileId, fileID: meta.fileId, code: 'SUCCESS', message: 'ok' }] })
    expect((await downloadList([{ fileid: meta.fileId }]))[0]!.code).toBe('STORAGE_FILE_NONEXIST')
    const old = await fetch(encodeURI(item!.download_url))
    expect(old.status).toBe(404)
    expect(await cosCode(old)).toBe('NoSuchKey')
    const again = await call('storage.batchDeleteFile', { fileid_list: [meta.fileId] })
    expect((again.data as { delete_list: { code: string }[] }).delete_list[0]!.code).toBe('STORAGE_FILE_NONEXIST')
  })

  it('the storage actions need a signed-in caller on /web and answer the server SDKs on /admin', async () => {
    expect(await call('storage.getUploadMetadata', { path: 'a.txt', access_token: undefined })).toMatchObject({ code: 'CHECK_LOGIN_FAILED' })
    const admin: WebCall = (action, params = {}) => adminCall(emulator, action, params)
    const meta = await upload('admin/y.txt', 'from the server', admin)
    const [item] = await downloadList([{ fileid: meta.fileId }], admin)
    expect((await get(item!.download_url)).body.toString()).toBe('from the server')
    expect(await admin('storage.batchDeleteFile', { fileid_list: [meta.fileId] })).toMatchObject({ data: { delete_list: [{ code: 'SUCCESS' }] } })
  })

  it('a browser may PUT across origins (CORS preflight)', async () => {
    const response = await fetch(`${emulator.url}/storage/upload/a.txt`, { method: 'OPTIONS' })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT')
  })
})

describe('refused, and the emulator keeps serving', () => {
  const traversal: Array<[string, RegExp]> = [
    ['../outside.txt', /contains a "\.\." segment/],
    ['a/../../b.txt', /contains a "\.\." segment/],
    ['/etc/passwd', /must be relative/],
    ['a//b.txt', /empty segment/],
    ['a/', /empty segment/],
    ['a\\..\\b', /contains "\\\\"/],
    ['a?b=1', /contains "\?"/],
    ['', /must be a non-empty string/],
  ]
  for (const [path, message] of traversal) {
    it(`getUploadMetadata of ${JSON.stringify(path)}: INVALID_PARAM`, async () => {
      const answer = await call('storage.getUploadMetadata', { path, method: 'put' })
      expect(answer).toMatchObject({ code: 'INVALID_PARAM' })
      expect(answer.message).toMatch(message)
    })
  }

  it('a fileID that climbs out of the bucket is INVALID_PARAM for getTempFileURL and deleteFile', async () => {
    const fileid = fileIdOf(emulator.env, '../../etc/passwd')
    expect(await call('storage.batchGetDownloadUrl', { file_list: [{ fileid }] })).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/"\.\." segment/) })
    expect(await call('storage.batchDeleteFile', { fileid_list: [fileid] })).toMatchObject({ code: 'INVALID_PARAM' })
  })

  it('traversal in an upload or download URL is 400 InvalidURI', async () => {
    for (const path of ['/storage/download/../../etc/passwd?sign=x&t=1', '/storage/download/a/%2e%2e/%2e%2e/x?sign=x&t=1', '/storage/upload/..%2F..%2Fx.txt']) {
      const { status, text } = await rawRequest(path.includes('upload') ? 'PUT' : 'GET', path, path.includes('upload') ? 'data' : undefined)
      expect(status).toBe(400)
      expect(text).toContain('<Code>InvalidURI</Code>')
    }
  })

  it('more than 50 files a call, a bad max_age or a bad method are INVALID_PARAM', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ fileid: fileIdOf(emulator.env, `f${i}`) }))
    expect(await call('storage.batchGetDownloadUrl', { file_list: many })).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('at most 50') })
    expect(await call('storage.batchGetDownloadUrl', { file_list: [{ fileid: fileIdOf(emulator.env, 'a'), max_age: -1 }] })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await call('storage.batchDeleteFile', { fileid_list: [] })).toMatchObject({ code: 'INVALID_PARAM' })
    expect(await call('storage.getUploadMetadata', { path: 'a.txt', method: 'patch' })).toMatchObject({ code: 'INVALID_PARAM' })
  })

  it('a forged upload signature or token is 403, and nothing is stored', async () => {
    const meta = await metadata('forged/a.txt')
    const flipped = meta.authorization.replace(/q-signature=(.)/, (_, c: string) => `q-signature=${c === '0' ? '1' : '0'}`)
    const forgedSignature = await put(meta, 'evil', { authorization: flipped })
    expect(forgedSignature.status).toBe(403)
    expect(await cosCode(forgedSignature)).toBe('SignatureDoesNotMatch')
    const forgedToken = await put(meta, 'evil', { 'x-cos-security-token': meta.token.slice(0, -2) + '00' })
    expect(forgedToken.status).toBe(403)
    const unsigned = await fetch(meta.url, { method: 'PUT', body: 'evil' })
    expect(unsigned.status).toBe(403)
    expect(await cosCode(unsigned)).toBe('AccessDenied')
    const forgedForm = await post(meta, 'forged/a.txt', 'evil', { signature: flipped })
    expect(forgedForm.status).toBe(403)
    expect((await downloadList([{ fileid: meta.fileId }]))[0]!.code).toBe('STORAGE_FILE_NONEXIST')
  })

  it('a grant for one path does not upload another', async () => {
    const meta = await metadata('mine/a.txt')
    const other = await put({ ...meta, url: `${emulator.url}/storage/upload/theirs/a.txt` }, 'evil')
    expect(other.status).toBe(403)
    expect(await other.text()).toContain('the upload grant is for &#34;mine/a.txt&#34;')
    const form = await post(meta, 'theirs/a.txt', 'evil')
    expect(form.status).toBe(400)
    expect((await downloadList([{ fileid: fileIdOf(emulator.env, 'theirs/a.txt') }]))[0]!.code).toBe('STORAGE_FILE_NONEXIST')
  })

  it('a forged or unsigned download URL is 403', async () => {
    const meta = await upload('private/a.txt', 'secret')
    const [item] = await downloadList([{ fileid: meta.fileId, max_age: 600 }])
    const url = new URL(item!.download_url)
    const sign = url.searchParams.get('sign')!
    const forged = new URL(url)
    forged.searchParams.set('sign', (sign[0] === 'a' ? 'b' : 'a') + sign.slice(1))
    const longer = new URL(url)
    longer.searchParams.set('t', String(Number(url.searchParams.get('t')) + 86400))
    const otherFile = new URL(url)
    otherFile.pathname = otherFile.pathname.replace('private/a.txt', 'private/b.txt')
    for (const [target, code] of [
      [forged, 'SignatureDoesNotMatch'],
      [longer, 'SignatureDoesNotMatch'],
      [otherFile, 'SignatureDoesNotMatch'],
      [new URL(url.origin + url.pathname), 'AccessDenied'],
    ] as const) {
      const response = await fetch(target)
      expect(response.status).toBe(403)
      expect(await cosCode(response)).toBe(code)
    }
    expect((await get(item!.download_url)).status).toBe(200)
  })

  it('an expired download URL is 403 "Request has expired"', async () => {
    const meta = await upload('expiring/a.txt', 'soon gone')
    const [item] = await downloadList([{ fileid: meta.fileId, max_age: 1 }])
    expect((await get(item!.download_url)).status).toBe(200)
    const t = Number(new URL(item!.download_url).searchParams.get('t'))
    await new Promise((resolve) => setTimeout(resolve, t * 1000 - Date.now() + 50))
    const response = await fetch(encodeURI(item!.download_url))
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/<Code>AccessDenied<\/Code>\s*<Message>Request has expired/)
  })

  it(`an upload over the limit (${MAX_UPLOAD} bytes here) is 413 EntityTooLarge, PUT or POST, and nothing is stored`, async () => {
    const meta = await metadata('big/a.bin')
    const tooBig = await put(meta, randomBytes(MAX_UPLOAD + 1))
    expect(tooBig.status).toBe(413)
    expect(await cosCode(tooBig)).toBe('EntityTooLarge')
    const formMeta = await metadata('big/b.bin', 'post')
    const tooBigForm = await post(formMeta, 'big/b.bin', randomBytes(MAX_UPLOAD * 3))
    expect(tooBigForm.status).toBe(413)
    expect((await downloadList([{ fileid: meta.fileId }, { fileid: formMeta.fileId }])).map((i) => i.code)).toEqual(['STORAGE_FILE_NONEXIST', 'STORAGE_FILE_NONEXIST'])
    // Exactly the limit is fine.
    expect((await put(meta, randomBytes(MAX_UPLOAD))).status).toBe(200)
  })

  it('a POST that is not a form, or has no file, is 400', async () => {
    const meta = await metadata('forms/bad.txt', 'post')
    const notForm = await fetch(meta.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(notForm.status).toBe(400)
    const form = new FormData()
    form.append('key', 'forms/bad.txt')
    const noFile = await fetch(meta.url, { method: 'POST', body: form })
    expect(noFile.status).toBe(400)
    expect(await noFile.text()).toContain('no file field')
  })

  it('JSON requests keep their own 10 MB limit; an upload route does not lift it', async () => {
    const big = JSON.stringify({ action: 'storage.getUploadMetadata', path: 'x'.repeat(11 * 1024 * 1024) })
    const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: big })
    expect(response.status).toBe(413)
  })

  it('after all of it, uploads, downloads and the database still work', async () => {
    const meta = await upload('after/ok.txt', 'ok')
    const [item] = await downloadList([{ fileid: meta.fileId }])
    expect((await get(item!.download_url)).body.toString()).toBe('ok')
    expect(await call('database.countDocument', { collectionName: 'todos' })).toMatchObject({ data: { total: 0 } })
  })
})

describe('in a data dir', () => {
  it('files live under <dataDir>/storage/<env>/ and survive a restart, with their URLs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mpcloud-storage-'))
    try {
      let first = await startEmulator({ port: 0, dataDir, env: 'files-env' })
      let webCall = await webCaller(first, 'o-uploader')
      const meta = await upload('docs/report.txt', 'kept on disk', webCall)
      expect(meta.fileId).toBe(fileIdOf('files-env', 'docs/report.txt'))
      expect(readFileSync(join(dataDir, 'storage', 'files-env', 'docs', 'report.txt'), 'utf8')).toBe('kept on disk')
      const [item] = await downloadList([{ fileid: meta.fileId }], webCall)
      await first.stop()

      first = await startEmulator({ port: 0, dataDir, env: 'files-env' })
      webCall = await webCaller(first, 'o-uploader')
      // The URL was signed before the restart and points at the old port: only its path and query still count.
      const old = new URL(item!.download_url)
      expect((await get(first.url + old.pathname + old.search)).body.toString()).toBe('kept on disk')
      const [again] = await downloadList([{ fileid: meta.fileId }], webCall)
      expect(again!.code).toBe('SUCCESS')

      // "a" and "a/b" cannot both be files on disk: the second is refused clearly, the first kept.
      const clash = await metadata('docs/report.txt/inner.txt', 'put', webCall)
      const response = await put(clash, 'x')
      expect(response.status).toBe(409)
      expect(await response.text()).toContain('a file already has the name of one of its folders')

      expect(await webCall('storage.batchDeleteFile', { fileid_list: [meta.fileId] })).toMatchObject({ data: { delete_list: [{ code: 'SUCCESS' }] } })
      expect(existsSync(join(dataDir, 'storage', 'files-env', 'docs'))).toBe(false)
      await first.stop()
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
