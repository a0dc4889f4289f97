/**
 * Raw `/web` calls to an emulator, signed in for real (v1 anonymous sign-in, or a custom ticket's for a
 * named user): for actions the SDK has no call for.
 */
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

/** An access token of the user `openid`, from a custom-ticket sign-in (loginType CUSTOM). */
export async function customToken(emulator: Pick<RunningEmulator, 'url' | 'createTicket'>, openid: string): Promise<string> {
  const signIn = await fetch(`${emulator.url}/auth/v1/signin/custom`, { method: 'POST', body: JSON.stringify({ ticket: emulator.createTicket(openid) }) })
  return ((await signIn.json()) as { access_token: string }).access_token
}

/** Calls as a new anonymous user, or as the user `openid` (the same user across restarts on one data dir). */
export async function webCaller(emulator: RunningEmulator, openid?: string): Promise<WebCall> {
  const access_token = openid === undefined ? await anonymousToken(emulator) : await customToken(emulator, openid)
  return (action, params = {}) => post(emulator, { action, env: emulator.env, access_token, ...params })
}
