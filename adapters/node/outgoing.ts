/** What the Node platform's HTTP client sends: a type shared by the exchange and its redirect rules. */

/** A request to send. */
export interface Outgoing {
  method: 'GET' | 'POST'
  url: string
  headers: Record<string, string>
  body?: Buffer
}
