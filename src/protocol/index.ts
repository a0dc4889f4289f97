/** The wire contract, shared by the SDK and the emulator: shapes, codes and the value codec. */
export * from './errors'
export * from './codec'
export * from './geo'
export * from './server-date'
export * from './regexp'
export type * from './database'
export * from './ejson'
