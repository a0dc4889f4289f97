// "wx: everything over an endpoint only": the full feature set over HTTP and the watch client, no native
// decoder.
import { Aggregate, connectHttp, createCloud, createCommand, createRealtime, invokeFunction, storageCalls, wxHost } from '../../dist/wx.js'

const cloud = createCloud({ platform: wxHost(), connect: connectHttp, realtime: createRealtime, functions: invokeFunction, storage: storageCalls, commands: createCommand, aggregate: Aggregate })
cloud.init({ env: 'demo', endpoint: 'http://127.0.0.1:9000' })
export const run = () => [cloud.database().collection('todos').where({ done: false }).get(), cloud.callFunction({ name: 'f' })]
