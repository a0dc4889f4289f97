// The guide's indexing example, corrected: the query its index { userId: 1, status: 1, createTime: -1 } serves.
//
// wx-server-sdk has no createIndex (the guide's db.collection('orders').createIndex(...) throws "createIndex is not
// a function"): CloudBase creates indexes in the console (数据库 → 索引管理) or through the manager API, not from a
// function. In the emulator the administrator makes the same index with the action database.createIndex
// (docs/protocol.md §15); the query answers the same with or without it.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

exports.main = async (event) => {
  const { userId, status } = event
  if (typeof userId !== 'string' || typeof status !== 'string') return { success: false, error: 'userId and status are required' }
  try {
    const { data } = await db.collection('orders').where({ userId, status }).orderBy('createTime', 'desc').limit(20).get()
    return { success: true, data }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
