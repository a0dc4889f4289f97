/** Benchmark: 10 `where()` calls on a ~650-path document (peer-sdks.md §4.3 setup). */
import type { Database } from '../../../src/index'
import type { Large } from './large-schema'

declare const db: Database
const _ = db.command
const c = db.collection<Large>('large')
c.where({ 'o1.s2.f3': 1 })
c.where({ 'o2.s3.f1': _.gt(5) })
c.where({ 'o3.s4.f0': _.in([true]) })
c.where({ o4: { s1: { f2: true } } })
c.where({ 'lines.qty': _.gte(1), tags: 'a' })
c.where({ lines: _.elemMatch({ price: _.lt(10) }) })
c.where(_.or([{ 'o5.s5.f4': 'x' }, { 'o6.s6.f1': _.exists(true) }]))
c.where({ 'o7.s7.f2': _.neq(2) })
c.where({ tags: _.size(2) })
c.where({ 'o9.s9.f4': _.eq(false) })
