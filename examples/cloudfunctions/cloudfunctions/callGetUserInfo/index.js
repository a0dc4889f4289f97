// The guide's function calling another function, as written: getUserInfo runs for this function's caller.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  try {
    // CloudBase carries the caller's identity to the callee: getUserInfo's getWXContext() has this caller's OPENID,
    // and its SOURCE is the chain "wx_client,scf".
    const result = await cloud.callFunction({ name: 'getUserInfo', data: { nickname: event.nickname } })
    return result.result
  } catch (err) {
    return { success: false, error: err.message }
  }
}
