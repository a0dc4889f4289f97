/**
 * One env's storage: its actions (for `/web` and `/admin`) and its HTTP routes, over files in
 * `<dataDir>/storage/<env>/` or in memory.
 */
import { join } from 'node:path'
import type { RawRoute } from '../http/server'
import type { ServiceAction } from '../http/web'
import { storageActions } from './actions'
import { diskBlobs, memoryBlobs } from './blobs'
import { storageRoutes } from './http'
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
}

export interface StorageService {
  actions: Record<string, ServiceAction>
  routes: RawRoute[]
}

export function createStorage(options: StorageOptions): StorageService {
  const maxUploadBytes = options.maxUploadBytes === undefined ? DEFAULT_MAX_UPLOAD_BYTES : options.maxUploadBytes
  if (!Number.isInteger(maxUploadBytes) || maxUploadBytes <= 0) throw new Error(`maxUploadBytes must be a positive integer, got ${maxUploadBytes}`)
  const ctx = {
    env: options.env,
    blobs: options.dataDir ? diskBlobs(join(options.dataDir, 'storage', options.env)) : memoryBlobs(),
    signer: createSigner(options.secret),
    maxUploadBytes,
  }
  return { actions: storageActions(ctx), routes: storageRoutes(ctx) }
}
