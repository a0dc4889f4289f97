// The guide's getUserInfo: the caller's user document, created on first call.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  // A call with no user (the administrator's, a timer's) has no OPENID: where({ _openid: undefined }) would match everyone.
  if (!OPENID) return { success: false, error: 'getUserInfo needs a signed-in caller' }
  try {
    const found = await db.collection('users').where({ _openid: OPENID }).get()
    if (found.data.length > 0) return { success: true, data: found.data[0] }
    const { _id } = await db.collection('users').add({
      data: { _openid: OPENID, createdAt: db.serverDate(), points: 0, nickname: event.nickname || 'New User' },
    })
    // db.serverDate() is a placeholder the server replaces: the guide returned the placeholder object, not a date, so read the stored user back.
    const { data } = await db.collection('users').doc(_id).get()
    return { success: true, data, isNew: true }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
