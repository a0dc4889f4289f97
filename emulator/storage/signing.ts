/**
 * The signatures storage URLs carry, as COS's do: an upload grant (`authorization` and the
 * `x-cos-security-token`, bound to one path for a few minutes) and signed, expiring download URLs
 * (`?sign=<32 hex>&t=<expiry, unix seconds>`). HMAC-SHA256 under a key derived from the emulator's secret,
 * so URLs stay valid across a restart on the same data dir.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** How long an upload grant is good for (COS's temporary keys last minutes too). */
export const UPLOAD_GRANT_SECONDS = 10 * 60

/** What `storage.getUploadMetadata` hands out for one path. */
export interface UploadGrant {
  /** COS-style `q-sign-algorithm=...&q-signature=...`: sent as `authorization` (PUT) or `signature` (POST). */
  authorization: string
  /** Sent as `x-cos-security-token`: says which path, until when, under which file id, for whom. */
  token: string
  /** Sent back as `x-cos-meta-fileid`. */
  cosFileId: string
}

/** Why a signature was refused, in COS's words (the code goes into the XML error). */
export class SignatureRefused extends Error {
  constructor(
    readonly cosCode: 'AccessDenied' | 'SignatureDoesNotMatch',
    message: string,
  ) {
    super(message)
  }
}

export interface Signer {
  /**
   * A grant to upload to `path`. `owner` is the openid of the user who asked (none for the administrator or
   * a guest): the byte routes have no principal, so the signed token carries it to them.
   */
  grantUpload(path: string, owner?: string): UploadGrant
  /** Checks the headers (or form fields) of an upload to `path`; returns the owner its grant was issued for. */
  checkUpload(path: string, authorization: unknown, token: unknown, cosFileId: unknown): string | undefined
  /** `sign=...&t=...` for reading `path` during `maxAge` seconds. */
  downloadQuery(path: string, maxAge: number): string
  checkDownload(path: string, sign: unknown, t: unknown): void
}

export function createSigner(secret: Buffer, now: () => number = Date.now): Signer {
  const key = createHmac('sha256', secret).update('mpcloud emulator storage').digest()
  const mac = (...parts: string[]) => createHmac('sha256', key).update(parts.join('\n')).digest('hex')
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
  const seconds = () => Math.floor(now() / 1000)
  return {
    grantUpload(path, owner) {
      const start = seconds()
      const end = start + UPLOAD_GRANT_SECONDS
      const cosFileId = randomBytes(12).toString('hex')
      const body = Buffer.from(JSON.stringify(owner === undefined ? { p: path, e: end, f: cosFileId } : { p: path, e: end, f: cosFileId, o: owner })).toString('base64url')
      const token = `${body}.${mac('token', body)}`
      const times = `${start};${end}`
      const authorization = `q-sign-algorithm=sha256&q-ak=mpcloud-emulator&q-sign-time=${times}&q-key-time=${times}&q-header-list=&q-url-param-list=&q-signature=${mac('upload', path, String(end), cosFileId)}`
      return { authorization, token, cosFileId }
    },
    checkUpload(path, authorization, token, cosFileId) {
      if (typeof authorization !== 'string' || !authorization) throw new SignatureRefused('AccessDenied', 'the upload carries no authorization (signature): get one from storage.getUploadMetadata')
      if (typeof token !== 'string' || !token) throw new SignatureRefused('AccessDenied', 'the upload carries no x-cos-security-token: get one from storage.getUploadMetadata')
      const [body = '', tokenMac = ''] = token.split('.')
      if (!same(tokenMac, mac('token', body))) throw new SignatureRefused('SignatureDoesNotMatch', 'the x-cos-security-token is not one this emulator issued')
      const grant = JSON.parse(Buffer.from(body, 'base64url').toString()) as { p: string; e: number; f: string; o?: string }
      if (grant.p !== path) throw new SignatureRefused('AccessDenied', `the upload grant is for ${JSON.stringify(grant.p)}, not ${JSON.stringify(path)}`)
      const signature = /(?:^|&)q-signature=([0-9a-f]+)(?:&|$)/.exec(authorization)
      if (!signature || !same(signature[1]!, mac('upload', path, String(grant.e), grant.f))) {
        throw new SignatureRefused('SignatureDoesNotMatch', 'the upload signature does not match the one storage.getUploadMetadata gave')
      }
      if (cosFileId !== undefined && cosFileId !== grant.f) throw new SignatureRefused('AccessDenied', 'x-cos-meta-fileid is not the cosFileId of this upload grant')
      if (grant.e <= seconds()) throw new SignatureRefused('AccessDenied', `Request has expired: the upload grant ended at ${new Date(grant.e * 1000).toISOString()}`)
      return grant.o
    },
    downloadQuery(path, maxAge) {
      const t = String(seconds() + maxAge)
      return `sign=${mac('download', path, t).slice(0, 32)}&t=${t}`
    },
    checkDownload(path, sign, t) {
      if (typeof sign !== 'string' || typeof t !== 'string' || !/^\d{1,12}$/.test(t)) {
        throw new SignatureRefused('AccessDenied', 'the download URL is not signed (sign and t are required): get one from getTempFileURL')
      }
      if (!same(sign, mac('download', path, t).slice(0, 32))) throw new SignatureRefused('SignatureDoesNotMatch', 'the download URL\'s signature does not match its path and expiry')
      if (Number(t) <= seconds()) throw new SignatureRefused('AccessDenied', `Request has expired: the download URL expired at ${new Date(Number(t) * 1000).toISOString()}`)
    },
  }
}
