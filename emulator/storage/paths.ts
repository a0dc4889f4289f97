/**
 * Cloud paths and fileIDs (docs/protocol.md §7.1): `cloud://<env>.<bucket>/<cloudPath>`, with
 * `bucket = <hex of the env's first two characters>-<env>-<appId>`.
 */
import { invalidParam } from '../errors'

/** The Tencent Cloud appId in the emulator's bucket names (a real one is ten digits, e.g. 1250000000). */
export const STORAGE_APPID = '1250000000'

/** COS keys are at most 850 bytes. */
const MAX_PATH_BYTES = 850

/** The bucket of `env`: `7465-test-env-1250000000` for `test-env` ("te" is 0x74 0x65). */
export function bucketOf(env: string): string {
  return `${Buffer.from(env.slice(0, 2)).toString('hex')}-${env}-${STORAGE_APPID}`
}

/**
 * `cloudPath` checked: relative, `/`-separated, no empty, `.` or `..` segment, no backslash, control
 * character, `?` or `#` (they would change the meaning of the URLs built on the path). Returns it unchanged.
 */
export function checkCloudPath(cloudPath: unknown, name = 'cloudPath'): string {
  if (typeof cloudPath !== 'string' || !cloudPath) throw invalidParam(`${name} must be a non-empty string`)
  const show = JSON.stringify(cloudPath.length > 100 ? cloudPath.slice(0, 100) + '…' : cloudPath)
  if (Buffer.byteLength(cloudPath) > MAX_PATH_BYTES) throw invalidParam(`${name} ${show} is longer than ${MAX_PATH_BYTES} bytes`)
  if (cloudPath.startsWith('/')) throw invalidParam(`${name} ${show} must be relative (no leading "/"): a path inside the bucket`)
  const bad = /[\u0000-\u001f\u007f\\?#]/.exec(cloudPath)
  if (bad) throw invalidParam(`${name} ${show} contains ${JSON.stringify(bad[0])}, which a cloud path cannot contain`)
  for (const segment of cloudPath.split('/')) {
    if (segment === '..' || segment === '.') throw invalidParam(`${name} ${show} contains a "${segment}" segment: paths cannot leave or re-enter a folder`)
    if (!segment) throw invalidParam(`${name} ${show} has an empty segment ("//" or a trailing "/")`)
  }
  return cloudPath
}

/** The fileID of `cloudPath` in `env`. */
export function fileIdOf(env: string, cloudPath: string): string {
  return `cloud://${env}.${bucketOf(env)}/${cloudPath}`
}

/**
 * The cloud path a fileID names, or a message saying why it names nothing here (another env or bucket,
 * not a fileID). A path that tries to leave the bucket is an INVALID_PARAM error, not a missing file.
 */
export function pathOfFileId(env: string, fileId: unknown): { path: string } | { problem: string } {
  if (typeof fileId !== 'string') return { problem: 'a fileID must be a string' }
  const match = /^cloud:\/\/([^./]+)\.([^/]+)\/(.+)$/.exec(fileId)
  if (!match) return { problem: `${JSON.stringify(fileId)} is not a fileID (cloud://<env>.<bucket>/<path>)` }
  const [, fileEnv, bucket, path] = match as unknown as [string, string, string, string]
  if (fileEnv !== env) return { problem: `${fileId} belongs to env "${fileEnv}"; this emulator serves "${env}"` }
  if (bucket !== bucketOf(env)) return { problem: `${fileId} names bucket "${bucket}"; env ${env}'s bucket is "${bucketOf(env)}"` }
  return { path: checkCloudPath(path, 'the fileID\'s path') }
}

/** `path` with each segment percent-encoded, for a URL path. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}
