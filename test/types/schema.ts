/**
 * Document types shared by the type tests, and a database to call. Nothing here runs: type tests are
 * only compiled (`vitest --typecheck`, `tsc -p test/types`).
 */
import type { Database, GeoPoint } from '../../src/index'

export interface Author {
  name: string
  email?: string
  address?: { city: string; zip: string }
}

export interface Item {
  sku: string
  price: number
  qty: number
  tags: string[]
}

export interface Todo {
  title: string
  done: boolean
  status: 'open' | 'closed'
  priority: number
  estimate?: number
  due?: Date
  note?: string | null
  tags: string[]
  scores: number[]
  author: Author
  items: Item[]
  location?: GeoPoint
  meta: Record<string, number>
}

export interface Note {
  text: string
  createdAt: Date
  pinned?: boolean
}

/** Stands in for `cloud.database()`: type tests never run. */
export declare const db: Database
