// "core + database, one where().get()": the smallest real use of mpcloud's database.
import { createCloud } from '../../dist/index.js'

export function run(transport) {
  const cloud = createCloud({ transport })
  cloud.init({ env: 'demo' })
  return cloud.database().collection('todos').where({ done: false }).get()
}
