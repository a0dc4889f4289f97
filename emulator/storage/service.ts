/**
 * One env's storage: its actions (for `/web` and `/admin`) and its HTTP routes, over files in
 * `<dataDir>/storage/<env>/` or in memory.
 */
import { join } from 'node:path'
import type { Action, Request, Service } from '../pipeline/service'
import { storageActions, type StorageContext } from './actions'
import { diskBlobs, memoryBlobs } from './blobs'
import type { StorageCheck, StorageGuard } from '../pipeline/rule-checks'
import { storageRoutes } from './http'
import { diskOwners, memoryOwners } from './owners'
import { createSigner } from './signing'

/** Uploads may carry up to 50 MB unless told otherwise (JSON requests stay at 10 MB). */
export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024

export interface StorageOptions {
  env: string
  /** Files go to `<dataDir>/storage/<env>/`; in memory without it. */
  dataDir?: string
  /** The emulator's signing secret (upload grants and download URLs). */
  secret: Buffer
  maxUploadBytes?: number
  /** The bucket's security rule, checked on each request; without it nothing is checked. */
  guard?: StorageGuard
}

/** Storage as a service of the pipeline, and what the emulator's owner can do to it directly. */
export interface StorageService extends Service {
  /** Deletes every file and forgets every uploader (`emulator.clearStorage()`). */
  clear(): void
}

/** The storage actions, the same on `/web` (a signed-in user, or a guest where allowed) and `/admin`, and the byte routes. */
export function storageService(options: StorageOptions): StorageService {
  const maxUploadBytes = options.maxUploadBytes === undefined ? DEFAULT_MAX_UPLOAD_BYTES : options.maxUploadBytes
  if (!Number.isInteger(maxUploadBytes) || maxUploadBytes <= 0) throw new Error(`maxUploadBytes must be a positive integer, got ${maxUploadBytes}`)
  const ctx: StorageContext = {
    env: options.env,
    blobs: options.dataDir ? diskBlobs(join(options.dataDir, 'storage', options.env)) : memoryBlobs(),
    owners: options.dataDir ? diskOwners(join(options.dataDir, 'storage', `${options.env}.owners.json`)) : memoryOwners(),
    signer: createSigner(options.secret),
    maxUploadBytes,
  }
  const { guard } = options
  /** The rule's check of one request, which records each decision in the request's event. */
  const checkOf = (request: Request): StorageCheck | undefined => (guard ? guard(request.principal, request.decide) : undefined)
  const actions: Record<string, Action> = {}
  for (const [name, handle] of Object.entries(storageActions(ctx))) {
    actions[name] = { access: 'principal', target: (body) => (typeof body.path === 'string' ? body.path : undefined), handle: (request) => handle(request.body, request.origin, request.principal, checkOf(request)) }
  }
  return {
    name: 'storage',
    actions: { web: actions, admin: actions },
    routes: storageRoutes(ctx),
    clear() {
      ctx.blobs.clear()
      ctx.owners.clear()
    },
  }
}
