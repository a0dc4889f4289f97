/**
 * The emulator's admin key pair: what the server SDKs sign `/admin` requests with (CloudBase's
 * secretId/secretKey). Generated once per data dir and kept beside the data, so a function or script
 * configured with it keeps working across restarts; fresh per process in memory; or fixed by the user.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AdminCredentials } from './admin-signature'

const FILE = 'admin-key.json'

/** `ID:KEY`, as `--admin-key` takes it. */
export function parseAdminKey(text: string): AdminCredentials {
  const colon = text.indexOf(':')
  const secretId = colon > 0 ? text.slice(0, colon) : ''
  const secretKey = colon > 0 ? text.slice(colon + 1) : ''
  checkAdminKey({ secretId, secretKey })
  return { secretId, secretKey }
}

/** Refuses a key pair the server SDKs could not sign with (empty, or with characters a header cannot carry). */
export function checkAdminKey(key: AdminCredentials): void {
  const ok = (part: unknown) => typeof part === 'string' && /^[\x21-\x7e]{1,128}$/.test(part) && !part.includes('/')
  if (!key || !ok(key.secretId) || !ok(key.secretKey) || key.secretId.includes(':')) {
    throw new Error('the admin key must be ID:KEY, both 1-128 printable characters without spaces, "/" (or ":" in the ID)')
  }
}

export function loadAdminKey(dataDir?: string, fixed?: AdminCredentials): AdminCredentials {
  if (fixed) {
    checkAdminKey(fixed)
    return { secretId: fixed.secretId, secretKey: fixed.secretKey }
  }
  const fresh = () => ({ secretId: `AKIDmpcloud${randomBytes(12).toString('hex')}`, secretKey: randomBytes(24).toString('base64url') })
  if (!dataDir) return fresh()
  const file = join(dataDir, FILE)
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as AdminCredentials
    checkAdminKey(stored)
    return stored
  }
  const key = fresh()
  writeFileSync(file, JSON.stringify(key, null, 2) + '\n', { mode: 0o600 })
  return key
}
