// "wx: + watch": a query and a watch over an endpoint (the watch client and its socket).
import { connectHttp, createCloud, createRealtime, wxHost } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(), connect: connectHttp, realtime: createRealtime })
cloud.init({ env: 'demo', endpoint: 'http://127.0.0.1:9000' })
export const run = (onChange, onError) => {
  const todos = cloud.database().collection('todos').where({ done: false })
  return [todos.get(), todos.watch({ onChange, onError })]
}
