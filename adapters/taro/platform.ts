/**
 * Taro's platform: wx conventions, except that `Taro.request`, `Taro.connectSocket`, `Taro.uploadFile` and
 * `Taro.downloadFile` return Promises (they reject even when callbacks are passed, so mpcloud uses the
 * Promises and always catches), and that on Alipay the file calls carry Alipay's results through.
 */
import type { Platform, Socket } from '../../src/platform'
import { bindSocketTask, withHostParts, wxStorage } from '../shared/wx-platform'
import type { TaroApi } from './taro-api'

/** Taro passes the host's failure on: wx's `{ errMsg }` or Alipay's `{ errorMessage }`. */
type TaroFailure = { errMsg?: string; errorMessage?: string }

const describe = (error: TaroFailure | undefined, otherwise: string) => (error && (error.errMsg || error.errorMessage)) || otherwise

export function taroPlatform(Taro: TaroApi, native?: Platform['native']): Platform {
  const platform: Platform = {
    request: ({ url, data, headers, timeout }) =>
      Taro.request({ url, method: 'POST', data, header: headers, timeout }).then(
        (result) => ({ statusCode: result.statusCode, data: result.data }),
        (error: TaroFailure) => Promise.reject(new Error(describe(error, 'Taro.request failed'))),
      ),
  }
  const { connectSocket } = Taro
  if (connectSocket) {
    platform.connectSocket = (url, handlers) => {
      // The task arrives later: a close() before it is replayed on it.
      let socket: Socket | undefined
      let closing: [number, string] | undefined
      connectSocket.call(Taro, { url }).then(
        (task) => {
          socket = bindSocketTask(task, handlers)
          if (closing) socket.close(closing[0], closing[1])
        },
        (error: TaroFailure) => handlers.onError(describe(error, 'Taro.connectSocket failed')),
      )
      return {
        send: (text) => {
          if (!socket) throw new Error('the socket is not open yet')
          socket.send(text)
        },
        close: (code, reason) => (socket ? socket.close(code, reason) : (closing = [code, reason])),
      }
    }
  }
  const { uploadFile, downloadFile } = Taro
  if (uploadFile) {
    platform.uploadFile = ({ url, filePath, name, formData }) =>
      // `fileType` is Alipay's required label (see my-platform.ts for why 'image') and `hideLoading` keeps
      // Alipay's loading toast off, as wx shows none; WeChat ignores both. On H5 Taro's XHR sends cookies
      // unless told not to, and a cross-origin upload with credentials is refused by the browser when the
      // server answers `Access-Control-Allow-Origin: *` (as the emulator and COS do): mpcloud signs its
      // uploads in the form, never with cookies.
      uploadFile.call(Taro, { url, filePath, name, formData, fileType: 'image', hideLoading: true, withCredentials: false }).then(
        (result) => ({ statusCode: result.statusCode, data: result.data }),
        (error: TaroFailure) => Promise.reject(new Error(describe(error, 'Taro.uploadFile failed'))),
      )
  }
  if (downloadFile) {
    platform.downloadFile = ({ url }) =>
      // No cookies, as for uploads: a download URL carries its own signature.
      downloadFile.call(Taro, { url, withCredentials: false }).then(
        // Alipay before base library 2.8.8 reports no statusCode: there a success is the file itself.
        (result) => ({ statusCode: result.statusCode || 200, tempFilePath: result.tempFilePath || result.apFilePath || '' }),
        (error: TaroFailure) => Promise.reject(new Error(describe(error, 'Taro.downloadFile failed'))),
      )
  }
  return withHostParts(platform, Taro, wxStorage(Taro), native)
}
