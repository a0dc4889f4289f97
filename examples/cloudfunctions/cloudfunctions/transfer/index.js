// The guide's transfer: move an amount between two accounts in one transaction.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

/**
 * CloudBase refuses a transaction's write to a document another transaction holds with code
 * DATABASE_TRANSACTION_CONFLICT and this tag in its message (docs/transactions.md). runTransaction retries on
 * that code only, but wx-server-sdk's document wrapper turns it into errCode -501001, so without this the
 * transfer would fail instead of retrying.
 */
const CONFLICT_TAG = '[ResourceUnavailable.TransactionConflict]'

exports.main = async (event) => {
  const { fromAccount, toAccount, amount } = event
  if (typeof amount !== 'number' || !(amount > 0)) return { success: false, error: 'amount must be a positive number' }
  let attempts = 0
  try {
    const result = await db.runTransaction(async (transaction) => {
      attempts += 1
      try {
        // The guide's transaction.get(ref) and transaction.update(ref, ...) do not exist: a transaction offers collection() and rollback().
        const accounts = transaction.collection('accounts')
        const { data: from } = await accounts.doc(fromAccount).get()
        await accounts.doc(toAccount).get()
        // rollback(reason) ends the transaction; runTransaction then rejects with the reason.
        if (from.balance < amount) return await transaction.rollback('Insufficient balance')
        await accounts.doc(fromAccount).update({ data: { balance: db.command.inc(-amount) } })
        await accounts.doc(toAccount).update({ data: { balance: db.command.inc(amount) } })
        return { success: true }
      } catch (error) {
        // Hand runTransaction the code it retries on (see CONFLICT_TAG).
        if (error && String(error.errMsg || error.message).includes(CONFLICT_TAG)) throw { code: 'DATABASE_TRANSACTION_CONFLICT', message: error.errMsg }
        throw error
      }
    })
    return { ...result, attempts }
  } catch (e) {
    return { success: false, error: typeof e === 'string' ? e : e.message || e.errMsg, attempts }
  }
}
