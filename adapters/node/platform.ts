/**
 * Node's primitives for mpcloud: HTTP over `node:http` / `node:https` with keep-alive pools, `ws`
 * sockets, files through the file system.
 */
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { Platform } from '../../src/platform'
import { createAgents, exchange } from './http-client'
import { encodeMultipart } from './multipart'
import { connectSocket } from './socket'

/** What `response.text()` did: UTF-8, a leading byte order mark dropped, bad bytes replaced. */
const decoder = new TextDecoder()

/**
 * A Node platform with its own connection pools (one keep-alive agent per scheme). Clouds given the same
 * platform share its sockets, which is safe: a socket carries one request at a time and no state of a
 * cloud (tokens travel in the body); a separate platform keeps a separate pool.
 */
export function createNodePlatform(): Platform {
  const agents = createAgents()
  // Closures, not methods: callers pass `platform.request` around on its own.
  return {
    request: ({ url, data, headers, timeout }) =>
      exchange(agents, { method: 'POST', url, headers, body: Buffer.from(data) }, timeout).then((response) => ({
        statusCode: response.statusCode,
        data: decoder.decode(response.body),
      })),
    uploadFile: ({ url, filePath, name, formData }) =>
      readFile(filePath).then((bytes) => {
        const form = encodeMultipart(formData, { name, filename: basename(filePath), bytes })
        return exchange(agents, { method: 'POST', url, headers: { 'content-type': form.contentType }, body: form.body }, 0).then((response) => ({
          statusCode: response.statusCode,
          data: decoder.decode(response.body),
        }))
      }),
    downloadFile: ({ url }) =>
      exchange(agents, { method: 'GET', url, headers: {} }, 0).then((response) => {
        const tempFilePath = join(tmpdir(), `mpcloud-${randomBytes(8).toString('hex')}`)
        return writeFile(tempFilePath, response.body).then(() => ({ statusCode: response.statusCode, tempFilePath }))
      }),
    connectSocket,
  }
}

/** The platform of `mpcloud/node`'s ready `cloud`; every cloud given it shares its pools. */
export const nodePlatform: Platform = /*#__PURE__*/ createNodePlatform()
