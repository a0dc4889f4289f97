// The guide's updateUserProfile (it shows only the call): the caller updates its own profile.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** The fields a user may set; anything else in the event (points, role, _openid) is ignored. */
const FIELDS = ['nickname', 'avatar', 'gender']

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  if (!OPENID) return { success: false, error: 'updateUserProfile needs a signed-in caller' }
  const data = {}
  for (const field of FIELDS) if (event[field] !== undefined) data[field] = event[field]
  if (!Object.keys(data).length) return { success: false, error: `nothing to update: pass one of ${FIELDS.join(', ')}` }
  try {
    // The function runs as the administrator (no security rule applies): the _openid condition is what keeps it to the caller's document.
    const { stats } = await db.collection('users').where({ _openid: OPENID }).update({ data: { ...data, updatedAt: db.serverDate() } })
    return { success: true, updated: stats.updated }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
