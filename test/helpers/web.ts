/** Raw `/web` calls to an emulator, signed in for real (v1 anonymous sign-in): for actions the SDK has no call for. */
import type { RunningEmulator } from '../../emulator/index'

export type WebCall = (action: string, params?: Record<string, unknown>) => Promise<Record<string, unknown>>

export async function webCaller(emulator: RunningEmulator): Promise<WebCall> {
  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(`${emulator.url}/web`, { method: 'POST', body: JSON.stringify(body) })
    return (await response.json()) as Record<string, unknown>
  }
  const signIn = await post({ action: 'auth.signInAnonymously' })
  const fetched = await post({ action: 'auth.fetchAccessTokenWithRefreshToken', refresh_token: (signIn.data as { refresh_token: string }).refresh_token })
  const access_token = (fetched.data as { access_token: string }).access_token
  return (action, params = {}) => post({ action, env: emulator.env, access_token, ...params })
}
