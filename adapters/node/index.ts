/**
 * `mpcloud/node`: a ready `cloud` for Node scripts, server-side rendering and tests.
 *
 * @example
 * import cloud from 'mpcloud/node'
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
 */
import { connectHttp, createCloud, createRealtime, invokeFunction, storageCalls } from '../../src/index'
import { nodePlatform } from './platform'

export const cloud = createCloud({ platform: nodePlatform, connect: connectHttp, realtime: createRealtime, functions: invokeFunction, storage: storageCalls })
export default cloud
export * from '../../src/index'
