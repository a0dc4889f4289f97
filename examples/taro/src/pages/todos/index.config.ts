export default definePageConfig({
  navigationBarTitleText: 'Open todos',
  // Pull-to-refresh: how the Alipay build refreshes, as Alipay's cloud has no realtime watch.
  enablePullDownRefresh: true,
})
