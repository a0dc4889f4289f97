/**
 * The protobuf messages of `cloud.openapi`'s wire, declared here from their field numbers (docs/openapi.md):
 * wx-server-sdk encodes the call as `CommApiData` and decodes the answer as `CommOpenApiResp`. Only the
 * fields the emulator reads or writes are declared; protobuf skips the others.
 */
import protobuf from 'protobufjs'

const { Field, Type, Enum } = protobuf

const keyValuePair = new Type('KeyValuePair')
  .add(new Field('key', 1, 'string'))
  .add(new Field('value', 2, 'bytes'))
  // Set for a media part (an image for security.imgSecCheck): `value` is then the file's bytes, not JSON.
  .add(new Field('contenttype', 3, 'string'))
  .add(new Field('filename', 4, 'string'))

const openApiData = new Type('OpenApiData').add(new Field('pairs', 1, 'KeyValuePair', 'repeated'))

const commApiData = new Type('CommApiData')
  .add(new Enum('ApiType', { OPEN_API: 0, INNER_API: 1, SVRKIT_API: 2, TOKEN_API: 3 }))
  .add(new Field('apiType', 1, 'ApiType'))
  .add(new Field('openapiData', 2, 'OpenApiData'))
  .add(new Field('appid', 6, 'string'))

const httpHeader = new Type('HttpHeader').add(new Field('key', 1, 'string')).add(new Field('value', 2, 'string'))

const commOpenApiResp = new Type('CommOpenApiResp')
  .add(new Field('respData', 1, 'bytes'))
  .add(new Field('contentType', 2, 'string'))
  .add(new Field('errorCode', 3, 'int32'))
  .add(new Field('httpCode', 4, 'uint32'))
  .add(new Field('headers', 5, 'HttpHeader', 'repeated'))
  .add(new Field('svrkitErrorCode', 6, 'int32'))

new protobuf.Root().add(keyValuePair).add(openApiData).add(commApiData).add(httpHeader).add(commOpenApiResp).resolveAll()

/** `CommApiData.apiType` of `cloud.openapi.*` calls. */
export const OPEN_API = 0

export interface DecodedPair {
  key: string
  value: Uint8Array
  contenttype: string
  filename: string
}

export interface DecodedCall {
  apiType: number
  pairs: DecodedPair[]
  appid: string
}

/** Decodes a `CommApiData`; throws protobufjs's error when the bytes are not one. */
export function decodeCommApiData(bytes: Uint8Array): DecodedCall {
  const message = commApiData.toObject(commApiData.decode(bytes), { defaults: true, arrays: true, enums: Number }) as {
    apiType: number
    openapiData: { pairs: DecodedPair[] } | null
    appid: string
  }
  return { apiType: message.apiType, pairs: message.openapiData ? message.openapiData.pairs : [], appid: message.appid }
}

/** A `CommOpenApiResp`: WeChat's answer (`respData`, `contentType`), or `errorCode` when the cloud refused the call. */
export function encodeCommOpenApiResp(resp: { respData?: Uint8Array; contentType?: string; errorCode?: number; httpCode?: number }): Uint8Array {
  return commOpenApiResp.encode(commOpenApiResp.create(resp)).finish()
}

/** For tests: encodes a `CommApiData` as wx-server-sdk does. */
export function encodeCommApiData(call: { apiType?: number; pairs: { key: string; value: Uint8Array; contenttype?: string; filename?: string }[]; appid?: string }): Uint8Array {
  return commApiData.encode(commApiData.create({ apiType: call.apiType ?? OPEN_API, openapiData: { pairs: call.pairs }, ...(call.appid !== undefined ? { appid: call.appid } : {}) })).finish()
}
