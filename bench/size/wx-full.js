// "wx: full": the drop-in `wx.cloud` (database, watch, functions, files; native or over an endpoint).
import cloud from '../../dist/wx.js'

cloud.init({ env: 'demo' })
export const run = () => [cloud.database().collection('todos').where({ done: false }).get(), cloud.callFunction({ name: 'f' })]
