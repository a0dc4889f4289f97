// "wx: init + where().get()": a cloud of WeChat's own cloud, one query.
import { createCloud, wxHost, wxNative } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(wxNative) })
cloud.init({ env: 'demo' })
export const run = () => cloud.database().collection('todos').where({ done: false }).get()
