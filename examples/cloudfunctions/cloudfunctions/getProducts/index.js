// The guide's caching example: products by category, kept for a minute in the instance's memory.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

// Module level: loaded once per instance and kept while the instance is warm, so a later call of the same
// instance finds it; each instance has its own, and a cold start begins empty.
const cache = {}
const CACHE_TTL = 60 * 1000

exports.main = async (event) => {
  const { category } = event
  const cacheKey = `products_${category}`
  if (cache[cacheKey] && cache[cacheKey].timestamp > Date.now() - CACHE_TTL) {
    return { source: 'cache', data: cache[cacheKey].data }
  }
  try {
    const result = await db.collection('products').where(category ? { category } : {}).limit(20).get()
    cache[cacheKey] = { timestamp: Date.now(), data: result.data }
    return { source: 'database', data: result.data }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
