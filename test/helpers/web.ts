/** Raw `/web` calls to an emulator, signed in for real (v1 anonymous sign-in): for actions the SDK has no call for. */
import type { RunningEmulator } from '../../emulator/index'

export type WebCall = (action: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>

async function post(emulator: Pick<RunningEmulator, 'url'>, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify(body) })
  return (await response.json()) as Record<string, unknown>
}

/** An access token of a new anonymous user, from the v1 sign-in actions. */
export async function anonymousToken(emulator: Pick<RunningEmulator, 'url'>): Promise<string> {
  const signIn = await post(emulator, { action: 'auth.signInAnonymously' })
  const refresh_token = (signIn.data as { refresh_token: string }).refresh_token
  const fetched = await post(emulator, { action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token })
  return (fetched.data as { access_token: string }).access_token
}

export async function webCaller(emulator: RunningEmulator): Promise<WebCall> {
  const access_token = await anonymousToken(emulator)
  return (action, params = {}) => post(emulator, { action, env: emulator.env, access_token, ...params })
}
