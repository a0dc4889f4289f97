// The same use of the official serializer (@cloudbase/database 0.12.1, the copy inside @cloudbase/js-sdk).
import { Db } from '@cloudbase/database'

export function run(reqClass) {
  Db.reqClass = reqClass
  return new Db({ env: 'demo' }).collection('todos').where({ done: false }).get()
}
