/**
 * The one door integration tests use to reach the SDK (docs/architecture.md): the Node adapter's
 * `createCloud` and types. A smoke run can point this file at the built output.
 */
export * from '../../adapters/node/index'
export { nodePlatform } from '../../adapters/node/platform'
