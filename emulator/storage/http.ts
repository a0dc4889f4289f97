/**
 * The storage bytes over HTTP, standing in for COS: `PUT` (raw body) or `POST` (multipart form, parsed
 * with busboy) to `/storage/upload/<path>` with the grant of `storage.getUploadMetadata`, and
 * `GET`/`HEAD` on `/storage/download/<path>?sign=&t=`. Failures answer as COS does, an XML `<Error>`
 * (the server SDKs parse it; js-sdk shows it), and are never more than a refused request.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import busboy from 'busboy'
import { EmulatorError } from '../errors'
import type { RawRoute } from '../pipeline/service'
import type { StorageContext } from './actions'
import { checkCloudPath } from './paths'
import { SignatureRefused } from './signing'

/**
 * Past the size limit the rest of a body is read and dropped (up to this much more), so that the
 * client is still listening when the 413 comes; beyond it the connection is cut.
 */
const DRAIN_BYTES = 16 * 1024 * 1024

const TYPES: Record<string, string> = {
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  css: 'text/css',
  js: 'text/javascript',
  xml: 'application/xml',
  csv: 'text/csv',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  zip: 'application/zip',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

const contentType = (path: string) => TYPES[(/\.([a-z0-9]+)$/i.exec(path)?.[1] || '').toLowerCase()] || 'application/octet-stream'

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)

/** A COS failure, with status and code. */
class CosFailure extends Error {
  constructor(
    readonly status: number,
    readonly cosCode: string,
    message: string,
    /** The body was not read to its end: answer, then close the connection. */
    readonly close = false,
  ) {
    super(message)
  }
}

const refused = (error: SignatureRefused) => new CosFailure(403, error.cosCode, error.message)

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Reads the whole body, keeping at most `limit` bytes (`undefined` data past it); past `limit + DRAIN_BYTES`, stops. */
function readBody(req: IncomingMessage, limit: number, keep: boolean): Promise<{ data?: Buffer; size: number; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit + DRAIN_BYTES) {
        req.pause()
        req.removeAllListeners('data')
        resolve({ size, cut: true })
      } else if (keep && size <= limit) chunks.push(chunk)
    })
    req.on('end', () => resolve({ data: keep && size <= limit ? Buffer.concat(chunks) : undefined, size, cut: false }))
    // The client went away mid-body: nothing to store, nobody to answer.
    req.on('close', () => resolve({ size, cut: true }))
    req.on('error', reject)
  })
}

export function storageRoutes(ctx: StorageContext): RawRoute[] {
  return [{ prefix: '/storage/', dialect: 'storage', handle: (req, res, trace) => serve(ctx, req, res, trace.requestId) }]
}

async function serve(ctx: StorageContext, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> {
  // The path as sent: a URL parser would resolve "..", and a climb out of the bucket must be refused, not redirected.
  const [pathname = '/', search = ''] = (req.url || '/').split(/\?(.*)/s)
  const url = { pathname, searchParams: new URLSearchParams(search) }
  const headers = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, x-cos-request-id', 'x-cos-request-id': requestId }
  const fail = (failure: CosFailure, close = false) => {
    const xml =
      `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n  <Code>${escapeXml(failure.cosCode)}</Code>\n  <Message>${escapeXml(failure.message)}</Message>\n` +
      `  <Resource>${escapeXml(url.pathname)}</Resource>\n  <RequestId>${requestId}</RequestId>\n  <TraceId>${requestId}</TraceId>\n</Error>\n`
    res.writeHead(failure.status, Object.assign({ 'content-type': 'application/xml' }, headers, close ? { connection: 'close' } : {}))
    res.end(xml, () => {
      if (close) req.destroy()
    })
    return `${failure.status} ${failure.cosCode}`
  }
  try {
    const [, kind, rest = ''] = /^\/storage\/(upload|download)(?:\/(.*))?$/.exec(url.pathname) || []
    if (!kind) throw new CosFailure(404, 'NoSuchResource', `no storage endpoint ${url.pathname}: uploads go to /storage/upload/<path>, downloads to /storage/download/<path>`)
    let path = ''
    if (rest) {
      try {
        path = checkCloudPath(decodeURIComponent(rest), 'the URL\'s path')
      } catch (error) {
        throw new CosFailure(400, 'InvalidURI', error instanceof Error ? error.message : String(error))
      }
    }
    if (kind === 'download') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new CosFailure(405, 'MethodNotAllowed', `${req.method} is not allowed on a download URL: GET or HEAD`)
      return download(ctx, req, res, url, path, headers)
    }
    if (req.method === 'PUT') return await putUpload(ctx, req, res, path, headers)
    if (req.method === 'POST') return await postUpload(ctx, req, res, path, headers)
    throw new CosFailure(405, 'MethodNotAllowed', `${req.method} is not allowed on an upload URL: PUT or POST`)
  } catch (error) {
    if (error instanceof CosFailure) {
      if (error.close) return fail(error, true)
      // A refused upload may still be arriving: read it off (bounded) so the client hears the answer.
      if (!req.readableEnded && (req.method === 'PUT' || req.method === 'POST')) {
        req.unpipe()
        const { cut } = await readBody(req, 0, false)
        return fail(error, cut)
      }
      return fail(error)
    }
    throw error
  }
}

function download(ctx: StorageContext, req: IncomingMessage, res: ServerResponse, url: { searchParams: URLSearchParams }, path: string, headers: Record<string, string>): string {
  if (!path) throw new CosFailure(400, 'InvalidURI', 'the download URL names no file')
  try {
    ctx.signer.checkDownload(path, url.searchParams.get('sign') ?? undefined, url.searchParams.get('t') ?? undefined)
  } catch (error) {
    if (error instanceof SignatureRefused) throw refused(error)
    throw error
  }
  const data = ctx.blobs.get(path)
  if (!data) throw new CosFailure(404, 'NoSuchKey', `The specified key does not exist: ${path}`)
  res.writeHead(
    200,
    Object.assign({ 'content-type': contentType(path), 'content-length': String(data.length), etag: `"${createHash('md5').update(data).digest('hex')}"` }, headers),
  )
  res.end(req.method === 'HEAD' ? undefined : data)
  return `200 ${data.length} bytes`
}

/** Stores the bytes and who uploaded them (`owner`, from the grant); answers the ETag. */
function store(ctx: StorageContext, path: string, data: Buffer, owner: string | undefined): string {
  try {
    ctx.blobs.put(path, data)
  } catch (error) {
    if (error instanceof EmulatorError) throw new CosFailure(409, 'InvalidArgument', error.message)
    throw error
  }
  ctx.owners.set(path, owner)
  return `"${createHash('md5').update(data).digest('hex')}"`
}

const tooLarge = (ctx: StorageContext, close = false) =>
  new CosFailure(413, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed object size: at most ${ctx.maxUploadBytes} bytes`, close)

async function putUpload(ctx: StorageContext, req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>): Promise<string> {
  if (!path) throw new CosFailure(400, 'InvalidURI', 'a PUT upload goes to /storage/upload/<path>')
  let owner: string | undefined
  try {
    owner = ctx.signer.checkUpload(path, header(req, 'authorization'), header(req, 'x-cos-security-token'), header(req, 'x-cos-meta-fileid'))
  } catch (error) {
    if (error instanceof SignatureRefused) throw refused(error)
    throw error
  }
  const { data, cut } = await readBody(req, ctx.maxUploadBytes, true)
  if (!data) throw tooLarge(ctx, cut)
  const etag = store(ctx, path, data, owner)
  res.writeHead(200, Object.assign({ etag, 'content-length': '0' }, headers))
  res.end()
  return `200 stored ${data.length} bytes`
}

function postUpload(ctx: StorageContext, req: IncomingMessage, res: ServerResponse, urlPath: string, headers: Record<string, string>): Promise<string> {
  let parser: busboy.Busboy
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: ctx.maxUploadBytes, fields: 32, fieldSize: 64 * 1024, parts: 40 } })
  } catch (error) {
    return Promise.reject(new CosFailure(400, 'InvalidArgument', `a POST upload must be multipart/form-data: ${error instanceof Error ? error.message : String(error)}`))
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {}
    let file: Buffer | undefined
    let owner: string | undefined
    let oversized = false
    let problem: CosFailure | undefined
    let total = 0
    req.on('data', (chunk: Buffer) => {
      total += chunk.length
      if (total > ctx.maxUploadBytes + DRAIN_BYTES) {
        req.unpipe(parser)
        req.pause()
        reject(tooLarge(ctx, true))
      }
    })
    req.on('close', () => {
      if (!req.readableEnded) reject(new CosFailure(400, 'RequestAborted', 'the client closed the connection before the form ended', true))
    })
    parser.on('field', (name, value) => {
      fields[name] = value
    })
    parser.on('file', (name, stream) => {
      if (name !== 'file' || problem) return void stream.resume()
      // COS reads the fields before the file (the file part comes last), so they are all known here.
      try {
        const key = checkCloudPath(fields.key, 'the form field key')
        if (urlPath && urlPath !== key) throw new CosFailure(400, 'InvalidArgument', `the form's key ${JSON.stringify(key)} is not the URL's path ${JSON.stringify(urlPath)}`)
        owner = ctx.signer.checkUpload(key, fields.signature, fields['x-cos-security-token'], fields['x-cos-meta-fileid'])
      } catch (error) {
        problem = error instanceof SignatureRefused ? refused(error) : error instanceof CosFailure ? error : new CosFailure(400, 'InvalidArgument', error instanceof Error ? error.message : String(error))
        return void stream.resume()
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        if (!oversized) chunks.push(chunk)
      })
      stream.on('limit', () => {
        oversized = true
        chunks.length = 0
      })
      stream.on('end', () => {
        if (!oversized) file = Buffer.concat(chunks)
      })
    })
    parser.on('error', (error: Error) => reject(problem || new CosFailure(400, 'MalformedPOSTRequest', `the multipart body could not be read: ${error.message}`)))
    parser.on('close', () => {
      try {
        if (problem) throw problem
        if (oversized) throw tooLarge(ctx)
        if (!file) throw new CosFailure(400, 'InvalidArgument', 'the form has no file field (it must come after key, signature and x-cos-security-token)')
        const key = fields.key!
        const etag = store(ctx, key, file, owner)
        const status = fields.success_action_status === '200' || fields.success_action_status === '201' ? Number(fields.success_action_status) : 204
        if (status === 201) {
          const xml =
            `<?xml version='1.0' encoding='utf-8' ?>\n<PostResponse>\n  <Location>${escapeXml(key)}</Location>\n  <Bucket>${escapeXml(ctx.env)}</Bucket>\n` +
            `  <Key>${escapeXml(key)}</Key>\n  <ETag>${escapeXml(etag)}</ETag>\n</PostResponse>\n`
          res.writeHead(201, Object.assign({ 'content-type': 'application/xml', etag }, headers))
          res.end(xml)
        } else {
          res.writeHead(status, Object.assign({ etag }, headers))
          res.end()
        }
        resolve(`${status} stored ${file.length} bytes`)
      } catch (error) {
        reject(error)
      }
    })
    req.pipe(parser)
  })
}
