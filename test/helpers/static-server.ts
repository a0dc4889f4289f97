/** A folder served over HTTP on 127.0.0.1, as a static host serves a built H5 app (sirv: vite's own preview server). */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'

export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string
  close(): Promise<void>
}

/** Serves `folder`; a path that is no file gets `index.html` (`single`), as a single-page app's host does. */
export function serveFolder(folder: string): Promise<StaticServer> {
  const serve = sirv(folder, { single: true, dev: true, etag: false })
  const server = createServer((req, res) => serve(req, res))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()) }),
      })
    })
  })
}
