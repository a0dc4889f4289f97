// The guide's customLogin: a username and password checked against a salted SHA-256, a session token for 7 days.
const cloud = require('wx-server-sdk')
const crypto = require('crypto')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** Compares two hex digests in constant time (the guide's `!==` leaks, by its timing, how much of the hash matched). */
function sameDigest(a, b) {
  const left = Buffer.from(String(a), 'hex')
  const right = Buffer.from(String(b), 'hex')
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}

exports.main = async (event) => {
  const { username, password } = event
  if (typeof username !== 'string' || typeof password !== 'string') return { success: false, error: 'username and password are required' }
  const { OPENID } = cloud.getWXContext()
  try {
    const found = await db.collection('users').where({ username }).get()
    // One answer for an unknown user and a wrong password: the guide's two told a caller which usernames exist.
    const user = found.data[0]
    const hashed = user ? crypto.createHash('sha256').update(password + user.salt).digest('hex') : ''
    if (!user || !sameDigest(hashed, user.password)) return { success: false, error: 'Invalid username or password' }

    await db.collection('users').doc(user._id).update({
      data: Object.assign({ lastLogin: db.serverDate() }, user.openid ? {} : { openid: OPENID }),
    })
    const token = crypto.randomBytes(32).toString('hex')
    const expiresAt = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000)
    await db.collection('sessions').add({ data: { token, userId: user._id, openid: OPENID, createdAt: db.serverDate(), expiresAt } })
    return { success: true, token, expiresAt, user: { _id: user._id, username: user.username, nickname: user.nickname, role: user.role } }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
