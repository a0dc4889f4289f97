// The guide's structured logging, with cloud.logger(): each record's fields are searchable in CloudBase's log.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

// The guide printed JSON lines with console.log, which CloudBase keeps as plain text; cloud.logger() records take one
// plain object each, whose keys become fields (values as strings).
const log = cloud.logger()

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  try {
    log.info({ message: 'Function started', openid: OPENID || '', category: event.category || '' })
    // The guide called an undefined someOperation(): a real one.
    const { total } = await db.collection('products').where(event.category ? { category: event.category } : {}).count()
    log.info({ message: 'Function completed', total })
    return { success: true, total }
  } catch (err) {
    log.error({ message: 'Function failed', error: err.message, stack: err.stack })
    return { success: false, error: err.message }
  }
}
