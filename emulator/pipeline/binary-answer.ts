/**
 * An answer sent as bytes, not JSON: CloudBase answers `wx.openApi` on `/admin` with a protobuf
 * `CommOpenApiResp` body, which node-sdk reads raw (docs/openapi.md). A handler returns `binaryAnswer(bytes)`;
 * the HTTP server sends those bytes as `application/octet-stream` instead of the dialect's JSON success.
 */
import type { Answer } from './service'

const BYTES = Symbol('binary answer')

/** An answer whose body is `bytes` as they are. */
export function binaryAnswer(bytes: Uint8Array): Answer {
  return { [BYTES]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) } as unknown as Answer
}

/** The bytes of a binary answer; undefined for a JSON one. */
export function bytesOf(answer: Answer): Buffer | undefined {
  return (answer as unknown as Record<symbol, Buffer | undefined>)[BYTES]
}
