// "wx: everything on wx.cloud only": the full feature set over the native transport, no endpoint (no HTTP,
// sign-in or socket client). With wx-full-endpoint-only.js, it shows what each transport costs alone.
import { Aggregate, createCloud, createCommand, createNativeWatch, invokeFunction, storageCalls, wxHost, wxNative } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost((host) => wxNative(host, createNativeWatch)), functions: invokeFunction, storage: storageCalls, commands: createCommand, aggregate: Aggregate })
cloud.init({ env: 'demo' })
export const run = () => [cloud.database().collection('todos').where({ done: false }).get(), cloud.callFunction({ name: 'f' })]
