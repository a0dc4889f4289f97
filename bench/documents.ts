/** The generated documents the benches query (a fixed seed: every run and every bench sees the same ones). */
import type { Doc } from '../emulator/store/store'
import { seededRandom as random } from '../test/helpers/random'

const CATS = ['book', 'toy', 'food', 'tool', 'game']
const CITIES = ['sh', 'bj', 'gz', 'sz', 'hz']
const TAGS = ['new', 'hot', 'sale', 'gift', 'rare', 'eco']

export function generate(count: number): Doc[] {
  const next = random(42)
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!
  return Array.from({ length: count }, (_, i) => ({
    _id: `doc-${String(i).padStart(6, '0')}`,
    sku: `sku-${i}`,
    title: `item ${i}`,
    cat: pick(CATS),
    price: Math.floor(next() * 100),
    stock: Math.floor(next() * 500),
    done: next() < 0.5,
    tags: [pick(TAGS), pick(TAGS)],
    owner: { city: pick(CITIES), age: 18 + Math.floor(next() * 50) },
    createdAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(next() * 365) * 86_400_000),
  }))
}
