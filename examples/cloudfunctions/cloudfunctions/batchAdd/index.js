// The guide's batchAdd: several documents in one call, e.g. { collection: 'users', data: [{ name: 'Alice' }, { name: 'Bob' }] }.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/**
 * The collections a client may name. A function runs as the administrator, past every security rule: the
 * guide's version let any caller write any collection it named (sessions, accounts).
 */
const ALLOWED = ['users']

exports.main = async (event) => {
  const { collection, data } = event
  if (!ALLOWED.includes(collection)) return { success: false, error: `collection must be one of ${ALLOWED.join(', ')}` }
  if (!Array.isArray(data) || !data.length) return { success: false, error: 'data must be a non-empty array of documents' }
  const { OPENID } = cloud.getWXContext()
  try {
    // Each document is the caller's (what a client's own add would stamp), so batchUpdate and batchDelete reach it.
    const { _ids } = await db.collection(collection).add({ data: data.map((doc) => ({ ...doc, _openid: OPENID })) })
    return { success: true, ids: _ids }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
