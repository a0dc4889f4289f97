/**
 * The common ancestor of every `db.command` value, so that encoders can tell a command from data with
 * one check.
 */
export abstract class DbCommand {
  /** The wire operator, e.g. `$gt`, `$and`, `$inc`. */
  abstract readonly op: string
}
