import cloud from 'mpcloud/wx'

App({
  onLaunch() {
    // WeChat's own cloud (wx.cloud), as `wx.cloud.init` would: the project needs a real appid with cloud
    // development enabled, and an environment named here.
    cloud.init({ env: 'demo-env', traceUser: true })
    // Or the local emulator (`npx mpcloud emulator --env demo-env --collection todos`), over wx.request and
    // wx.connectSocket; in DevTools tick "不校验合法域名" (project.config.json has urlCheck: false):
    // cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
  },
})
