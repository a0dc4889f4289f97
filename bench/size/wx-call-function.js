// "wx: callFunction only".
import { createCloud, invokeFunction, wxHost, wxNative } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(wxNative), functions: invokeFunction })
cloud.init({ env: 'demo' })
export const run = () => cloud.callFunction({ name: 'sum', data: { a: 1, b: 2 } })
