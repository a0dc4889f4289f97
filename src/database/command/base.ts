import type { WireObject, WireValue } from '../../protocol/codec'
import { invalidArgument } from '../../protocol/errors'

/**
 * The common ancestor of every `db.command` value, so that encoders can tell a command from data with
 * one check. Each kind of command encodes itself: the query and update encoders call these methods and
 * never name a subclass, so a bundle that never builds a command (no `db.command`) carries none of them.
 * The defaults here refuse a command used where its kind does not fit.
 */
export abstract class DbCommand {
  /** The wire operator, e.g. `$gt`, `$and`, `$inc`. */
  abstract readonly op: string

  /** @internal The condition this command puts on `field`, e.g. `{ age: { $gt: 1 } }` or `{ $and: [...] }`. */
  _at(field: string, api: string): WireObject {
    throw invalidArgument(api, `${this.op} is an update command; where() takes query commands such as _.gt()`)
  }

  /** @internal The field-less form, e.g. `{ $gt: 1, $lt: 5 }` (inside `_.elemMatch`, `_.not`, `_.pull`). */
  _expression(api: string): WireObject {
    return this._at('', api)
  }

  /** @internal A whole-document condition: only logic commands have one (`where(_.or([...]))`). */
  _where(api: string, inside?: string): WireObject {
    const name = this.op.slice(1)
    throw invalidArgument(
      api,
      inside
        ? `${this.op} needs a field inside ${inside}(): use { field: _.${name}(...) }`
        : `${this.op} needs a field: write where({ field: _.${name}(...) })`,
    )
  }

  /** @internal The update operator and its operand (`['$inc', 1]`): only update commands have one. */
  _update(api: string): [string, WireValue] {
    throw invalidArgument(api, `${this.op} is a query command; update() takes values and update commands such as _.inc()`)
  }
}
