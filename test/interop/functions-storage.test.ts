/**
 * The official clients' cloud functions and storage against the emulator, over real HTTP:
 * - @cloudbase/js-sdk 3.7.0 in both of its modes, classic (`/web`, J27–J31) and its default gateway (`/v1`,
 *   docs/protocol.md §7.3, §8): callFunction, uploadFile (PUT and POST), getTempFileURL, downloadFile,
 *   deleteFile. js-sdk hands the bytes to its platform adapter's `upload`/`download`
 *   (`emulatorAdapterWithFiles`).
 * - wx-server-sdk 4.0.2 (`/admin`, W13–W17): callFunction, uploadFile, getTempFileURL, downloadFile, deleteFile.
 * - a function that itself uses wx-server-sdk (database, storage, getWXContext), called by a js-sdk user:
 *   the function's SDK finds the emulator through the environment CloudBase would give it.
 * Expected values come from the test's own inputs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../emulator/index'
import { DIALECT_OF, emulatorAdapterWithFiles as adapterWithFiles, JS_SDK_MODES, loadJsSdk, modeConfig } from '../helpers/js-sdk-adapter'
import { writeFunction, WX_SERVER_SDK } from '../helpers/functions'

// wx-server-sdk is CommonJS and keeps one configured instance: one per test file.
const cloud = require('wx-server-sdk') as any

let dir: string
let emulator: RunningEmulator

/** The fileID the docs/protocol.md §7.1 rule gives. */
const fileIdOf = (path: string) => `cloud://${emulator.env}.${Buffer.from(emulator.env.slice(0, 2)).toString('hex')}-${emulator.env}-1250000000/${path}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpcloud-interop-'))
  writeFunction(dir, 'sum', `exports.main = async (event) => ({ sum: event.a + event.b, openId: event.userInfo ? event.userInfo.openId : null })`)
  writeFunction(dir, 'boom', `exports.main = async () => { throw new Error('boom from the function') }`)
  writeFunction(dir, 'text', `exports.main = () => 'plain text, not JSON'`)
  writeFunction(dir, 
    'note',
    `const cloud = require(${JSON.stringify(WX_SERVER_SDK)})
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
    exports.main = async (event) => {
      const { OPENID } = cloud.getWXContext()
      const db = cloud.database()
      const { _id } = await db.collection('notes').add({ data: { text: event.text, owner: OPENID } })
      const { fileID } = await cloud.uploadFile({ cloudPath: 'notes/' + _id + '.txt', fileContent: Buffer.from(event.text) })
      const { total } = await db.collection('notes').where({ owner: OPENID }).count()
      return { _id, owner: OPENID, fileID, total }
    }`,
  )
  emulator = await startEmulator({ port: 0, functions: dir, functionTimeout: 10_000, collections: ['notes'] })
  cloud.init({ env: emulator.env, serviceUrl: `${emulator.url}/admin`, ...emulator.adminCredentials })
})
afterAll(async () => {
  await emulator.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe.each(JS_SDK_MODES)('@cloudbase/js-sdk (%s) functions and storage', (mode) => {
  let app: any
  let uid: string
  /** Each mode's user writes its own folder: the default storage rule lets only the uploader overwrite a file. */
  const folder = `js-sdk-${mode.toLowerCase()}`

  beforeAll(async () => {
    const cloudbase = loadJsSdk()
    cloudbase.useAdapters(adapterWithFiles(emulator.url))
    app = cloudbase.init({ env: emulator.env, region: 'ap-shanghai', ...modeConfig(mode) })
    uid = (await app.auth({ persistence: 'local' }).signInAnonymously()).user.uid
  })

  it('callFunction: the result, and the caller in event.userInfo', async () => {
    const { result, requestId } = await app.callFunction({ name: 'sum', data: { a: 1, b: 2 } })
    expect(result).toEqual({ sum: 3, openId: uid })
    expect(requestId).toEqual(expect.any(String))
    const run = emulator.events.recent().filter((event) => event.kind === 'request' && event.target === 'sum').pop()
    expect(run).toMatchObject({ dialect: DIALECT_OF[mode], outcome: 'ok', principal: { kind: 'user', openid: uid } })
  })

  it('callFunction: a function that throws rejects with FUNCTIONS_EXECUTE_FAIL and its message', async () => {
    const failure = await app.callFunction({ name: 'boom', data: {} }).then(
      (value: unknown) => ({ resolved: value }),
      (error: unknown) => ({ rejected: error instanceof Error ? error.message : error }),
    )
    expect(JSON.stringify(failure)).toContain('FUNCTIONS_EXECUTE_FAIL')
    expect(JSON.stringify(failure)).toContain('boom from the function')
    // GATEWAY: the failure's 5xx makes js-sdk's fetch reject with the body itself.
    if (mode === 'GATEWAY') expect(failure).toEqual({ rejected: { code: 'FUNCTIONS_EXECUTE_FAIL', message: 'boom from the function', requestId: expect.any(String) } })
  })

  it('callFunction: a string result comes back a string; parse: true has the server parse it', async () => {
    expect((await app.callFunction({ name: 'text' })).result).toBe('plain text, not JSON')
    expect((await app.callFunction({ name: 'text', parse: true })).result).toBe('plain text, not JSON')
    expect((await app.callFunction({ name: 'sum', data: { a: 4, b: 4 }, parse: true })).result).toEqual({ sum: 8, openId: uid })
  })

  it('uploadFile (PUT, the default) from a file path, getTempFileURL, downloadFile, deleteFile', async () => {
    const local = join(dir, `upload-put-${mode}.txt`)
    writeFileSync(local, 'uploaded by js-sdk with PUT')
    const cloudPath = `${folder}/put.txt`
    const uploaded = await app.uploadFile({ cloudPath, filePath: local })
    expect(uploaded).toMatchObject({ fileID: fileIdOf(cloudPath), download_url: expect.stringContaining(`/storage/download/${cloudPath}?sign=`) })

    const missing = fileIdOf(`${folder}/missing.txt`)
    const { fileList } = await app.getTempFileURL({ fileList: [uploaded.fileID, { fileID: missing, maxAge: 60 }] })
    expect(fileList[0]).toMatchObject({ fileid: uploaded.fileID, code: 'SUCCESS' })
    expect(await (await fetch(encodeURI(fileList[0].download_url))).text()).toBe('uploaded by js-sdk with PUT')
    // The gateway's download info neither takes nor gives maxAge (docs/protocol.md §7.3).
    expect(fileList[1]).toMatchObject({ fileid: missing, code: 'STORAGE_FILE_NONEXIST', ...(mode === 'CLOUD_API' ? { maxAge: 60 } : {}) })

    const target = join(dir, `downloaded-${mode}.txt`)
    const downloaded = await app.downloadFile({ fileID: uploaded.fileID, tempFilePath: target })
    expect(downloaded.statusCode).toBe(200)
    expect(readFileSync(target, 'utf8')).toBe('uploaded by js-sdk with PUT')

    const { fileList: deleted } = await app.deleteFile({ fileList: [uploaded.fileID] })
    expect(deleted).toEqual([expect.objectContaining({ fileID: uploaded.fileID, code: 'SUCCESS' })])
    const { fileList: after } = await app.getTempFileURL({ fileList: [uploaded.fileID] })
    expect(after[0].code).toBe('STORAGE_FILE_NONEXIST')
    const requests = emulator.events.recent().filter((event) => event.kind === 'request' && event.dialect !== 'storage' && event.target !== undefined && event.target.startsWith(folder))
    expect(new Set(requests.map((event) => event.dialect))).toEqual(new Set([DIALECT_OF[mode]]))
  })

  it('uploadFile with method: post (the J31 form) expects 201 and gets it', async () => {
    const local = join(dir, `upload-post-${mode}.bin`)
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    writeFileSync(local, bytes)
    const cloudPath = `${folder}/post.bin`
    const uploaded = await app.uploadFile({ cloudPath, filePath: local, method: 'post' })
    expect(uploaded.fileID).toBe(fileIdOf(cloudPath))
    const { fileList } = await app.getTempFileURL({ fileList: [uploaded.fileID] })
    expect(Buffer.from(await (await fetch(encodeURI(fileList[0].download_url))).arrayBuffer()).equals(bytes)).toBe(true)
  })

  it('uploadFile of a path that climbs out of the bucket fails with the emulator’s message', async () => {
    const local = join(dir, 'evil.txt')
    writeFileSync(local, 'evil')
    const failure: Error = await app.uploadFile({ cloudPath: '../evil.txt', filePath: local }).then(
      () => new Error('uploadFile resolved'),
      (error: Error) => error,
    )
    if (mode === 'CLOUD_API') {
      // js-sdk's non-database errors: Error.message is the JSON `{ code: 'OPERATION_FAIL', msg: '[SERVER_CODE] message' }` (§13).
      expect(JSON.parse(failure.message)).toEqual({ code: 'OPERATION_FAIL', msg: expect.stringMatching(/^\[INVALID_PARAM\] path "\.\.\/evil\.txt" contains a "\.\." segment/) })
    } else {
      // The gateway refuses the one item with its code and message; js-sdk's uploadFile reports them in its own form.
      expect(failure.message).toMatch(/^\[@cloudbase\/js-sdk\]\[INVALID_PARAM\]\[storage\]:path "\.\.\/evil\.txt" contains a "\.\." segment/)
    }
  })

  it('a function that uses wx-server-sdk itself, called by this user: writes the database and storage of this emulator as that user', async () => {
    const { result } = await app.callFunction({ name: 'note', data: { text: `written inside a function (${mode})` } })
    expect(result).toEqual({ _id: expect.any(String), owner: uid, fileID: fileIdOf(`notes/${result._id}.txt`), total: 1 })

    const { data } = await cloud.database().collection('notes').doc(result._id).get()
    expect(data).toEqual({ _id: result._id, text: `written inside a function (${mode})`, owner: uid })
    const { fileContent } = await cloud.downloadFile({ fileID: result.fileID })
    expect(Buffer.from(fileContent).toString()).toBe(`written inside a function (${mode})`)
  })
})

describe('wx-server-sdk functions and storage against /admin', () => {
  it('callFunction: { result, errMsg: "callFunction:ok" }; the administrator has no openId', async () => {
    const answer = await cloud.callFunction({ name: 'sum', data: { a: 2, b: 5 } })
    expect(answer).toMatchObject({ result: { sum: 7, openId: null }, errMsg: 'callFunction:ok' })
  })

  it('callFunction: a throw rejects with FUNCTIONS_EXECUTE_FAIL and the message, an unknown name with FUNCTIONS_REQUEST_FAIL', async () => {
    // At run time wx-server-sdk 4.0.2 does not map the code to -504002 as its source suggests (§8): node-sdk 3.17.2
    // ignores the `throwOnCode: false` it is given and throws, and the callFunction wrapper then reports errCode -1
    // with the server's code kept in `code`.
    await expect(cloud.callFunction({ name: 'boom', data: {} })).rejects.toMatchObject({
      errCode: -1,
      code: 'FUNCTIONS_EXECUTE_FAIL',
      errMsg: 'callFunction:fail boom from the function',
    })
    await expect(cloud.callFunction({ name: 'nope', data: {} })).rejects.toMatchObject({
      errCode: -1,
      code: 'FUNCTIONS_REQUEST_FAIL',
      errMsg: expect.stringContaining(`function "nope" not found: there is no nope/index.js in ${dir}`),
    })
  })

  it('uploadFile (Buffer), getTempFileURL, downloadFile, deleteFile', async () => {
    const cloudPath = 'server/hello.txt'
    const content = Buffer.from('hello from wx-server-sdk')
    const uploaded = await cloud.uploadFile({ cloudPath, fileContent: content })
    // statusCode -1 is what wx-server-sdk reports (W16): node-sdk never calls its onResponseReceived hook.
    expect(uploaded).toMatchObject({ fileID: fileIdOf(cloudPath), statusCode: -1, errMsg: 'uploadFile:ok' })

    const missing = fileIdOf('server/missing.txt')
    const { fileList } = await cloud.getTempFileURL({ fileList: [uploaded.fileID, { fileID: missing, maxAge: 60 }] })
    expect(fileList[0]).toMatchObject({ fileID: uploaded.fileID, status: 0, errMsg: 'ok', maxAge: 86400, tempFileURL: expect.stringContaining('/storage/download/server/hello.txt?sign=') })
    expect(Buffer.from(await (await fetch(fileList[0].tempFileURL)).arrayBuffer()).equals(content)).toBe(true)
    expect(fileList[1]).toMatchObject({ fileID: missing, status: -503003, tempFileURL: '' })

    const downloaded = await cloud.downloadFile({ fileID: uploaded.fileID })
    expect(downloaded).toMatchObject({ statusCode: 200, errMsg: 'downloadFile:ok' })
    expect(Buffer.from(downloaded.fileContent).equals(content)).toBe(true)

    const { fileList: deleted } = await cloud.deleteFile({ fileList: [uploaded.fileID] })
    expect(deleted).toEqual([{ fileID: uploaded.fileID, status: 0, errMsg: 'ok' }])
    // The same run-time path as callFunction's errors: the server's code in `code`, its message in errMsg.
    await expect(cloud.downloadFile({ fileID: uploaded.fileID })).rejects.toMatchObject({ code: 'STORAGE_FILE_NONEXIST', errMsg: 'downloadFile:fail file not exist' })
  })

  it('a binary file of 1 MB round-trips', async () => {
    const content = Buffer.alloc(1024 * 1024, 7)
    content.write('start', 0)
    const { fileID } = await cloud.uploadFile({ cloudPath: 'server/big.bin', fileContent: content })
    const { fileContent } = await cloud.downloadFile({ fileID })
    expect(Buffer.from(fileContent).equals(content)).toBe(true)
  })
})
