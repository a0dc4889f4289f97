/**
 * The storage actions (docs/protocol.md §7.2), the same on `/web` and `/admin`: upload metadata, temporary
 * download URLs, deletion. The bytes themselves go through the routes in `http.ts`.
 */
import { EmulatorError, invalidParam } from '../errors'
import { ownerOf, type Principal } from '../pipeline/principal'
import type { Answer } from '../pipeline/service'
import type { Blobs } from './blobs'
import type { StorageCheck, StorageResource } from '../pipeline/rule-checks'
import type { Owners } from './owners'
import { checkCloudPath, encodePath, fileIdOf, pathOfFileId } from './paths'
import type { Signer } from './signing'

/** One env's storage. */
export interface StorageContext {
  env: string
  blobs: Blobs
  /** Who uploaded each file (`resource.openid` in the rule). */
  owners: Owners
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

/**
 * A storage action: the request body, `http://<host>` as the caller reached the emulator (the base of the
 * URLs handed back), who asks, and the security rule's check of this request (none when the emulator
 * enforces no rules or the principal bypasses them).
 */
export type StorageAction = (request: Body, origin: string, principal: Principal, check: StorageCheck | undefined) => Answer

/** CloudBase's code for a request the storage rule refuses (wx −503002). */
const EXCEED_AUTHORITY = 'STORAGE_EXCEED_AUTHORITY'

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

/** The storage actions over one env's storage. */
export function storageActions(ctx: StorageContext): Record<string, StorageAction> {
  const downloadUrl = (origin: string, path: string, maxAge: number) => `${origin}${downloadPath(path)}?${ctx.signer.downloadQuery(path, maxAge)}`
  const resourceOf = (path: string, openid: string | undefined): StorageResource => (openid === undefined ? { path } : { openid, path })
  return {
    'storage.getUploadMetadata': (request, origin, principal, check) => {
      const path = checkCloudPath(request.path, 'path')
      if (request.method !== undefined && request.method !== 'put' && request.method !== 'post') {
        throw invalidParam(`method must be "put" or "post", got ${JSON.stringify(request.method)}`)
      }
      const owner = ownerOf(principal)
      // An overwrite is judged on the file there (its owner), a new file on the one the caller would own.
      const why = check?.('write', resourceOf(path, ctx.blobs.has(path) ? ctx.owners.get(path) : owner))
      if (why !== undefined) throw new EmulatorError(EXCEED_AUTHORITY, why)
      const grant = ctx.signer.grantUpload(path, owner)
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

    'storage.batchGetDownloadUrl': (request, origin, principal, check) => {
      const items = fileList(request, 'file_list').map((item) => {
        if (!item || typeof item !== 'object') throw invalidParam('each file_list entry must be an object { fileid, max_age? }')
        const { fileid, max_age } = item as Body
        return { fileid, maxAge: maxAgeOf(max_age), where: pathOfFileId(ctx.env, fileid) }
      })
      // Every spelling the official SDKs read (docs/protocol.md §7.2): js-sdk reads fileid/download_url, the server SDKs fileID/tempFileURL.
      const download_list = items.map(({ fileid, maxAge, where }) => {
        const found = 'path' in where && ctx.blobs.has(where.path)
        // The rule is asked about a file that exists (it reads the file's owner); each item is refused on its own.
        const why = found ? check?.('read', resourceOf(where.path, ctx.owners.get(where.path))) : undefined
        const url = found && why === undefined ? downloadUrl(origin, where.path, maxAge) : ''
        return {
          fileid,
          fileID: fileid,
          download_url: url,
          tempFileURL: url,
          code: !found ? 'STORAGE_FILE_NONEXIST' : why === undefined ? 'SUCCESS' : EXCEED_AUTHORITY,
          maxAge,
          message: !found ? ('problem' in where ? where.problem : 'file not exist') : (why ?? 'ok'),
        }
      })
      return { data: { download_list } }
    },

    'storage.batchDeleteFile': (request, _origin, principal, check) => {
      const list = fileList(request, 'fileid_list')
      const wheres = list.map((fileid) => ({ fileid, where: pathOfFileId(ctx.env, fileid) }))
      const delete_list = wheres.map(({ fileid, where }) => {
        const why = 'path' in where && ctx.blobs.has(where.path) ? check?.('write', resourceOf(where.path, ctx.owners.get(where.path))) : undefined
        if (why !== undefined) return { fileid, fileID: fileid, code: EXCEED_AUTHORITY, message: why }
        const deleted = 'path' in where && ctx.blobs.delete(where.path)
        if (deleted) ctx.owners.delete(where.path)
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
