/**
 * The native transport: mpcloud's protocol requests replayed on a host's own cloud database, and its
 * realtime watch, with one shared decoder and a small table of differences per host.
 */
export { createNativeTransport, type HostDatabaseFactory } from './transport'
export { createNativeWatch } from './watch'
export { codeOfErrCode, codeIn, readErrMsg, textOf, type ErrMsgParts } from './errors'
export type {
  HostAggregate,
  HostCollection,
  HostCommand,
  HostConstructor,
  HostDatabase,
  HostDifferences,
  HostDocument,
  HostFilteredQuery,
  HostFailure,
  HostGeo,
  HostListener,
  HostQuery,
  HostResult,
  HostSnapshot,
  HostWatchOptions,
} from './host'
