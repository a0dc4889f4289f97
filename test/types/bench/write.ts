/** Benchmark: updates, projections and sorts on a ~650-path document. */
import type { Database } from '../../../src/index'
import type { Large } from './large-schema'

declare const db: Database
const _ = db.command
const c = db.collection<Large>('large')
c.where({ tags: 'a' }).update({ data: { 'o1.s2.f3': 2, 'o2.s2.f1': 'x' } })
c.where({ tags: 'a' }).update({ data: { tags: _.push('b'), 'lines.$.qty': _.inc(1) } })
c.where({ tags: 'a' }).update({ data: { o3: { s1: { f0: null } } } })
c.doc('x').update({ data: { 'lines.0.note': _.remove() } })
c.field({ o1: true, 'o2.s1.f0': true }).get()
c.field({ o1: false }).get()
c.orderBy('o1.s1.f1', 'asc').get()
