/**
 * The hosts' own clouds, built on the official `@cloudbase/js-sdk` (classic mode) connected to the
 * emulator, for the native mode of the adapters: `wx.cloud` (init, database, callFunction and the file
 * calls) and Alipay's `my.cloud.createCloudContext`. Calls and results are dressed as each host documents
 * them (database: `asWx` / `asMy` in test/native/hosts.ts; functions and files here, platforms.md §1.2
 * and §2.1); the builder, serializer and requests are the official SDK's.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunningEmulator } from '../../emulator/index'
import { CloudError } from '../../src/index'
import { emulatorAdapterWithFiles, loadJsSdk } from '../helpers/js-sdk-adapter'
import { asMy, asWx } from '../native/hosts'

let downloads = 0
const tempPath = () => join(tmpdir(), `mpcloud-host-download-${process.pid}-${++downloads}`)

/** js-sdk rejects function and file calls with `{ code, message }`-like errors: wx's `Error { errCode, errMsg }`. */
function wxFailure(api: string) {
  return (error: { code?: string; message?: string }) => {
    const { errCode, errMsg } = new CloudError(api, String((error && error.code) || 'SYS_ERR'), String((error && error.message) || error))
    throw Object.assign(new Error(errMsg), { errCode, errMsg })
  }
}

/** Alipay's per-call failure `{ error, errorMessage }` (60005: the cloud call failed). */
function myFailure(error: { message?: string }) {
  throw { error: 60005, errorMessage: String((error && error.message) || error) }
}

type Any = any

/** A js-sdk app of `env`, signed in anonymously (a mini program user is always signed in by WeChat/Alipay). */
async function signedInApp(emulator: RunningEmulator): Promise<Any> {
  const cloudbase = loadJsSdk()
  cloudbase.useAdapters(emulatorAdapterWithFiles(emulator.url))
  const app = cloudbase.init({ env: emulator.env, endPointMode: 'CLOUD_API', region: 'ap-shanghai' })
  await app.auth({ persistence: 'local' }).signInAnonymously()
  return app
}

/** `wx.cloud`: `init({ env })` (sync, first call wins), `database({ env })`, functions and files; one env, the emulator's. */
export async function createWxCloud(emulator: RunningEmulator): Promise<Any> {
  const app = await signedInApp(emulator)
  const inits: unknown[] = []
  return {
    inits,
    init: (config: unknown) => void inits.push(config),
    callFunction: ({ name, data }: Any) =>
      app.callFunction({ name, data }).then((r: Any) => ({ result: r.result, requestID: r.requestId, errMsg: 'cloud.callFunction:ok' }), wxFailure('cloud.callFunction')),
    uploadFile: ({ cloudPath, filePath }: Any) =>
      app.uploadFile({ cloudPath, filePath }).then((r: Any) => ({ fileID: r.fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' }), wxFailure('cloud.uploadFile')),
    downloadFile: ({ fileID }: Any) => {
      const tempFilePath = tempPath()
      return app.downloadFile({ fileID, tempFilePath }).then((r: Any) => ({ tempFilePath, statusCode: r.statusCode, errMsg: 'cloud.downloadFile:ok' }), wxFailure('cloud.downloadFile'))
    },
    getTempFileURL: ({ fileList }: Any) =>
      app.getTempFileURL({ fileList }).then(
        (r: Any) => ({
          fileList: r.fileList.map((f: Any) => ({ fileID: f.fileid || f.fileID, tempFileURL: f.download_url || '', maxAge: f.maxAge || 0, status: f.code === 'SUCCESS' ? 0 : -503003, errMsg: f.code === 'SUCCESS' ? 'ok' : String(f.message) })),
          errMsg: 'cloud.getTempFileURL:ok',
        }),
        wxFailure('cloud.getTempFileURL'),
      ),
    deleteFile: ({ fileList }: Any) =>
      app.deleteFile({ fileList }).then(
        (r: Any) => ({ fileList: r.fileList.map((f: Any) => ({ fileID: f.fileID, status: f.code === 'SUCCESS' ? 0 : -503003, errMsg: f.code === 'SUCCESS' ? 'ok' : String(f.code) })), errMsg: 'cloud.deleteFile:ok' }),
        wxFailure('cloud.deleteFile'),
      ),
    database: (config: { env?: string } = {}) => {
      if (config.env && config.env !== emulator.env) throw Object.assign(new Error(`cloud.database:fail env ${config.env} not found`), { errCode: -501005 })
      return asWx(app.database())
    },
  }
}

/** `my.cloud`: `createCloudContext({ env })`, whose `init()` must be awaited before `database()` works. */
export async function createMyCloud(emulator: RunningEmulator): Promise<{ createCloudContext(options: { env: string }): Any }> {
  const app = await signedInApp(emulator)
  return {
    createCloudContext: ({ env }) => {
      let ready = false
      return {
        init: () => {
          if (env !== emulator.env) return Promise.reject({ error: 60003, errorMessage: '小程序云环境不存在' })
          ready = true
          return Promise.resolve({ success: true })
        },
        database: () => {
          if (!ready) throw { error: 60002, errorMessage: '调用前，请先初始化云环境' }
          return asMy(app.database())
        },
        callFunction: ({ name, data }: Any) => app.callFunction({ name, data }).then((r: Any) => ({ result: r.result, requestID: r.requestId }), myFailure),
        uploadFile: ({ cloudPath, filePath }: Any) => app.uploadFile({ cloudPath, filePath }).then((r: Any) => ({ fileID: r.fileID, statusCode: 200, requestID: r.requestId }), myFailure),
        downloadFile: ({ fileID }: Any) => {
          const tempFilePath = tempPath()
          return app.downloadFile({ fileID, tempFilePath }).then((r: Any) => ({ tempFilePath, filePath: tempFilePath, statusCode: r.statusCode }), myFailure)
        },
        getTempFileURL: ({ fileList }: Any) =>
          app.getTempFileURL({ fileList }).then(
            (r: Any) => ({ fileList: r.fileList.map((f: Any) => ({ fileID: f.fileid || f.fileID, tempFileURL: f.download_url || '', maxAge: f.maxAge || 0, status: f.code, resultMessage: f.message || '' })) }),
            myFailure,
          ),
        deleteFile: ({ fileList }: Any) =>
          app.deleteFile({ fileList }).then((r: Any) => ({ fileList: r.fileList.map((f: Any) => ({ fileID: f.fileID, status: f.code === 'SUCCESS' ? 0 : 60006, resultMessage: f.code })) }), myFailure),
      }
    },
  }
}
