/**
 * Cloud storage as on wx (docs/protocol.md §7): `uploadFile` (upload metadata, then a form POST through the
 * host's `uploadFile`), `downloadFile` (a short-lived URL, then the host's `downloadFile`),
 * `getTempFileURL` and `deleteFile`, with wx's result shapes.
 */
import { CloudError, invalidArgument } from '../protocol/errors'
import { isArray, isObjectLike } from '../internal/is'
import type { Callbacks } from '../core/callbackify'
import type { Requester } from '../core/request'
import type { Platform } from '../platform'

export interface UploadFileOptions extends Callbacks<UploadFileResult> {
  /** Where the file goes in the bucket, e.g. `avatars/1.png`. */
  cloudPath: string
  /** The local file (a host temp path). */
  filePath: string
  config?: { env?: string }
}
export interface UploadFileResult {
  fileID: string
  statusCode: number
  errMsg: string
}
export interface DownloadFileOptions extends Callbacks<DownloadFileResult> {
  fileID: string
  config?: { env?: string }
}
export interface DownloadFileResult {
  tempFilePath: string
  statusCode: number
  errMsg: string
}
export interface GetTempFileURLOptions extends Callbacks<GetTempFileURLResult> {
  /** fileIDs, or `{ fileID, maxAge }` (seconds) */
  fileList: (string | { fileID: string; maxAge?: number })[]
  config?: { env?: string }
}
export interface TempFileURL {
  fileID: string
  tempFileURL: string
  maxAge: number
  /** 0 when the URL was made, else the failure's errCode. */
  status: number
  errMsg: string
}
export interface GetTempFileURLResult {
  fileList: TempFileURL[]
  errMsg: string
}
export interface DeleteFileOptions extends Callbacks<DeleteFileResult> {
  fileList: string[]
  config?: { env?: string }
}
export interface DeleteFileResult {
  fileList: { fileID: string; status: number; errMsg: string }[]
  errMsg: string
}

/** What storage needs: the requester of the call's environment and the host's file transfers. */
export interface StorageContext {
  send: Requester
  platform: Platform | undefined
}

const MAX_FILES = 50

function checkFileIDs(api: string, list: unknown): void {
  if (!isArray(list) || !list.length || list.length > MAX_FILES) throw invalidArgument(api, `fileList takes 1 to ${MAX_FILES} fileIDs`)
  for (const item of list) {
    const id = isObjectLike(item) ? item.fileID : item
    if (typeof id !== 'string' || id.indexOf('cloud://') !== 0) throw invalidArgument(api, `"${String(id)}" is not a fileID (cloud://...)`)
  }
}

function itemsOf(data: unknown, key: string): Record<string, unknown>[] {
  const list = isObjectLike(data) ? data[key] : undefined
  return isArray(list) ? (list.filter(isObjectLike) as Record<string, unknown>[]) : []
}

/** wx's per-file `status`/`errMsg` from CloudBase's per-file `code`/`message`. */
function statusOf(api: string, item: Record<string, unknown>): { status: number; errMsg: string } {
  const code = item.code
  if (!code || code === 'SUCCESS') return { status: 0, errMsg: 'ok' }
  const error = new CloudError(api, String(code), String(item.message || code))
  return { status: error.errCode, errMsg: error.errMsg }
}

export function uploadFile(context: StorageContext, options: UploadFileOptions): Promise<UploadFileResult> {
  const api = 'cloud.uploadFile'
  const { cloudPath, filePath } = options || ({} as UploadFileOptions)
  if (typeof cloudPath !== 'string' || !cloudPath || cloudPath[0] === '/' || /(^|\/)\.\.(\/|$)/.test(cloudPath)) {
    throw invalidArgument(api, `cloudPath must be a relative path in the bucket such as "images/a.png", got ${String(cloudPath)}`)
  }
  if (typeof filePath !== 'string' || !filePath) throw invalidArgument(api, 'filePath must be the local path of the file to upload')
  const { platform } = context
  if (!platform || !platform.uploadFile) throw new CloudError(api, 'SDK_ERROR', 'this host cannot upload files')
  const upload = platform.uploadFile
  return context.send(api, { action: 'storage.getUploadMetadata', path: cloudPath, method: 'post' }).then((response) => {
    const meta = (response.data || {}) as Record<string, string>
    if (!meta.url || !meta.fileId) throw new CloudError(api, 'SDK_ERROR', 'storage.getUploadMetadata answered without url and fileId', response.requestId)
    const formData = {
      key: cloudPath,
      signature: meta.authorization || '',
      'x-cos-meta-fileid': meta.cosFileId || '',
      success_action_status: '201',
      'x-cos-security-token': meta.token || '',
    }
    return upload({ url: meta.url, filePath, name: 'file', formData }).then((answer) => {
      if (answer.statusCode !== 200 && answer.statusCode !== 201 && answer.statusCode !== 204) {
        throw new CloudError(api, 'STORAGE_REQUEST_FAIL', `the upload was refused with HTTP ${answer.statusCode}: ${String(answer.data).slice(0, 200)}`)
      }
      return { fileID: meta.fileId!, statusCode: answer.statusCode, errMsg: `${api}:ok` }
    })
  })
}

export function getTempFileURL(context: StorageContext, options: GetTempFileURLOptions): Promise<GetTempFileURLResult> {
  const api = 'cloud.getTempFileURL'
  const list = options && options.fileList
  checkFileIDs(api, list)
  const fileList = list.map((item) => {
    if (typeof item === 'string') return { fileid: item }
    const entry: Record<string, unknown> = { fileid: item.fileID }
    if (item.maxAge !== undefined) entry.max_age = item.maxAge
    return entry
  })
  return context.send(api, { action: 'storage.batchGetDownloadUrl', file_list: fileList }).then((response) => ({
    fileList: itemsOf(response.data, 'download_list').map((item) => {
      const status = statusOf(api, item)
      return {
        fileID: String(item.fileID || item.fileid),
        tempFileURL: String(item.tempFileURL || item.download_url || ''),
        maxAge: Number(item.maxAge || item.max_age || 0),
        status: status.status,
        errMsg: status.errMsg,
      }
    }),
    errMsg: `${api}:ok`,
  }))
}

export function deleteFile(context: StorageContext, options: DeleteFileOptions): Promise<DeleteFileResult> {
  const api = 'cloud.deleteFile'
  const list = options && options.fileList
  checkFileIDs(api, list)
  return context.send(api, { action: 'storage.batchDeleteFile', fileid_list: list }).then((response) => ({
    fileList: itemsOf(response.data, 'delete_list').map((item) => Object.assign({ fileID: String(item.fileID || item.fileid) }, statusOf(api, item))),
    errMsg: `${api}:ok`,
  }))
}

export function downloadFile(context: StorageContext, options: DownloadFileOptions): Promise<DownloadFileResult> {
  const api = 'cloud.downloadFile'
  const fileID = options && options.fileID
  checkFileIDs(api, [fileID])
  const { platform } = context
  if (!platform || !platform.downloadFile) throw new CloudError(api, 'SDK_ERROR', 'this host cannot download files')
  const download = platform.downloadFile
  return getTempFileURL(context, { fileList: [{ fileID, maxAge: 600 }] }).then(({ fileList }) => {
    const entry = fileList[0]
    if (!entry || entry.status !== 0) throw new CloudError(api, 'STORAGE_FILE_NONEXIST', entry ? entry.errMsg : `no URL for ${fileID}`)
    return download({ url: entry.tempFileURL }).then((answer) => {
      if (answer.statusCode !== 200) throw new CloudError(api, 'STORAGE_REQUEST_FAIL', `the download failed with HTTP ${answer.statusCode}`)
      return { tempFilePath: answer.tempFilePath, statusCode: answer.statusCode, errMsg: `${api}:ok` }
    })
  })
}

/** The file calls, passed to `createCloud({ storage })` by hosts that offer them. */
export const storageCalls = { uploadFile, downloadFile, getTempFileURL, deleteFile }
export type StorageCalls = typeof storageCalls
