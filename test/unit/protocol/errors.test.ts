import { describe, expect, it } from 'vitest'
import { CloudError, errCodeOf, isCloudError } from '../../../src/protocol/errors'

describe('CloudError', () => {
  it('maps CloudBase string codes to wx numbers (docs/protocol.md §13)', () => {
    expect(errCodeOf('SYS_ERR')).toBe(-501001)
    expect(errCodeOf('INVALID_PARAM')).toBe(-501007)
    expect(errCodeOf('DATABASE_PERMISSION_DENIED')).toBe(-502003)
    expect(errCodeOf('DATABASE_COLLECTION_NOT_EXIST')).toBe(-502005)
    expect(errCodeOf('STORAGE_FILE_NONEXIST')).toBe(-503003)
    expect(errCodeOf('FUNCTIONS_EXECUTE_FAIL')).toBe(-504002)
    expect(errCodeOf('SOMETHING_NEW')).toBe(-501001)
  })

  it("formats errMsg as wx does: '<api>:fail <errCode> <description>. <detail>'", () => {
    const e = new CloudError('collection.get', 'DATABASE_COLLECTION_NOT_EXIST', 'collection not exists', 'rq')
    expect(e.errMsg).toBe('collection.get:fail -502005 database collection not exists. collection not exists')
    expect(e.message).toBe(e.errMsg)
    expect(e).toBeInstanceOf(Error)
    expect(e.requestId).toBe('rq')
  })

  it("formats local failures (errCode -1) as '<api>:fail <detail>' (wire example W3, test/fixtures/cloudbase-wire-examples.txt)", () => {
    const e = new CloudError('document.get', 'SDK_ERROR', 'document with _id x does not exist')
    expect(e.errCode).toBe(-1)
    expect(e.errMsg).toBe('document.get:fail document with _id x does not exist')
  })

  it('keeps an unknown server code readable', () => {
    const e = new CloudError('collection.add', 'DATABASE_TRANSACTION_CONFLICT', 'write conflict')
    expect(e.errMsg).toBe('collection.add:fail -501001 DATABASE_TRANSACTION_CONFLICT. write conflict')
    expect(e.code).toBe('DATABASE_TRANSACTION_CONFLICT')
  })

  it('is recognised without instanceof (errors crossing bundles)', () => {
    const e = new CloudError('a', 'SYS_ERR', 'b')
    expect(isCloudError({ ...e, errCode: e.errCode, errMsg: e.errMsg, code: e.code })).toBe(true)
    expect(isCloudError(new Error('x'))).toBe(false)
    expect(isCloudError(null)).toBe(false)
  })
})
