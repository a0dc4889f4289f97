/**
 * `request.data` of an update, as the rule's author wrote it in `update({ data })`: the fields being set,
 * at their paths (`'a.b': 1` is `{ a: { b: 1 } }`), and each field changed by a command as that command
 * (`n: _.inc(1)` is `{ n: { $inc: 1 } }`). On the wire the update is operators first (`{ $set: { ... } }`),
 * which no rule means by `request.data.title`. A replacement (`set()`) is the new document itself.
 * CloudBase documents `request.data` as "the data of the request" without its shape for updates; this is
 * our reading of it.
 */
type AnyObject = Record<string, unknown>

const isObject = (value: unknown): value is AnyObject => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)

/** Puts `value` at the dotted `path` of `target`, making the objects on the way. */
function place(target: AnyObject, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = target
  for (const key of keys.slice(0, -1)) {
    const next = node[key]
    node = isObject(next) ? next : (node[key] = {})
  }
  node[keys[keys.length - 1]!] = value
}

export function requestDataOf(update: AnyObject): AnyObject {
  const operators = Object.keys(update).filter((key) => key.startsWith('$'))
  if (!operators.length) return update
  const data: AnyObject = {}
  for (const operator of operators) {
    const fields = update[operator]
    if (!isObject(fields)) continue
    for (const [path, value] of Object.entries(fields)) place(data, path, operator === '$set' ? value : { [operator]: value })
  }
  return data
}
