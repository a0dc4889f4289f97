/**
 * `db.command` (usually `const _ = db.command`): wx's `DatabaseCommand`, one object assembled from the
 * operator families.
 */
import { Aggregate } from '../aggregate/aggregate'
import { createAggregateOperators } from '../aggregate/operators'
import type { AggregateOperators } from '../types/aggregate'
import { project } from './project'
import * as q from './query-command'
import * as u from './update-command'

/** `_.expr(...)`: compare fields of the same document with aggregation operators. */
function expr<const E>(expression: E): { $expr: E }
function expr(expression: unknown): { $expr: unknown } {
  return { $expr: expression }
}

/** Builds `db.command`. */
export function createCommand() {
  return {
    eq: q.eq,
    neq: q.neq,
    gt: q.gt,
    gte: q.gte,
    lt: q.lt,
    lte: q.lte,
    in: q.inArray,
    nin: q.nin,
    all: q.all,
    exists: q.exists,
    size: q.size,
    mod: q.mod,
    elemMatch: q.elemMatch,
    geoNear: q.geoNear,
    geoWithin: q.geoWithin,
    geoIntersects: q.geoIntersects,
    and: q.and,
    or: q.or,
    nor: q.nor,
    not: q.not,
    expr,
    set: u.set,
    remove: u.remove,
    inc: u.inc,
    mul: u.mul,
    min: u.min,
    max: u.max,
    rename: u.rename,
    bit: u.bit,
    push: u.push,
    pop: u.pop,
    shift: u.shift,
    unshift: u.unshift,
    pull: u.pull,
    pullAll: u.pullAll,
    addToSet: u.addToSet,
    project,
    aggregate: {
      ...createAggregateOperators(),
      /** A sub-pipeline for `lookup({ pipeline })`; finish it with `done()`. */
      pipeline: (): Aggregate => new Aggregate(),
    } as unknown as AggregateOperators & { pipeline(): Aggregate },
  }
}

/** The type of `db.command`. */
export type Command = ReturnType<typeof createCommand>
