// The guide's batchUpdate: every match of a condition, e.g. { collection: 'users', where: { city: 'Shanghai' }, data: { country: 'China' } }.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** As batchAdd: the collections a client may name (the function itself is past every security rule). */
const ALLOWED = ['users']

exports.main = async (event) => {
  const { collection, where, data } = event
  if (!ALLOWED.includes(collection)) return { success: false, error: `collection must be one of ${ALLOWED.join(', ')}` }
  if (!where || typeof where !== 'object' || !data || typeof data !== 'object') return { success: false, error: 'where and data must be objects' }
  const { OPENID } = cloud.getWXContext()
  try {
    // The caller's documents only: the guide's where() reached every user's (the administrator's update has no rule to stop it).
    const { stats } = await db.collection(collection).where({ ...where, _openid: OPENID }).update({ data })
    return { success: true, updated: stats.updated }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
