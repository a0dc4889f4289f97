/**
 * `mpcloud/testing`: test your security rules against the local cloud, in the spirit of
 * `@firebase/rules-unit-testing`.
 *
 * @example
 * import { createTestEnvironment, assertFails, assertSucceeds } from 'mpcloud/testing'
 * const env = await createTestEnvironment({ collections: ['todos'], rules: { database: { todos: { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' } } } })
 * const alice = env.authenticatedContext('o-alice').database()
 * await assertSucceeds(alice.collection('todos').where({ _openid: '{openid}' }).get())
 * await assertFails(alice.collection('todos').get())
 * await env.cleanup()
 */
export { createTestEnvironment, type TestContext, type TestEnvironment, type TestEnvironmentOptions, type TestUser } from './environment'
export { assertFails, assertSucceeds, isPermissionDenied } from './assertions'
export type { OutboxEntry, OutboxQuery, RulesInForce, RulesSource } from '../emulator/index'
