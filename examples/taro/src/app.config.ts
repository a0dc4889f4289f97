export default defineAppConfig({
  pages: ['pages/todos/index'],
  window: {
    navigationBarTitleText: 'mpcloud todos',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
  },
})
