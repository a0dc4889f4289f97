// The guide's onOrderCreate, run by mpcloud.json's database trigger on each new order with status "new".
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/** A time as "YYYY-MM-DD HH:mm" in China time: the guide's toLocaleString() gave the instance's (UTC) time in its locale. */
const chinaTime = (ms) => new Date(ms + 8 * 60 * 60 * 1000).toISOString().slice(0, 16).replace('T', ' ')

exports.main = async (event) => {
  // CloudBase sends one document per event, as a CloudEvents envelope whose data is { docId, doc, dataType, updatedFields, RemovedFields }:
  // the guide's event.dataList does not exist (docs/triggers.md).
  const { docId, doc } = event.data
  if (!doc || doc.status !== 'new') return { success: true, skipped: docId }
  try {
    // Declared in config.json's permissions.openapi, as CloudBase requires (-604101 otherwise); the admin and template come from
    // config.json's envVariables instead of the guide's literals.
    await cloud.openapi.subscribeMessage.send({
      touser: process.env.ADMIN_OPENID,
      templateId: process.env.ORDER_TEMPLATE_ID,
      // Subscribe message values are strings.
      data: { thing1: { value: `New order: ${docId}` }, amount3: { value: String(doc.amount) }, time4: { value: chinaTime(Date.now()) } },
    })
  } catch (err) {
    // A notification that fails does not stop the order.
    console.error(`notifying about order ${docId} failed: ${err.errMsg || err.message}`)
  }
  try {
    for (const item of doc.items || []) {
      await db.collection('products').doc(item.productId).update({ data: { stock: db.command.inc(-item.quantity) } })
    }
    // This update does not fire the trigger again: it listens to inserts only (and its condition wants status "new").
    await db.collection('orders').doc(docId).update({ data: { status: 'processing', processingTime: db.serverDate() } })
    return { success: true, processed: docId }
  } catch (err) {
    console.error(`processing order ${docId} failed: ${err.message}`)
    return { success: false, error: err.message }
  }
}
