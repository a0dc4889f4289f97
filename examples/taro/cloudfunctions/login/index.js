// The caller's identity as the cloud hands it to the function: the page shows the openid ("signed in as ...").
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async () => {
  const wxContext = cloud.getWXContext()
  // UNIONID is present only when WeChat's unionid conditions are met; otherwise it is absent (and left out of the JSON).
  return { openid: wxContext.OPENID, appid: wxContext.APPID, unionid: wxContext.UNIONID }
}
