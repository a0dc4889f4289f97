import { describe, expect, it } from 'vitest'
import { realtimeError } from '../../../src/realtime/errors'

describe('realtimeError', () => {
  it("numbers the watch client's codes as wx does (-402002…-402011) and says what failed", () => {
    expect(realtimeError('INIT_WATCH_FAIL', 'x').errCode).toBe(-402002)
    expect(realtimeError('WEBSOCKET_CONNECTION_CLOSED', 'x').errCode).toBe(-402009)
    const error = realtimeError('UNEXPECTED_FATAL_ERROR', 'boom')
    expect(error).toMatchObject({ errCode: -402011, code: 'SDK_DATABASE_REALTIME_LISTENER_UNEXPECTED_FATAL_ERROR' })
    expect(error.errMsg).toBe('watch:fail -402011 realtime listener unexpected fatal error. boom')
  })
})
