// "wx: init + where().get() over an endpoint" (the emulator or a CloudBase endpoint, no native decoder).
import { connectHttp, createCloud, wxHost } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(), connect: connectHttp })
cloud.init({ env: 'demo', endpoint: 'http://127.0.0.1:9000' })
export const run = () => cloud.database().collection('todos').where({ done: false }).get()
