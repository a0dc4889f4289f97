/**
 * `mpcloud/node`: a ready `cloud` for Node scripts, server-side rendering and tests.
 *
 * @example
 * import cloud from 'mpcloud/node'
 * cloud.init({ env: 'demo-env', endpoint: 'http://127.0.0.1:9000' })
 */
import { Aggregate, connectHttp, createCloud, createCommand, createRealtime, invokeFunction, storageCalls } from '../../src/index'
import { nodePlatform } from './platform'

/** The Node host primitives (node:http keep-alive, ws): `createCloud({ platform: nodePlatform, ... })` for a second cloud, e.g. another user. */
export { nodePlatform }

export const cloud = /*#__PURE__*/ createCloud({ platform: nodePlatform, connect: connectHttp, realtime: createRealtime, functions: invokeFunction, storage: storageCalls, commands: createCommand, aggregate: Aggregate })
export default cloud
export * from '../../src/index'
