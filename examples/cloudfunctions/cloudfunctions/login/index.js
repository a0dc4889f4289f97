// The guide's login, as written: the caller's identity as CloudBase hands it to the function.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async () => {
  const wxContext = cloud.getWXContext()
  // UNIONID is present only when WeChat's unionid conditions are met; otherwise it is absent (and left out of the JSON).
  return { openid: wxContext.OPENID, appid: wxContext.APPID, unionid: wxContext.UNIONID }
}
