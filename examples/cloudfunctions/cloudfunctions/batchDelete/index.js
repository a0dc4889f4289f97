// The guide's batchDelete: every match of a condition, e.g. { collection: 'users', where: { city: 'Shanghai' } }.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** As batchAdd: the collections a client may name (the function itself is past every security rule). */
const ALLOWED = ['users']

exports.main = async (event) => {
  const { collection, where } = event
  if (!ALLOWED.includes(collection)) return { success: false, error: `collection must be one of ${ALLOWED.join(', ')}` }
  // An empty condition would remove the whole collection.
  if (!where || typeof where !== 'object' || !Object.keys(where).length) return { success: false, error: 'where must name at least one field' }
  const { OPENID } = cloud.getWXContext()
  try {
    const { stats } = await db.collection(collection).where({ ...where, _openid: OPENID }).remove()
    return { success: true, removed: stats.removed }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
