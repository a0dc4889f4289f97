import cloud from 'mpcloud/my'

App({
  onLaunch() {
    // Alipay's own cloud: mpcloud calls my.cloud.createCloudContext({ env }) and its init() for you, and
    // queues calls until that is done. The mini program needs 支付宝云开发 and an environment named here.
    cloud.init({ env: 'demo-env' })
    // Or the local emulator (`npx mpcloud emulator --env demo-env --collection todos`), over my.request and
    // my.connectSocket; in the IDE allow requests to 127.0.0.1 (skip the domain allow-list check):
    // cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
  },
})
