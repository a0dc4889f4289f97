/**
 * The storage actions (docs/protocol.md §7.2), the same on `/web` and `/admin`: upload metadata, temporary
 * download URLs, deletion. The bytes themselves go through the routes in `http.ts`.
 */
import { invalidParam } from '../errors'
import type { Answer } from '../pipeline/service'
import type { Blobs } from './blobs'
import { checkCloudPath, encodePath, fileIdOf, pathOfFileId } from './paths'
import type { Signer } from './signing'

/** One env's storage. */
export interface StorageContext {
  env: string
  blobs: Blobs
  signer: Signer
  /** The largest file an upload may carry, in bytes. */
  maxUploadBytes: number
}

/** getTempFileURL and deleteFile take at most 50 files a call, as CloudBase does. */
export const MAX_FILES_PER_CALL = 50

/** A temporary URL lives this long (seconds) when the request gives no `max_age`. */
export const DEFAULT_MAX_AGE = 86_400

/** Where uploads and downloads of `path` go, relative to the emulator's origin. */
export const uploadPath = (path: string) => `/storage/upload/${encodePath(path)}`
/**
 * The download path is left unencoded, as CloudBase's `download_url`s are: the official SDKs pass
 * them through `encodeURI` before fetching.
 */
export const downloadPath = (path: string) => `/storage/download/${path}`

type Body = Record<string, unknown>

/** A storage action: the request body, and `http://<host>` as the caller reached the emulator (the base of the URLs handed back). */
export type StorageAction = (request: Body, origin: string) => Answer

function fileList(request: Body, key: string): unknown[] {
  const list = request[key]
  if (!Array.isArray(list) || !list.length) throw invalidParam(`${key} must be a non-empty array`)
  if (list.length > MAX_FILES_PER_CALL) throw invalidParam(`${key} has ${list.length} files; at most ${MAX_FILES_PER_CALL} per call`)
  return list
}

function maxAgeOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_MAX_AGE
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 0x7fffffff) {
    throw invalidParam(`max_age must be a positive whole number of seconds, got ${JSON.stringify(value)}`)
  }
  return value
}

export function storageActions(ctx: StorageContext): Record<string, StorageAction> {
  const downloadUrl = (origin: string, path: string, maxAge: number) => `${origin}${downloadPath(path)}?${ctx.signer.downloadQuery(path, maxAge)}`
  return {
    'storage.getUploadMetadata': (request, origin) => {
      const path = checkCloudPath(request.path, 'path')
      if (request.method !== undefined && request.method !== 'put' && request.method !== 'post') {
        throw invalidParam(`method must be "put" or "post", got ${JSON.stringify(request.method)}`)
      }
      const grant = ctx.signer.grantUpload(path)
      return {
        data: {
          url: origin + uploadPath(path),
          token: grant.token,
          authorization: grant.authorization,
          fileId: fileIdOf(ctx.env, path),
          cosFileId: grant.cosFileId,
          download_url: downloadUrl(origin, path, DEFAULT_MAX_AGE),
        },
      }
    },

    'storage.batchGetDownloadUrl': (request, origin) => {
      const items = fileList(request, 'file_list').map((item) => {
        if (!item || typeof item !== 'object') throw invalidParam('each file_list entry must be an object { fileid, max_age? }')
        const { fileid, max_age } = item as Body
        return { fileid, maxAge: maxAgeOf(max_age), where: pathOfFileId(ctx.env, fileid) }
      })
      // Every spelling the official SDKs read (docs/protocol.md §7.2): js-sdk reads fileid/download_url, the server SDKs fileID/tempFileURL.
      const download_list = items.map(({ fileid, maxAge, where }) => {
        const found = 'path' in where && ctx.blobs.has(where.path)
        const url = found ? downloadUrl(origin, where.path, maxAge) : ''
        return {
          fileid,
          fileID: fileid,
          download_url: url,
          tempFileURL: url,
          code: found ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST',
          maxAge,
          message: found ? 'ok' : 'problem' in where ? where.problem : 'file not exist',
        }
      })
      return { data: { download_list } }
    },

    'storage.batchDeleteFile': (request) => {
      const list = fileList(request, 'fileid_list')
      const wheres = list.map((fileid) => ({ fileid, where: pathOfFileId(ctx.env, fileid) }))
      const delete_list = wheres.map(({ fileid, where }) => {
        const deleted = 'path' in where && ctx.blobs.delete(where.path)
        return {
          fileid,
          fileID: fileid,
          code: deleted ? 'SUCCESS' : 'STORAGE_FILE_NONEXIST',
          message: deleted ? 'ok' : 'problem' in where ? where.problem : 'file not exist',
        }
      })
      return { data: { delete_list } }
    },
  }
}
