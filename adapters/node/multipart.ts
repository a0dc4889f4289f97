/** A `multipart/form-data` body of text fields and one file, encoded as fetch encodes a `FormData`. */
import { randomBytes } from 'node:crypto'

/** A body and the content type that names its boundary. */
export interface Multipart {
  contentType: string
  body: Buffer
}

/** The HTML spec's escaping of names and filenames in a part's header: quotes and line breaks. */
function escape(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Text fields, in order, then the file as `application/octet-stream` (a `Blob` without a type). */
export function encodeMultipart(fields: Record<string, string>, file: { name: string; filename: string; bytes: Buffer }): Multipart {
  const boundary = `----mpcloud${randomBytes(16).toString('hex')}`
  const parts: Buffer[] = []
  for (const key of Object.keys(fields)) {
    // Values get fetch's line-break normalisation: every lone \r or \n becomes \r\n.
    const value = fields[key]!.replace(/\r\n|\r|\n/g, '\r\n')
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escape(key)}"\r\n\r\n${value}\r\n`))
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escape(file.name)}"; filename="${escape(file.filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) }
}
