// The guide's dailyTasks, run by its timer trigger (config.json): reset the daily counters, report yesterday's orders.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
const $ = db.command.aggregate

/** China time: CloudBase's timer cron runs in UTC+8 (config.json's "0 0 0 * * * *" is midnight there), while the instance's clock is UTC. */
const CHINA = 8 * 60 * 60 * 1000
const DAY = 24 * 60 * 60 * 1000

/** Yesterday in China time, as [start, end) instants: the guide's setHours(0) was midnight of the instance's zone (UTC), not China's. */
function yesterday(now) {
  const todayStart = Math.floor((now + CHINA) / DAY) * DAY - CHINA
  return { start: new Date(todayStart - DAY), end: new Date(todayStart), date: new Date(todayStart - DAY + CHINA).toISOString().slice(0, 10) }
}

exports.main = async (event) => {
  try {
    await db.collection('statistics').where({ type: 'daily' }).update({ data: { count: 0, lastReset: db.serverDate() } })
    const { start, end, date } = yesterday(Date.now())
    // One aggregation sums every order: the guide's get() returns at most 100 of them, so its totals were wrong on a busy day.
    const { list } = await db
      .collection('orders')
      .aggregate()
      .match({ createTime: _.gte(start).and(_.lt(end)) })
      .group({ _id: null, totalSales: $.sum('$amount'), orderCount: $.sum(1) })
      .end()
    const { totalSales = 0, orderCount = 0 } = list[0] || {}
    await db.collection('reports').add({ data: { date, totalSales, orderCount, trigger: event.TriggerName, createdAt: db.serverDate() } })
    return { success: true, date, totalSales, orderCount }
  } catch (err) {
    return { success: false, error: err.message }
  }
}
