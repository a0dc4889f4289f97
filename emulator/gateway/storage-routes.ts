/**
 * The gateway's storage paths (docs/protocol.md §7.3): JSON arrays in, JSON arrays out, one item per file,
 * translated into the client dialect's storage actions. An item that fails carries its own `code` and
 * `message`; a success carries none (js-sdk reads a missing code as SUCCESS).
 */
import { EmulatorError, invalidParam } from '../errors'
import { arrayBody, isObject, type GatewayBody, type Route } from './route'

type AnyObject = Record<string, unknown>

/** How many files one request may name, as CloudBase's batch storage calls take. */
const MAX_OBJECTS = 50

/** The one file a request names, for the log (a batch names none). */
const targetOf = (key: string) => (request: GatewayBody) => {
  const list = request.json
  const only = Array.isArray(list) && list.length === 1 && isObject(list[0]) ? list[0][key] : undefined
  return typeof only === 'string' ? only : undefined
}

const items = (request: GatewayBody): AnyObject[] =>
  arrayBody(request, MAX_OBJECTS).map((item) => {
    if (!isObject(item)) throw invalidParam('each item of the request body must be an object')
    return item
  })

/** An item's own failure (a refused or missing file), or the failure of the whole request. */
const failed = (error: unknown) => {
  if (!(error instanceof EmulatorError)) throw error
  return { code: error.code, message: error.message }
}

/** The gateway's failure fields of a client dialect item: none for a success. */
const outcomeOf = (item: { code: string; message: string }) => (item.code === 'SUCCESS' ? {} : { code: item.code, message: item.message })

export const STORAGE_ROUTES: Record<string, Route> = {
  /** `[{objectId, signedHeader?}]` → `[{objectId, uploadUrl, authorization, token, cloudObjectId, cloudObjectMeta, downloadUrl}]`. */
  'POST /v1/storages/get-objects-upload-info': {
    target: targetOf('objectId'),
    async run(request, call) {
      const replies = []
      for (const { objectId, signedHeader } of items(request)) {
        // The emulator's upload grant is not bound to headers: the signed ones are checked for their form only.
        if (signedHeader !== undefined && !isObject(signedHeader)) {
          replies.push({ objectId, code: 'INVALID_PARAM', message: 'signedHeader must be an object of header names to lists of values' })
          continue
        }
        try {
          const { data } = await call('storage.getUploadMetadata', { path: objectId, method: 'put' })
          const { url, authorization, token, fileId, cosFileId, download_url } = data as AnyObject
          replies.push({ objectId, uploadUrl: url, authorization, token, cloudObjectId: fileId, cloudObjectMeta: cosFileId, downloadUrl: download_url })
        } catch (error) {
          replies.push({ objectId, ...failed(error) })
        }
      }
      return JSON.stringify(replies)
    },
  },

  /** `[{cloudObjectId, maxAge?}]` → `[{cloudObjectId, downloadUrl}]`. */
  'POST /v1/storages/get-objects-download-info': {
    target: targetOf('cloudObjectId'),
    async run(request, call) {
      const file_list = items(request).map(({ cloudObjectId, maxAge }) => ({ fileid: cloudObjectId, max_age: maxAge }))
      const { download_list } = (await call('storage.batchGetDownloadUrl', { file_list })).data as { download_list: { fileid: unknown; download_url: string; code: string; message: string }[] }
      return JSON.stringify(download_list.map((item) => ({ cloudObjectId: item.fileid, downloadUrl: item.download_url, ...outcomeOf(item) })))
    },
  },

  /** `[{cloudObjectId}]` → `[{cloudObjectId}]`. */
  'POST /v1/storages/delete-objects': {
    target: targetOf('cloudObjectId'),
    async run(request, call) {
      const fileid_list = items(request).map(({ cloudObjectId }) => cloudObjectId)
      const { delete_list } = (await call('storage.batchDeleteFile', { fileid_list })).data as { delete_list: { fileid: unknown; code: string; message: string }[] }
      return JSON.stringify(delete_list.map((item) => ({ cloudObjectId: item.fileid, ...outcomeOf(item) })))
    },
  },
}
