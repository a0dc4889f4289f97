import { describe, expect, it, vi } from 'vitest'
import { settle } from '../../../src/core/callbackify'
import { CloudError } from '../../../src/protocol/errors'

describe('settle (wx dual calling convention)', () => {
  it('returns the promise when no callback is given', async () => {
    await expect(settle(undefined, () => Promise.resolve(1))).resolves.toBe(1)
    await expect(settle({}, () => Promise.resolve(2))).resolves.toBe(2)
  })

  it('calls success then complete, and returns undefined', async () => {
    const calls: string[] = []
    const result = settle({ success: (r) => calls.push(`success ${r}`), complete: (r) => calls.push(`complete ${r}`) }, () =>
      Promise.resolve(3),
    )
    expect(result).toBeUndefined()
    await vi.waitFor(() => expect(calls).toEqual(['success 3', 'complete 3']))
  })

  it('calls fail then complete with the CloudError', async () => {
    const error = new CloudError('collection.get', 'SYS_ERR', 'boom')
    const fail = vi.fn()
    const complete = vi.fn()
    settle({ fail, complete }, () => Promise.reject(error))
    await vi.waitFor(() => expect(complete).toHaveBeenCalledWith(error))
    expect(fail).toHaveBeenCalledWith(error)
  })

  it('turns a synchronous throw into a rejection, or into fail()', async () => {
    const error = new CloudError('x', 'INVALID_ARGUMENT', 'bad')
    await expect(settle(undefined, () => { throw error })).rejects.toBe(error)
    const fail = vi.fn()
    expect(settle({ fail }, () => { throw error })).toBeUndefined()
    await vi.waitFor(() => expect(fail).toHaveBeenCalledWith(error))
  })
})
